import { describe, expect, it } from "vitest";
import { formatDiagnosisText } from "./format-text.js";
import type { Diagnosis } from "./types.js";

const d: Diagnosis = {
  cause: "tcp.silent-drop",
  confidence: "high",
  title: "SYNs got no answer at all",
  explanation: "The SYNs got no answer.",
  evidence: [
    {
      source: "gw.pcap",
      kind: "capture",
      packets: [3, 4],
      times: ["2026-11-25T02:00:00.000Z", "2026-11-25T02:00:01.000Z"],
      statement: "two SYNs",
    },
    { source: "gateway.log", kind: "log", lines: [12], statement: "Connect timed out" },
    { source: "error-report.txt", kind: "report", part: "TCPTable", statement: "SYN_SENT" },
  ],
  nextSteps: ["Look at the firewall."],
  capturePoints: {
    order: [
      { source: "gw.pcap", synTtl: 64, sawSyn: true, sawAnswer: false },
      { source: "fw-back.pcap", synTtl: null, sawSyn: false, sawAnswer: false },
    ],
    died: { kind: "syn-lost", lastSeen: "gw.pcap", missing: ["fw-back.pcap"] },
    statement: "the SYN reached gw.pcap but not fw-back.pcap",
  },
  partial: false,
  problems: [],
};

describe("text output", () => {
  it("numbers the evidence and says where each item is (packets, lines, report part)", () => {
    const t = formatDiagnosisText(d);
    expect(t).toMatch(/^cause: +tcp\.silent-drop$/m);
    expect(t).toContain("  1. two SYNs\n     [gw.pcap packets 3, 4 at 2026-11-25T02:00:00.000Z]");
    expect(t).toContain("[gateway.log line 12]");
    expect(t).toContain("[error-report.txt part TCPTable]");
    expect(t).toContain("gw.pcap: SYN seen (TTL 64)");
    expect(t).toContain("fw-back.pcap: SYN not seen");
  });
  it("flags a partial diagnosis on the cause line and lists the problems", () => {
    const t = formatDiagnosisText({ ...d, partial: true, problems: ["gw.pcap: truncated"] });
    expect(t).toMatch(/^cause: .*partial/m);
    expect(t).toContain("- gw.pcap: truncated");
  });
});
