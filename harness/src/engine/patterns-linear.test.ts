/**
 * A lint for the readers of hostile text: every regular expression of the log, error-report and
 * catalogue parsers, and the parsers themselves, run on adversarial strings (long repeats of the
 * pattern's own literal words, separators and brackets, alone and spliced into a real-looking
 * line) at two lengths. Linear work grows 10x from 10k to 100k characters; a backtracking pattern
 * grows 100x or more. The bounds are generous so a loaded machine does not fail it.
 */
import { describe, expect, it } from "vitest";
import {
  CATALOG_PATTERNS,
  ERROR_REPORT_PATTERNS,
  LOG_LINE_PATTERNS,
  RUNNING_CONFIG_PATTERNS,
  parseErrorReport,
  parseLog,
  parseLogLine,
  parseRunningConfig,
} from "../appliance/index.js";
import { MULTIPART_PATTERNS } from "../appliance/multipart-reader.js";
import { REPORT_PART_PATTERNS } from "../appliance/report-parts.js";
import { STATUS_XML_PATTERNS, parseRows } from "../appliance/status-xml.js";
import { CATALOG_TEMPLATES, LOG_EVIDENCE_PATTERNS, matchEvent, matchTemplate } from "./log-evidence.js";
import {
  HAPROXY_CLF_LINE,
  HAPROXY_HTTP_LINE,
  HAPROXY_SERVER_LINE,
  HAPROXY_TCP_LINE,
} from "./dialects/haproxy-log.js";
import { NGINX_ACCESS_LINE, NGINX_ERROR_LINE, readNginxMessage } from "./dialects/nginx-log.js";
import { readLogText } from "./dialects/read-log-text.js";
import { NGINX_CLF_LINE } from "./dialects/nginx-access.js";
import { SYSLOG_PREFIX_PATTERNS } from "./dialects/syslog-prefix.js";

const SMALL = 10_000;
const LARGE = 100_000;
/** 10x the input may cost this many times the time (linear is about 10, quadratic 100). */
const MAX_RATIO = 40;
/** Below this a run is too short to time (GC and load dominate); a linear 100k run takes a few ms. */
const FLOOR_MS = 100;
/** A 10k run this slow is super-linear whatever the ratio says. */
const SMALL_LIMIT_MS = 250;

const SEPARATORS = [
  " ",
  ":",
  "/",
  ".",
  ",",
  ";",
  "=",
  '"',
  "'",
  "\\",
  "-",
  "_",
  "@",
  "&",
  "#",
  "0",
  "x",
  "\t",
];
const BRACKETS = ["[", "]", "<", ">", "(", ")", "{", "}", "[a]", "<a>", "()", "[:", "<a ", "</a>", "&#1"];

const SEED_LINE =
  "20261125T020000.000Z [default][0x01130006][mpgw][error] mpgw(B): tid(7)[request][10.100.0.20] gtid(7): DNS answer id 12 A api.example from 10.100.3.53:53/udp: rcode 0 answers [10.0.0.1] ttl 30 in 2 ms";

/** Literal words of a pattern's source: runs of letters not part of an escape like `\d`. */
function wordsOf(src: string): string[] {
  const words = new Set<string>();
  for (const m of src.replace(/\\[a-zA-Z]/g, " ").matchAll(/[A-Za-z][A-Za-z-]{1,}/g)) words.add(m[0]);
  return [...words];
}

/** Strings of about `n` characters: `unit` repeated, alone and spliced into the seed at three points. */
function adversarial(unit: string, n: number, seed: string): string[] {
  const run = unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
  const cuts = [0, Math.floor(seed.length / 3), Math.floor((2 * seed.length) / 3), seed.length];
  return [run, ...cuts.map((k) => seed.slice(0, k) + run + seed.slice(k))];
}

/** Best of three, in CPU time: on a loaded machine wall time counts the other processes too. */
function timeMs(f: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = process.cpuUsage();
    f();
    const d = process.cpuUsage(t0);
    best = Math.min(best, (d.user + d.system) / 1000);
  }
  return best;
}

/** Runs `f` on each adversarial string at both lengths; the failures, as readable lines. */
function superLinear(name: string, units: string[], seed: string, f: (s: string) => void): string[] {
  const bad: string[] = [];
  for (const unit of units)
    for (let v = 0; v < adversarial(unit, 10, seed).length; v++) {
      const small = adversarial(unit, SMALL, seed)[v];
      const ts = timeMs(() => f(small));
      if (ts > SMALL_LIMIT_MS) {
        bad.push(`${name}: ${JSON.stringify(unit)} variant ${v} took ${ts.toFixed(0)} ms at ${SMALL}`);
        continue;
      }
      const large = adversarial(unit, LARGE, seed)[v];
      const tl = timeMs(() => f(large));
      if (tl > FLOOR_MS && tl > MAX_RATIO * Math.max(ts, FLOOR_MS / MAX_RATIO))
        bad.push(
          `${name}: ${JSON.stringify(unit)} variant ${v}: ${ts.toFixed(1)} ms at ${SMALL}, ${tl.toFixed(1)} ms at ${LARGE}`,
        );
    }
  return bad;
}

function runPattern(re: RegExp, s: string): void {
  if (re.global) for (const _ of s.matchAll(re));
  else re.exec(s);
}

const GROUPS: Record<string, Record<string, RegExp>> = {
  "log-line": LOG_LINE_PATTERNS,
  multipart: MULTIPART_PATTERNS,
  "report-parts": REPORT_PART_PATTERNS,
  "error-report": ERROR_REPORT_PATTERNS,
  "status-xml": STATUS_XML_PATTERNS,
  "running-config": RUNNING_CONFIG_PATTERNS,
  catalog: CATALOG_PATTERNS,
  "log-evidence": LOG_EVIDENCE_PATTERNS,
  "gateway-dialects": {
    HAPROXY_HTTP_LINE,
    HAPROXY_TCP_LINE,
    HAPROXY_CLF_LINE,
    HAPROXY_SERVER_LINE,
    NGINX_ERROR_LINE,
    NGINX_ACCESS_LINE,
    NGINX_CLF_LINE,
  },
  "syslog-prefix": SYSLOG_PREFIX_PATTERNS,
};

describe("every parser pattern runs in linear time on adversarial strings", { timeout: 300_000 }, () => {
  for (const [group, patterns] of Object.entries(GROUPS))
    it(`${group}: ${Object.keys(patterns).join(", ")}`, () => {
      expect(Object.keys(patterns).length).toBeGreaterThan(0);
      const bad: string[] = [];
      for (const [name, re] of Object.entries(patterns)) {
        const units = [
          ...wordsOf(re.source),
          ...wordsOf(re.source).map((w) => w + " "),
          ...SEPARATORS,
          ...BRACKETS,
        ];
        bad.push(...superLinear(`${group}.${name}`, units, SEED_LINE, (s) => runPattern(re, s)));
      }
      expect(bad).toEqual([]);
    });

  it("catalog templates (matched by scanning)", () => {
    const bad: string[] = [];
    for (const { name, t } of CATALOG_TEMPLATES) {
      const units = [
        ...new Set(t.literals.flatMap((l) => [l, ...wordsOf(l)]).filter((x) => x.trim() !== "")),
      ];
      const seed = t.literals.join("x");
      bad.push(...superLinear(`template ${name}`, units, seed, (s) => matchTemplate(t, s)));
    }
    expect(bad).toEqual([]);
  });
});

describe("the parsers end to end run in linear time on adversarial text", { timeout: 300_000 }, () => {
  const units = [...SEPARATORS, ...BRACKETS, "from ", "tid(1)", "[error]", "\n", "\r\n", "----dp1\r\n"];
  it("parseLogLine, matchEvent and parseLog", () => {
    const bad = [
      ...superLinear("parseLogLine", units, SEED_LINE, (s) => parseLogLine(s)),
      ...superLinear("matchEvent", units, SEED_LINE, (s) => {
        const e = parseLogLine(SEED_LINE)!;
        matchEvent({ ...e, message: s });
      }),
      ...superLinear("parseLog", units, SEED_LINE, (s) => parseLog(s)),
    ];
    expect(bad).toEqual([]);
  });
  it("nginx's and HAProxy's logs (readLogText, readNginxMessage)", () => {
    const nginx =
      '2026/12/01 09:22:39 [error] 7#7: *3 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.9, server: _, request: "GET / HTTP/1.1", upstream: "http://10.1.0.1:80/", host: "gw"';
    const haproxy =
      '2026-12-01T09:08:12.089Z 10.0.0.9:41234 [01/Dec/2026:09:08:12.089] fe be/srv1 0/0/-1/-1/3001 503 217 - - SC-- 1/1/0/0/3 0/0 "GET / HTTP/1.1"';
    const combined =
      '127.0.0.1 - - [01/Dec/2026:20:25:38 +0000] "GET / HTTP/1.1" 502 157 "-" "curl/7.88.1" upstream_addr=10.0.0.1:81, 10.0.0.2:80 upstream_status=502, 200 uct="-, 0.000"';
    const syslog = `<134>Dec  1 20:25:51 haproxy[23297]: Server be/s1 is DOWN, reason: Layer4 connection problem, info: "Connection refused"`;
    const json =
      '{"time":"2026-12-01T20:25:41+00:00","remote_addr":"127.0.0.1","status":"504","upstream_status":"504"}';
    const bad = [
      ...superLinear("readLogText nginx combined", units, combined, (s) => readLogText(s, "gw.log")),
      ...superLinear("readLogText nginx json", units, json, (s) => readLogText(s, "gw.log")),
      ...superLinear("readLogText syslog", units, syslog, (s) => readLogText(s, "gw.log")),
      ...superLinear("readLogText nginx syslog", units, `<187>Dec  1 20:25:38 vm nginx: ${nginx}`, (s) =>
        readLogText(s, "gw.log"),
      ),
      ...superLinear("readLogText nginx", units, nginx, (s) => readLogText(s, "gw.log")),
      ...superLinear("readLogText haproxy", units, haproxy, (s) => readLogText(s, "gw.log")),
      ...superLinear("readNginxMessage", units, nginx.slice(nginx.indexOf("connect()")), (s) =>
        readNginxMessage(s),
      ),
    ];
    expect(bad).toEqual([]);
  });
  it("parseRows, parseRunningConfig and parseErrorReport", () => {
    const xml = "<Row><Name>a</Name><N x='1'>2</N><E/></Row>";
    const report =
      'Content-Type: multipart/mixed; boundary="--dp1"\r\n\r\npre\r\n----dp1\r\nContent-ID: <default-log@x>\r\n\r\nAAAA\r\n----dp1--\r\n';
    const bad = [
      ...superLinear("parseRows", [...units, "<Row>", "<Row ", "<Name>"], xml, (s) =>
        parseRows("Row", s, []),
      ),
      ...superLinear(
        "parseRunningConfig",
        [...units, "exit\n", '"', "  name-server "],
        "dns\n  timeout 5\nexit\n",
        (s) => parseRunningConfig(s),
      ),
      ...superLinear("parseErrorReport", units, report, (s) => {
        try {
          parseErrorReport(s);
        } catch {
          // BAD_ARTIFACT for text with no parts: only the time matters here.
        }
      }),
    ];
    expect(bad).toEqual([]);
  });
});
