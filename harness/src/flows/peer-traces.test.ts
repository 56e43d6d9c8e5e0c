/**
 * Every trace in ../shared/peer-traces/zeek is read, and every fact its Zeek baseline states is
 * compared with ours. Where we differ on purpose, DIFFERENCES names the Zeek option or analyzer
 * behind it and the exact fields allowed to differ; a listed difference that disappears fails too,
 * so the table stays true.
 */
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyzeCapture } from "./analyze.js";
import { compareWithZeek, zeekOptions, type ManifestTrace } from "./zeek-compare.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const dir = path.resolve(repoRoot, "../shared/peer-traces/zeek");
const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as {
  traces: ManifestTrace[];
};

/** Zeek's tcp_attempt_delay: the test runs with it so unanswered attempts split as Zeek splits them. */
const ZEEK_ATTEMPT_DELAY = 5;

const DIFFERENCES: Record<string, { why: string; fields: string[] }> = {
  "tcp/rst-inject-rae.pcap": {
    why: "tcp_endpoints: Zeek's endpoint size/state records are internal to its TCP analyzer; we compare the packet counts",
    fields: ["tcp_endpoints"],
  },
  "tcp/fin_retransmission.pcap": {
    why: "tcp_endpoints: Zeek's endpoint size/state records are internal to its TCP analyzer; we compare the packet counts",
    fields: ["tcp_endpoints"],
  },
  "wikipedia.pcap": {
    why: "Zeek's DNS analyzer logs one dns.log row per query message and takes mDNS response names from its answers; we group retries with the same id into one transaction (queries[]) and leave query null when a response carries no question",
    fields: ["dns.query", "dns.missing"],
  },
  "ntp/misordered-ntp.pcap": {
    why: "Zeek's NTP analyzer flips the connection by NTP mode (history D^); we have no NTP analyzer and keep the first sender as originator",
    fields: ["conn.missing"],
  },
  "dns/dynamic-update.pcap": {
    why: "DNS UPDATE (opcode 5): Zeek's analyzer logs the updated name and prerequisite/update records; we log the zone (question section) and answer-section data",
    fields: ["dns.query", "dns.answers"],
  },
  "dns/dns_notify2.pcap": {
    why: "a response seen without its query: Zeek leaves query unset, we take it from the response's question section",
    fields: ["dns.query"],
  },
  "tls/tls-1.2-protocol-error.pcap": {
    why: "analyzer confirmation/violation events belong to Zeek's SSL analyzer framework; we have no analyzer events",
    fields: ["analyzer"],
  },
};

describe("Zeek peer traces", () => {
  it("the manifest and its traces are where CI puts them", () => {
    expect(existsSync(dir)).toBe(true);
    expect(manifest.traces.length).toBeGreaterThan(40);
  });

  for (const t of manifest.traces) {
    it(`${t.file} agrees with Zeek's baseline${DIFFERENCES[t.file] ? " except where documented" : ""}`, async () => {
      const summary = await analyzeCapture(path.join(dir, t.file), {
        ...zeekOptions(t),
        attemptTimeout: ZEEK_ATTEMPT_DELAY,
      });
      expect(summary.captures[0].packets).toBeGreaterThan(0);
      const mismatches = compareWithZeek(t, summary);
      const allowed = DIFFERENCES[t.file];
      if (!allowed) {
        expect(mismatches).toEqual([]);
        return;
      }
      const unexpected = mismatches.filter((m) => !allowed.fields.includes(m.field));
      expect(unexpected).toEqual([]);
      // A documented difference that no longer shows up must be removed from the table.
      expect(mismatches.length, `stale DIFFERENCES entry for ${t.file}`).toBeGreaterThan(0);
    });
  }
});
