/**
 * Log rules: group the log's events by transaction (tid), decide each transaction's outcome from
 * its most telling line, and turn failing transactions into findings. Failures in transactions
 * that a later transaction recovered from still count (the taxonomy labels what finally broke, and
 * a burst mixes both); a run of only successes is `healthy`.
 */
import { isIP } from "node:net";
import type { EventName } from "../appliance/index.js";
import { CAUSES, type Cause } from "../taxonomy.js";
import { connectCauseFromErrno, dnsCauseFromReason } from "./failure-text.js";
import type { Facts } from "./facts.js";
import { finding, type Finding, type Strength } from "./findings.js";
import type { LogFact } from "./log-evidence.js";
import { joinRequests } from "./log-requests.js";

interface Reading {
  cause: Cause;
  strength: Strength;
  /** Higher reads first: a specific line beats the generic `Failed to establish` one. */
  rank: number;
}

const GENERIC: Partial<Record<EventName, true>> = {
  backsideFailed: true,
  backsideInvalid: true,
  backendFailedXmlfw: true,
  connectServerFailed: true,
  errorResponseSent: true,
};

/** What one line says on its own, or undefined for lines that are not an outcome. */
function readLine(f: LogFact): Reading | undefined {
  const p = f.params;
  switch (f.event) {
    case "dnsResolveFailed": {
      const c = dnsCauseFromReason(p.reason ?? "");
      return c
        ? { cause: c, strength: "decisive", rank: 9 }
        : { cause: "dns.nxdomain", strength: "weak", rank: 5 };
    }
    case "dnsAnswer": {
      const rc = Number(p.rcode);
      if (rc === 3) return { cause: "dns.nxdomain", strength: "strong", rank: 5 };
      if (rc === 2) return { cause: "dns.servfail", strength: "strong", rank: 5 };
      if (rc === 5) return { cause: "dns.refused", strength: "strong", rank: 5 };
      if (rc === 0 && /^\s*$/.test(p.answers ?? "x"))
        return { cause: "dns.no-address", strength: "strong", rank: 5 };
      return undefined;
    }
    case "dnsQueryTimedOut":
    case "dnsServerError":
      return { cause: "dns.no-response", strength: "weak", rank: 4 };
    case "dnsCallbackFailed":
      // The public line names no reason: NXDOMAIN is the usual one, the rest need a capture.
      return { cause: "dns.nxdomain", strength: "weak", rank: 5 };
    case "connectRefused":
      return { cause: "tcp.refused", strength: "strong", rank: 8 };
    case "hostUnreachable":
    case "netUnreachable":
      return { cause: "net.host-unreachable", strength: "strong", rank: 8 };
    case "connectTimedOut":
      return { cause: "tcp.silent-drop", strength: "strong", rank: 7 };
    case "connectionReset":
      return { cause: "backend.reset", strength: "decisive", rank: 8 };
    case "backendClosed":
      return { cause: "backend.closed", strength: "decisive", rank: 8 };
    case "backendNoResponse":
      return { cause: "backend.timeout", strength: "decisive", rank: 8 };
    case "backsideHeaderFailed":
      return { cause: "backend.timeout", strength: "strong", rank: 6 };
    case "tlsHandshakeFailed":
    case "tlsVerifyFailed":
      return { cause: "tls.handshake-failure", strength: "decisive", rank: 9 };
    case "tlsAlert":
    case "backNetworkError":
    case "sslLibraryError":
      return { cause: "tls.handshake-failure", strength: "strong", rank: 7 };
    case "connectFailed":
    case "connectionError": {
      const c = connectCauseFromErrno(p.errno ?? f.entry.message);
      return c ? { cause: c, strength: "strong", rank: 6 } : undefined;
    }
    case "backsideInvalid":
      // 0x80e00126: the name resolved, the TCP connect failed or timed out (DOMAIN.md section 2).
      return { cause: "tcp.silent-drop", strength: "weak", rank: 2 };
    case "backsideFailed":
    case "backendFailedXmlfw":
    case "connectServerFailed":
    case "errorResponseSent":
      // Another gateway's generic line may say which way it failed (HAProxy's termination state,
      // nginx's status beside the upstream's connect time): a hint, below any specific line.
      return isCause(p.hint) ? { cause: p.hint, strength: "weak", rank: 1 } : undefined;
    default:
      return undefined;
  }
}

function isCause(s: string | undefined): s is Cause {
  return s !== undefined && (CAUSES as readonly string[]).includes(s) && s !== "healthy";
}

/** The backend answered: the backside connection worked, whatever the gateway did with the answer. */
const SUCCESS: Partial<Record<EventName, true>> = {
  bytesReceived: true,
  tlsHandshakeDone: true,
  backendAnswerRejected: true,
};

function succeeded(tx: LogFact[]): boolean {
  return tx.some(
    (f) => SUCCESS[f.event] || (f.event === "responseSent" && /^[1-3]/.test(f.params.status ?? "")),
  );
}

/** Causes that mean no answer came over the connection (a DNS, connect or TLS step failed). */
const CONNECT_CAUSES = new Set<Cause>([
  "dns.nxdomain",
  "dns.servfail",
  "dns.refused",
  "dns.no-address",
  "dns.no-response",
  "dns.not-configured",
  "tcp.silent-drop",
  "tcp.refused",
  "tcp.rejected-icmp",
  "net.host-unreachable",
  "tls.handshake-failure",
  "backend.timeout",
  "backend.closed",
]);

interface Tx {
  tid: number;
  facts: LogFact[];
  /** Failure lines of a request that was served in the end (another attempt worked). */
  recovered: LogFact[];
  failure?: Reading & { fact: LogFact };
  generic: LogFact[];
  ok: boolean;
  start: number;
  end: number;
}

function transactions(log: LogFact[]): Tx[] {
  const by = new Map<string, LogFact[]>();
  for (const f of log) {
    // tid 0 lines (no transaction) stand alone.
    const k = f.entry.tid === 0 ? `0:${f.source}:${f.entry.line}` : `${f.source}:${f.entry.tid}`;
    const list = by.get(k);
    if (list) list.push(f);
    else by.set(k, [f]);
  }
  return joinRequests([...by.values()]).map(({ facts, served }) => {
    let failure: Tx["failure"];
    for (const f of facts) {
      const r = readLine(f);
      if (r && (!failure || r.rank > failure.rank)) failure = { ...r, fact: f };
    }
    if (served)
      return {
        tid: facts[0].entry.tid,
        facts,
        recovered: facts.filter((f) => readLine(f)),
        generic: [],
        ok: true,
        start: facts.reduce((m, f) => Math.min(m, f.time), Infinity),
        end: facts.reduce((m, f) => Math.max(m, f.time), -Infinity),
      };
    // A transaction whose backend answered failed on the answer, not on the connection: the
    // generic failure line and connect-failure readings in it do not count.
    const answered = facts.some((f) => f.event === "backendAnswerRejected");
    if (answered && failure && CONNECT_CAUSES.has(failure.cause)) failure = undefined;
    const generic = answered ? [] : facts.filter((f) => GENERIC[f.event]);
    const ok = succeeded(facts) && !generic.length && !(failure && failure.rank >= 6);
    // A DNS step that timed out but was followed by an answer is a recovered step, not a failure.
    if (failure && failure.rank < 6 && succeeded(facts)) failure = undefined;
    return {
      tid: facts[0].entry.tid,
      facts,
      recovered: [],
      failure,
      generic,
      ok,
      start: facts.reduce((m, f) => Math.min(m, f.time), Infinity),
      // A persistent connection's close is logged under the transaction that opened it, maybe
      // long after that transaction answered: not part of its span.
      end: facts.reduce((m, f) => (f.event === "persistentClosed" ? m : Math.max(m, f.time)), -Infinity),
    };
  });
}

/** Whether some failing transaction ran while a connected one was open (one burst). */
function overlapping(failing: Tx[], others: Tx[]): boolean {
  // Others by start with the running maximum of their ends: one binary search per failing one.
  const sorted = [...others].sort((a, b) => a.start - b.start);
  const maxEnd: number[] = [];
  sorted.forEach((o, i) => maxEnd.push(Math.max(o.end, i ? maxEnd[i - 1] : -Infinity)));
  return failing.some((x) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid].start <= x.end) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && maxEnd[lo - 1] >= x.start;
  });
}

/** A successful transaction's telling line: the backend's answer that the gateway rejected, else its last. */
function okEvidence(t: Tx) {
  const a = t.facts.find((x) => x.event === "backendAnswerRejected");
  const served = t.facts.findLast((x) => x.event === "responseSent");
  if (t.recovered.length && served) {
    const r = t.recovered[0].ev;
    return {
      ...served.ev,
      statement: `served after a failed attempt (${r.statement.slice(0, 160)}): ${served.ev.statement}`,
    };
  }
  if (!a) return t.facts[t.facts.length - 1].ev;
  return { ...a.ev, statement: `${a.params.reason} (the connection worked): ${a.ev.statement}` };
}

export function logRules(f: Facts): Finding[] {
  if (f.log.length === 0) return [];
  const txs = transactions(f.log);
  const failing = txs.filter((t) => t.failure || t.generic.length > 0);
  const oks = txs.filter((t) => t.ok);
  const out: Finding[] = [];
  if (failing.length === 0) {
    if (oks.length > 0)
      out.push(
        finding("healthy", "strong", "log", oks.slice(0, 3).map(okEvidence), { responses: oks.length }),
      );
    return out;
  }
  // Transactions whose connect succeeded, and those whose connect timed out: together in one burst
  // they are the backend's listen queue, not a firewall.
  const connected = txs.filter((t) => t.facts.some((x) => x.event === "connectSucceeded"));
  const connectFails = failing.filter((t) => t.failure?.cause === "tcp.silent-drop");
  // Tally causes over failing transactions.
  const tally = new Map<Cause, { reading: Reading; facts: LogFact[] }>();
  for (const t of failing) {
    if (!t.failure) continue;
    const e = tally.get(t.failure.cause);
    if (!e) tally.set(t.failure.cause, { reading: t.failure, facts: [t.failure.fact] });
    else {
      e.facts.push(t.failure.fact);
      if (t.failure.rank > e.reading.rank) e.reading = t.failure;
    }
  }
  const loss = lossSigns(txs, failing);
  if (loss) out.push(loss);
  const generic = failing
    .flatMap((t) => t.generic)
    .slice(0, 2)
    .map((x) => x.ev);
  for (const [cause, e] of tally) {
    const evidence = [...e.facts.slice(0, 4).map((x) => x.ev), ...generic];
    const strength: Strength = e.reading.strength;
    const fact = e.facts[0];
    const conn = {
      address: fact.params.address,
      ...(Number(fact.params.port) > 0 ? { port: Number(fact.params.port) } : {}),
    };
    switch (cause) {
      case "tcp.silent-drop":
        // Connect timeouts in some transactions while others of the same burst got through: the
        // backend's listen queue, not a firewall (a firewall drops every SYN alike).
        if (connected.length > 0 && overlapping(connectFails, connected)) {
          out.push(
            // Connect timeouts while other connects of the same burst got through: the listen queue.
            finding(
              "backend.overloaded",
              "decisive",
              "log",
              [...evidence, connected[0].facts[connected[0].facts.length - 1].ev],
              { ...conn, how: "log" },
            ),
          );
        } else out.push(finding(cause, strength, "log", evidence, conn));
        break;
      case "backend.timeout":
        if (oks.length > 0 && !loss)
          out.push(
            finding(
              "net.packet-loss",
              "weak",
              "log",
              // A served transaction whose connect line is missing (a cut log) has no connect to cite.
              [...evidence, ...connected.slice(0, 1).map((t) => t.facts[t.facts.length - 1].ev)],
              { ...conn, succeeded: oks.length, failed: failing.length },
            ),
          );
        out.push(finding(cause, strength, "log", evidence, conn));
        break;
      case "tls.handshake-failure":
        out.push(
          finding(cause, strength, "log", evidence, {
            ...conn,
            alert: fact.params.alert ?? fact.params.reason ?? fact.params.detail,
          }),
        );
        break;
      case "backend.overloaded":
        out.push(finding(cause, strength, "log", evidence, { ...conn, how: "log" }));
        break;
      case "dns.no-response":
        out.push(
          finding(cause, strength, "log", evidence, {
            name: fact.params.host ?? fact.params.name,
            servers: fact.params.server ? [fact.params.server] : [],
          }),
        );
        break;
      case "dns.stale-cache":
        out.push(finding(cause, strength, "log", evidence, { cached: [], current: [] }));
        break;
      case "dns.nxdomain":
      case "dns.servfail":
      case "dns.refused":
      case "dns.no-address":
      case "dns.not-configured":
        out.push(finding(cause, strength, "log", evidence, { name: fact.params.host ?? fact.params.name }));
        break;
      default:
        out.push(finding(cause, strength, "log", evidence, conn as never));
    }
  }
  if (tally.size === 0) {
    // Only the generic line: some backside failure, cause unknown from the log.
    out.push(finding("tcp.silent-drop", "weak", "log", generic, {}));
  }
  return out;
}

/** Causes a lossy path gives one request or another: a lost SYN or SYN-ACK, a lost request or response, a lost FIN. */
const LOSS_SYMPTOMS = new Set<Cause>([
  "tcp.silent-drop",
  "backend.timeout",
  "backend.reset",
  "backend.closed",
]);
/** A connect that took this long waited for a retransmitted SYN (Linux's initial RTO is 1 s, RFC 6298 section 2.1). */
const RETRANSMITTED_CONNECT_MS = 900;

/**
 * A lossy path in the log alone: requests one after another (not a concurrent burst, which is a
 * listen queue) fail and succeed by turns, and the failures differ (a connect timeout here, a
 * response timeout there: decisive) or successful connects needed a retransmitted SYN (strong).
 * A dead firewall or a hung backend fails every request the same way.
 */
function lossSigns(txs: Tx[], failing: Tx[]): Finding | undefined {
  const failed = new Set(failing);
  const seq = txs
    .filter((t) => t.ok || (t.failure && LOSS_SYMPTOMS.has(t.failure.cause)))
    .sort((a, b) => a.start - b.start);
  let turns = 0;
  for (let i = 1; i < seq.length; i++) if (failed.has(seq[i]) !== failed.has(seq[i - 1])) turns++;
  if (turns < 2) return undefined;
  const oks = seq.filter((t) => !failed.has(t));
  const fails = seq.filter((t) => failed.has(t));
  if (overlapping(fails, oks)) return undefined;
  const kinds = new Set(fails.map((t) => t.failure!.cause));
  const slow = oks
    .flatMap((t) => t.facts.filter((x) => x.event === "connectSucceeded"))
    .filter((x) => Number(x.params.ms) >= RETRANSMITTED_CONNECT_MS);
  if (kinds.size < 2 && slow.length === 0) return undefined;
  const first = fails[0].failure!.fact;
  // Two ways of failing by turns with successes: the connect and the exchange both lose packets.
  return finding(
    "net.packet-loss",
    kinds.size >= 2 ? "decisive" : "strong",
    "log",
    [
      ...fails.slice(0, 3).map((t) => t.failure!.fact.ev),
      ...slow.slice(0, 2).map((x) => x.ev),
      oks[0].facts[oks[0].facts.length - 1].ev,
    ],
    {
      address: first.params.address,
      ...(Number(first.params.port) > 0 ? { port: Number(first.params.port) } : {}),
      succeeded: oks.length,
      failed: fails.length,
    },
  );
}

/** Log lines saying the gateway used a cached address for a host: `host -> addresses`. */
export function logCacheHits(f: Facts): { host: string; addresses: string[]; fact: LogFact }[] {
  return f.log
    .filter(
      (x) => x.event === "dnsCacheHit" || (x.event === "dnsResolved" && /cache/i.test(x.params.source ?? "")),
    )
    .map((x) => ({
      host: x.params.host ?? "",
      addresses: (x.params.addresses ?? "").split(/[\s,[\]]+/).filter((a) => isIP(a) !== 0),
      fact: x,
    }));
}

/** Log lines with fresh answers from a name server: `host -> addresses`. */
export function logServerAnswers(f: Facts): { host: string; addresses: string[]; fact: LogFact }[] {
  return f.log
    .filter((x) => x.event === "dnsResolved" && !/cache|static/i.test(x.params.source ?? ""))
    .map((x) => ({
      host: x.params.host ?? "",
      addresses: (x.params.addresses ?? "").split(/[\s,[\]]+/).filter(Boolean),
      fact: x,
    }));
}
