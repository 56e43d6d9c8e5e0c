/**
 * Fusing findings: per cause, the strongest finding of each artifact kind adds up (capture, log
 * and report agreeing beat any one of them); the top score wins. Ties go to the cause that names
 * the earlier failure on the path (DNS before TCP before the exchange), since a later step cannot
 * fail before an earlier one has worked.
 */
import { CAUSES, type Cause } from "../taxonomy.js";
import { STRENGTH_SCORE, type Finding } from "./findings.js";
import type { Confidence, EvidenceKind } from "./types.js";

export interface Ranked {
  cause: Cause;
  score: number;
  decisive: boolean;
  kinds: EvidenceKind[];
  findings: Finding[];
}

/** Tie-break order: specific root causes before the symptoms they produce. */
const PRECEDENCE: Cause[] = [
  "dns.stale-cache",
  "net.wrong-route",
  "dns.not-configured",
  "dns.nxdomain",
  "dns.servfail",
  "dns.refused",
  "dns.no-address",
  "dns.no-response",
  "tls.handshake-failure",
  "tcp.rejected-icmp",
  "net.host-unreachable",
  "tcp.refused",
  "net.packet-loss",
  "backend.overloaded",
  "backend.reset",
  "backend.closed",
  "backend.timeout",
  "tcp.silent-drop",
  "healthy",
];

/**
 * Root causes whose consequence is another label's signature: a wrong route or a stale address
 * makes SYNs go unanswered. Once the root has a decisive finding, the symptom counts half.
 */
const SYMPTOMS: Partial<Record<Cause, Cause[]>> = {
  "net.wrong-route": ["tcp.silent-drop", "net.host-unreachable", "tcp.rejected-icmp"],
  "dns.stale-cache": ["tcp.silent-drop", "net.host-unreachable", "tcp.refused", "tcp.rejected-icmp"],
  // An ICMP error or RST on the wire explains a connect the application saw time out.
  "net.host-unreachable": ["tcp.silent-drop"],
  // ICMP 10/13 reach the application as EHOSTUNREACH, 3 as ECONNREFUSED (DOMAIN.md section 8).
  "tcp.rejected-icmp": ["tcp.silent-drop", "net.host-unreachable", "tcp.refused"],
  "tcp.refused": ["tcp.silent-drop"],
  // Accepted into the backlog but never served, or dropped at the full queue.
  "backend.overloaded": ["tcp.silent-drop", "backend.timeout"],
  // Random loss drops SYNs (a connect times out), requests and responses (a request times out),
  // and a persistent connection's FIN (the next request on it is reset, or closed unanswered);
  // its decisive finding already ruled out SYNs unanswered beside the backend (rules-capture.ts).
  "net.packet-loss": [
    "tcp.silent-drop",
    "backend.timeout",
    "backend.overloaded",
    "backend.reset",
    "backend.closed",
  ],
};

export function rank(findings: Finding[]): Ranked[] {
  const by = new Map<Cause, Finding[]>();
  for (const f of findings) by.set(f.cause, [...(by.get(f.cause) ?? []), f]);
  const out: Ranked[] = [];
  for (const [cause, fs] of by) {
    const best = new Map<EvidenceKind, number>();
    for (const f of fs) best.set(f.kind, Math.max(best.get(f.kind) ?? 0, STRENGTH_SCORE[f.strength]));
    const score = [...best.values()].reduce((a, b) => a + b, 0);
    out.push({
      cause,
      score,
      decisive: fs.some((f) => f.strength === "decisive"),
      kinds: [...best.keys()],
      findings: fs,
    });
  }
  for (const r of out) {
    if (!r.decisive) continue;
    for (const s of SYMPTOMS[r.cause] ?? []) {
      const sym = out.find((x) => x.cause === s);
      if (sym) sym.score = Math.floor(sym.score / 2);
    }
  }
  const prec = (c: Cause) => {
    const i = PRECEDENCE.indexOf(c);
    return i < 0 ? CAUSES.length : i;
  };
  return out.sort(
    (a, b) => b.score - a.score || Number(b.decisive) - Number(a.decisive) || prec(a.cause) - prec(b.cause),
  );
}

/** high: a decisive finding and a clear lead; medium: a strong case; low: hints only or a near tie. */
export function confidenceOf(top: Ranked, second: Ranked | undefined): Confidence {
  const lead = top.score - (second?.score ?? 0);
  if (top.decisive && lead >= 2) return "high";
  if (top.score >= 2 && lead >= 1) return "medium";
  return "low";
}
