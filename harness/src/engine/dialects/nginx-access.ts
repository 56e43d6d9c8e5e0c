/**
 * nginx's access log in the shapes people configure: the default `combined` (and `common`) format,
 * formats that add `key=value` fields (backside's own, nginx's blog `apm` format with
 * `upstream_addr=`, `uct="..."` style short names), and JSON (`log_format ... escape=json`). The
 * line says how the request ended; the `$upstream_*` variables, when logged, say which server
 * answered and how long its connect took. With several servers they are lists, one entry per
 * attempt (`10.0.0.1:80, 10.0.0.2:80` and `502, 200`): the last attempt is the outcome.
 */
import type { LogFact } from "../log-evidence.js";
import { dialectFact, type DialectLine } from "./dialect-fact.js";

/** `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent` (combined's head). */
export const NGINX_CLF_LINE =
  /^(?<client>[\da-fA-F.:]+) \S+ \S+ \[(?<tl>\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] "(?<request>[^"]*)" (?<status>\d{3}) (?:\d+|-)(?:\s|$)/;
/** Any format with the upstream's status as a `key=value` field. */
export const NGINX_KV_LINE = /(?:^|\s)(?:upstream_status|us)=\S+/;
const TIME_LOCAL = /(?<d>\d\d)\/(?<mon>[A-Z][a-z]{2})\/(?<y>\d{4}):(?<hms>\d\d:\d\d:\d\d) (?<tz>[+-]\d{4})/;
const KV = /(?:^|\s)(\w+)=("[^"]*"|\S+)/g;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Field names people give the same variables (nginx's docs, its blog's formats, backside's own). */
const ALIASES: Record<string, string> = {
  upstream: "upstream_addr",
  us: "upstream_status",
  uct: "upstream_connect_time",
  uht: "upstream_header_time",
  urt: "upstream_response_time",
  rt: "request_time",
  remote_addr: "client",
  time_iso8601: "time",
  "@timestamp": "time",
};

export function isNginxAccessLine(raw: string): boolean {
  return (
    NGINX_CLF_LINE.test(raw) || NGINX_KV_LINE.test(raw) || jsonFields(raw)?.has("upstream_status") === true
  );
}

function timeLocal(s: string): number {
  const g = TIME_LOCAL.exec(s)?.groups;
  if (!g) return NaN;
  const [h, m, sec] = g.hms.split(":").map(Number);
  const off = (Number(g.tz.slice(1, 3)) * 60 + Number(g.tz.slice(3))) * (g.tz[0] === "-" ? -1 : 1);
  return Date.UTC(Number(g.y), MONTHS.indexOf(g.mon), Number(g.d), h, m, sec) - off * 60_000;
}

function jsonFields(raw: string): Map<string, string> | undefined {
  if (!raw.startsWith("{")) return undefined;
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!o || typeof o !== "object") return undefined;
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(o as Record<string, unknown>))
    if (typeof v === "string" || typeof v === "number") out.set(ALIASES[k] ?? k, String(v));
  return out;
}

function fieldsOf(raw: string): Map<string, string> {
  const json = jsonFields(raw);
  if (json) return json;
  const kv = new Map<string, string>();
  const clf = NGINX_CLF_LINE.exec(raw)?.groups;
  if (clf) for (const k of ["client", "request", "status"] as const) kv.set(k, clf[k]);
  // A list value (`upstream_addr=10.0.0.1:80, 10.0.0.2:80`) continues after ", ".
  for (const m of raw.replace(/, (?=[\d.:a-f[\]-]+(?:\s|,|$))/g, ",").matchAll(KV))
    kv.set(ALIASES[m[1]] ?? m[1], m[2].replace(/^"|"$/g, ""));
  return kv;
}

function timeOf(kv: Map<string, string>, raw: string): number {
  const msec = Number(kv.get("msec"));
  if (kv.has("msec") && Number.isFinite(msec)) return Math.round(msec * 1000);
  const t = kv.get("time") ?? kv.get("time_local");
  if (t) {
    const iso = Date.parse(t);
    if (Number.isFinite(iso)) return iso;
    const local = timeLocal(t);
    if (Number.isFinite(local)) return local;
  }
  const lead = Date.parse(raw.split(" ")[0]);
  return Number.isFinite(lead) && /^\d{4}-/.test(raw) ? lead : timeLocal(raw);
}

/** The last entry of an `$upstream_*` list (`-, 0.000` or `502, 200`; `:` separates redirects). */
function last(v: string | undefined): string | undefined {
  return v
    ?.split(/[,:]\s*(?=\S)/)
    .pop()
    ?.trim();
}

/** Facts from one access-log line: how the request ended and, when logged, the upstream's part. */
export function accessFacts(raw: string, line: number, source: string): LogFact[] {
  const kv = fieldsOf(raw);
  const time = timeOf(kv, raw);
  if (!Number.isFinite(time)) return [];
  const conn = /(?:^|\s)\*(\d+)(?:\s|$)/.exec(raw)?.[1];
  const addrs = (kv.get("upstream_addr") ?? "").split(/\s*,\s*/);
  const upstream = addrs[addrs.length - 1];
  // `10.0.0.1:80` or `[2001:db8::1]:80`; a name (an upstream block with no server left) is no address.
  const hp = /^(?:\[(?<v6>[\da-fA-F:.]+)\]|(?<v4>[\d.]+)):(?<port>\d+)$/.exec(upstream)?.groups;
  const [address, port] = hp ? [hp.v6 ?? hp.v4, hp.port] : ["", ""];
  const status = kv.get("status") ?? "";
  const upstreamStatus = last(kv.get("upstream_status")) ?? "";
  const connectText = last(kv.get("upstream_connect_time"));
  const connectS = Number(connectText);
  const responseS = Number(last(kv.get("request_time") ?? kv.get("upstream_response_time")));
  const request = { client: kv.get("client") ?? "", request: kv.get("request") ?? "" };
  const l: DialectLine = {
    time,
    timeText: new Date(time).toISOString(),
    level: "info",
    tid: Number(conn ?? 0),
    message: kv.has("upstream_status")
      ? `upstream ${kv.get("upstream_addr") || "-"} status ${kv.get("upstream_status")} connect ${kv.get("upstream_connect_time") || "-"} s`
      : `status ${status || "-"}: ${request.request || "-"}`,
    line,
    raw,
  };
  const at = { address, port };
  const out: LogFact[] = [];
  // The upstream's status when logged (nginx's own 502 stands for no upstream answer), else the
  // status the client got: a served request whatever the format.
  const served = /^[1-3]\d\d$/.test(upstreamStatus || status) && !/^5/.test(status);
  if (served) {
    const started = Number.isFinite(responseS) ? { ...l, time: time - Math.round(responseS * 1000) } : l;
    if (address) out.push(dialectFact("nginx", started, "connectAttempt", at, source));
    if (connectText && Number.isFinite(connectS))
      out.push(
        dialectFact(
          "nginx",
          started,
          "connectSucceeded",
          { ...at, ms: String(Math.round(connectS * 1000)) },
          source,
        ),
      );
    out.push(
      dialectFact("nginx", l, "responseSent", { status: upstreamStatus || status, ...request }, source),
    );
  } else if (/^5\d\d$/.test(status)) {
    const reason = upstreamStatus ? `upstream status ${kv.get("upstream_status")}` : `status ${status}`;
    const hint = failureHint(status, connectText);
    out.push(dialectFact("nginx", l, "errorResponseSent", { status, reason, hint, ...request }, source));
  }
  return out;
}

/**
 * Which way a request failed, from nginx's status alone: 504 is a timeout (of the connect when no
 * connect time was logged, else of the response), 502 anything else (a connect that failed at
 * once, or a connection closed or reset without a response). Weak: the error log says which.
 */
function failureHint(status: string, connect: string | undefined): string {
  const connected = connect !== undefined && Number.isFinite(Number(connect));
  if (status === "504") return connected ? "backend.timeout" : "tcp.silent-drop";
  if (status === "502") return connected ? "backend.closed" : "tcp.refused";
  return "";
}
