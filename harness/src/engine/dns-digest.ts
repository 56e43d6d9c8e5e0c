/**
 * One capture point's DNS transactions, folded as each ends (flows/dns-tracker.ts DnsSink): a
 * resolver-heavy capture holds millions of them, the rules read a few. Transactions that would
 * make the same fact but for its time and evidence are one kind (DnsAll: counts and sums); of
 * each kind the digest keeps the few the rules can pick, by time and by capture order:
 *   - the first in capture order (rules-connect's look for a query from another address);
 *   - the earliest and latest by time, as many as the rules take of that result: the first four
 *     unanswered (the no-response evidence), the last three failed answers (their evidence and
 *     the cause of the last), the first two and last address answers (the stale-cache rule's
 *     earlier answers and the latest of each family).
 * Any pick a rule makes from the whole time-ordered list is then among the kept facts, so the
 * kept facts in capture order give the rules the same findings as the whole list did.
 * A truncated UDP answer is kept whole: what followed it over TCP is known only at the end.
 *
 * The ICMP a transaction reads (dns-fact.ts) is joined when it ends, from the errors seen by then:
 * an error later than DNS_SETTLE after its answer, or later than its flow's expiry when
 * unanswered, belongs to a later flow on the same ports.
 */
import type { DnsTransaction, IcmpError } from "../flows/types.js";
import type { ConnFact } from "./conn-fact.js";
import {
  dnsIcmp,
  dnsResult,
  DnsTransactionFact,
  isMulticast,
  isTruncatedAnswer,
  lateBy,
  questionKey,
  quoteKey,
  truncatedRetry,
  type DnsAll,
  type DnsFact,
  type DnsIcmp,
  type DnsResult,
} from "./dns-fact.js";

interface Kept {
  t: DnsTransaction;
  seq: number;
  time: number;
  icmp: DnsIcmp;
}

interface Kind {
  all: DnsAll;
  firstBySeq: Kept;
  /** Ascending by (time, seq), at most `keep[0]`. */
  earliest: Kept[];
  /** Ascending by (time, seq), at most `keep[1]`. */
  latest: Kept[];
  keep: readonly [number, number];
}

/** How many of the earliest and latest of a kind each result keeps (see the header). */
const KEEP: Record<DnsResult, readonly [number, number]> = {
  address: [2, 1],
  nxdomain: [1, 3],
  servfail: [1, 3],
  refused: [1, 3],
  nodata: [1, 3],
  unanswered: [4, 1],
  late: [4, 1],
  other: [1, 1],
};

const NO_ICMP: DnsIcmp = { quoting: undefined, closed: undefined };

const before = (a: Kept, b: Kept) => a.time < b.time || (a.time === b.time && a.seq < b.seq);

const isAddr = (a: { type: number }) => a.type === 1 || a.type === 28;

export class DnsDigest {
  private readonly kinds = new Map<string, Kind>();
  private readonly truncated: Kept[] = [];
  /** ICMP errors by the datagram they quote, the first of each, over the errors read so far. */
  private readonly byQuote = new Map<string, IcmpError>();
  /** The port pairs those errors quote, either way round: most transactions need no key made. */
  private readonly quotedPorts = new Set<number>();
  private icmpRead = 0;
  /** The latest start of an answered TCP transaction, by question (a truncated answer's retry). */
  private readonly tcpAnsweredAt = new Map<string, number>();
  /** Names and the A/AAAA records (any section) answered for them: the first transaction of each. */
  private readonly answered = new Map<string, { query: string; addresses: string[]; seq: number }>();

  add(t: DnsTransaction, seq: number, icmp: readonly IcmpError[]): void {
    this.readIcmp(icmp);
    if (t.query) this.noteAnswer(t, t.query, seq);
    if (t.proto === "tcp" && t.response) {
      const k = questionKey(t);
      const at = t.queries[0]?.ts ?? t.response.ts;
      if (at > (this.tcpAnsweredAt.get(k) ?? -Infinity)) this.tcpAnsweredAt.set(k, at);
    }
    if (t.query === null || t.qtype === 12 || this.multicast(t.server)) return;
    const time = t.queries[0]?.ts ?? t.response?.ts ?? 0;
    if (isTruncatedAnswer(t)) {
      this.truncated.push({ t, seq, time, icmp: NO_ICMP });
      return;
    }
    const quoted = this.quotedPorts.has(portPair(t.clientPort, t.serverPort));
    const k: Kept = { t, seq, time, icmp: quoted ? dnsIcmp(t, this.byQuote) : NO_ICMP };
    const result = k.icmp.closed ? "late" : dnsResult(t);
    const key = kindKey(t, result, k.icmp.quoting !== undefined);
    const kind = this.kinds.get(key);
    if (!kind) {
      const all = { facts: 1, queries: t.queries.length, lateBy: lateBy(t, k.icmp.closed) };
      this.kinds.set(key, { all, firstBySeq: k, earliest: [k], latest: [k], keep: KEEP[result] });
      return;
    }
    const all = kind.all;
    all.facts++;
    all.queries += t.queries.length;
    const late = lateBy(t, k.icmp.closed);
    if (late !== undefined && (all.lateBy === undefined || late < all.lateBy)) all.lateBy = late;
    if (seq < kind.firstBySeq.seq) kind.firstBySeq = k;
    keepEarliest(kind.earliest, k, kind.keep[0]);
    keepLatest(kind.latest, k, kind.keep[1]);
  }

  /**
   * The facts the rules read at this point, in capture order. `icmp` is the point's whole ICMP
   * error list (a truncated answer's fact joins its errors now).
   */
  facts(
    where: { point: number; source: string },
    matches: (name: string) => boolean,
    host: string | undefined,
    tcp: Iterable<ConnFact>,
    icmp: readonly IcmpError[],
  ): DnsFact[] {
    this.readIcmp(icmp);
    const picked: { k: Kept; all: DnsAll | null }[] = [];
    const seen = new Set<number>();
    const pick = (k: Kept, all: DnsAll | null) => {
      if (!seen.has(k.seq)) picked.push({ k, all });
      seen.add(k.seq);
    };
    for (const kind of this.kinds.values()) {
      pick(kind.firstBySeq, kind.all);
      for (const k of kind.earliest) pick(k, kind.all);
      for (const k of kind.latest) pick(k, kind.all);
    }
    for (const k of this.truncated) pick({ ...k, icmp: dnsIcmp(k.t, this.byQuote) }, null);
    picked.sort((a, b) => a.k.seq - b.k.seq);
    return picked.map(
      ({ k, all }) =>
        new DnsTransactionFact(
          k.t,
          k.icmp,
          where,
          matches,
          all,
          all ? null : truncatedRetry(k.t, this.tcpAnsweredAt, tcp),
          host,
        ),
    );
  }

  /** Adds the A/AAAA records answered for names `matches` takes, in the order the capture first gave them. */
  answeredAddresses(matches: (name: string) => boolean, out: Set<string>): void {
    for (const a of this.answersInOrder()) if (matches(a.query)) for (const x of a.addresses) out.add(x);
  }

  /** The name of the first transaction that answered one of `addresses`, if any did. */
  nameAnswering(addresses: ReadonlySet<string>): string | undefined {
    return this.answersInOrder().find((a) => a.addresses.some((x) => addresses.has(x)))?.query;
  }

  private answersInOrder() {
    return [...this.answered.values()].sort((a, b) => a.seq - b.seq);
  }

  private noteAnswer(t: DnsTransaction, query: string, seq: number): void {
    let addresses: string[] | null = null;
    for (const a of t.answers) if (isAddr(a)) (addresses ??= []).push(a.data);
    if (!addresses) return;
    const key = `${query}\n${addresses.join(" ")}`;
    const had = this.answered.get(key);
    if (!had || seq < had.seq) this.answered.set(key, { query, addresses, seq });
  }

  /** A capture asks few servers: each address is looked at once (at most 4,096 remembered). */
  private readonly multicastServers = new Map<string, boolean>();

  private multicast(server: string): boolean {
    let m = this.multicastServers.get(server);
    if (m !== undefined) return m;
    m = isMulticast(server);
    if (this.multicastServers.size < 4096) this.multicastServers.set(server, m);
    return m;
  }

  private readIcmp(icmp: readonly IcmpError[]): void {
    for (; this.icmpRead < icmp.length; this.icmpRead++) {
      const q = icmp[this.icmpRead].quote;
      if (!q) continue;
      const k = quoteKey(q.src, q.srcPort, q.dst, q.dstPort);
      if (!this.byQuote.has(k)) this.byQuote.set(k, icmp[this.icmpRead]);
      this.quotedPorts.add(portPair(q.srcPort, q.dstPort));
    }
  }
}

/** Two ports as one number, the same either way round. */
function portPair(a: number, b: number): number {
  return a < b ? a * 65536 + b : b * 65536 + a;
}

/** What a transaction's fact says but for its time, query count and evidence. */
function kindKey(t: DnsTransaction, result: DnsResult, icmp: boolean): string {
  let addresses = "";
  for (const a of t.answers)
    if (a.section === "answer" && isAddr(a)) addresses += (addresses ? " " : "") + a.data;
  return `${t.query}|${t.queryCut ? 1 : 0}|${t.qtypeName ?? t.qtype}|${t.client}|${t.server}|${result}|${t.rcode}|${icmp ? 1 : 0}|${addresses}`;
}

function keepEarliest(list: Kept[], k: Kept, n: number): void {
  if (list.length >= n && !before(k, list[list.length - 1])) return;
  let i = list.length;
  while (i > 0 && before(k, list[i - 1])) i--;
  list.splice(i, 0, k);
  if (list.length > n) list.pop();
}

function keepLatest(list: Kept[], k: Kept, n: number): void {
  if (list.length >= n && !before(list[0], k)) return;
  let i = list.length;
  while (i > 0 && before(k, list[i - 1])) i--;
  list.splice(i, 0, k);
  if (list.length > n) list.shift();
}
