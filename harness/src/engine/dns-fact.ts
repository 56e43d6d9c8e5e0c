/**
 * One DNS transaction as the rules read it (DnsFact): its result, the addresses it gave, the ICMP
 * that came for its query or (the client's own) for its answer, and what followed a truncated answer.
 */
import { isIP } from "node:net";
import type { DnsTransaction, IcmpError } from "../flows/types.js";
import { cutNameMatches, normName } from "./backend-target.js";
import type { ConnFact } from "./conn-fact.js";
import { refsEvidence } from "./evidence-refs.js";
import type { Evidence } from "./types.js";

/**
 * `late`: an answer the client no longer waited for; its host answered it with ICMP port
 * unreachable (the resolver's socket was closed), so for the client it was no answer.
 */
export type DnsResult =
  "address" | "nxdomain" | "servfail" | "refused" | "nodata" | "unanswered" | "late" | "other";

export interface DnsFact {
  point: number;
  source: string;
  name: string;
  qtype: string;
  /** The address the query left from (the gateway's, for its own lookups). */
  client: string;
  server: string;
  result: DnsResult;
  rcode: number | null;
  addresses: string[];
  ttl?: number;
  time: number;
  queries: number;
  icmp?: IcmpError;
  /** For `late`: seconds from the first query to the answer. */
  lateBy?: number;
  forBackend: boolean;
  /** What this fact and the others of its kind at its point add up to (dns-digest.ts). */
  all: DnsAll;
  ev: Evidence;
}

/**
 * The facts of one kind at one point (the same name, type, client, server, result, addresses and
 * ICMP or none): a capture holds them by the million, the rules read a few of them (dns-digest.ts)
 * and these sums. Shared by the facts of the kind that are kept.
 */
export interface DnsAll {
  facts: number;
  /** Queries sent, over all the facts. */
  queries: number;
  /** For `late`: the least of the facts' lateBy. */
  lateBy: number | undefined;
}

export const quoteKey = (a: string, ap: number, b: string, bp: number) => `${a}|${ap}|${b}|${bp}`;

/** The ICMP errors a transaction's fact reads: the first quoting its query, and the client's for its answer. */
export interface DnsIcmp {
  quoting: IcmpError | undefined;
  closed: IcmpError | undefined;
}

/** The ICMP a transaction's fact reads, from the errors by the datagram they quote (the first of each). */
export function dnsIcmp(t: DnsTransaction, byQuote: ReadonlyMap<string, IcmpError>): DnsIcmp {
  return {
    quoting: byQuote.get(quoteKey(t.client, t.clientPort, t.server, t.serverPort)),
    closed: closedSocketIcmp(t, byQuote),
  };
}

export function dnsResult(t: DnsTransaction): DnsResult {
  if (t.rcode === null) return "unanswered";
  if (t.rcode === 3) return "nxdomain";
  if (t.rcode === 2) return "servfail";
  if (t.rcode === 5) return "refused";
  if (t.rcode !== 0) return "other";
  // Answer records the capture cut off: the name resolved, to what the capture cannot say.
  return t.answersCut || t.answers.some((a) => a.section === "answer" && (a.type === 1 || a.type === 28))
    ? "address"
    : "nodata";
}

/** For an answer the client no longer waited for: seconds from its first query to the answer. */
export function lateBy(t: DnsTransaction, closed: IcmpError | undefined): number | undefined {
  return closed && t.response ? t.response.ts - (t.queries[0]?.ts ?? t.response.ts) : undefined;
}

/**
 * One DNS transaction as the rules read it. One class for all of them, the statement and its
 * evidence written only when read: a capture can hold a great many transactions, a diagnosis shows
 * few.
 */
export class DnsTransactionFact implements DnsFact {
  readonly point: number;
  readonly source: string;
  readonly name: string;
  readonly qtype: string;
  readonly client: string;
  readonly server: string;
  readonly result: DnsResult;
  readonly rcode: number | null;
  readonly addresses: string[];
  readonly ttl: number | undefined;
  readonly time: number;
  readonly queries: number;
  readonly icmp: IcmpError | undefined;
  readonly lateBy: number | undefined;
  readonly forBackend: boolean;
  readonly all: DnsAll;
  readonly #t: DnsTransaction;
  readonly #closed: IcmpError | undefined;
  #ev: Evidence | null = null;

  readonly #retry: ConnFact | undefined;

  constructor(
    t: DnsTransaction,
    icmp: DnsIcmp,
    where: { point: number; source: string },
    matches: (name: string) => boolean,
    all: DnsAll | null,
    retry: TruncatedRetry = null,
    host?: string,
  ) {
    const { point, source } = where;
    const closed = icmp.closed;
    this.#retry = retry === "answered" || retry === null ? undefined : retry;
    this.#t = t;
    this.#closed = closed;
    this.point = point;
    this.source = source;
    // A question the snap length cut is the backend's when its labels begin the backend's name.
    const cutForBackend = t.queryCut === true && host !== undefined && cutNameMatches(t.query ?? "", host);
    this.name = cutForBackend ? normName(host) : (t.query ?? "");
    this.qtype = t.qtypeName ?? (t.qtype === null ? "?" : String(t.qtype));
    this.client = t.client;
    this.server = t.server;
    this.result = closed ? "late" : (truncatedResult(t, retry) ?? dnsResult(t));
    this.rcode = t.rcode;
    const addresses: string[] = [];
    let ttl: number | undefined;
    for (const a of t.answers) {
      if (a.section !== "answer") continue;
      if (a.type === 1 || a.type === 28) addresses.push(a.data);
      ttl = ttl === undefined ? a.ttl : Math.min(ttl, a.ttl);
    }
    this.addresses = addresses;
    this.time = t.queries[0]?.ts ?? t.response?.ts ?? 0;
    this.queries = t.queries.length + (this.#retry?.syns ?? 0);
    this.forBackend = cutForBackend || (!t.queryCut && matches(this.name));
    this.ttl = ttl;
    this.icmp = icmp.quoting ?? this.#retry?.icmp;
    this.lateBy = lateBy(t, closed);
    this.all = all ?? { facts: 1, queries: this.queries, lateBy: this.lateBy };
  }

  get ev(): Evidence {
    if (this.#ev) return this.#ev;
    const t = this.#t;
    const icmp = this.icmp;
    const refs = [
      ...t.queries,
      ...(t.response ? [t.response] : []),
      ...(icmp ? [icmp.ref] : []),
      ...(this.#closed ? [this.#closed.ref] : []),
      ...(this.#retry ? this.#retry.refs : []),
    ];
    return (this.#ev = refsEvidence(this.source, refs, this.said()));
  }

  private said(): string {
    const t = this.#t;
    const { qtype, name, icmp } = this;
    if (this.#closed)
      return `${t.server} answered ${qtype} ${name} ${this.lateBy!.toFixed(1)} s after the query, when ${t.client} no longer waited (it answered with ICMP port unreachable)`;
    if (this.#retry)
      return `${t.server} answered ${qtype} ${name} truncated (TC), and the query again over TCP got no answer: the connection to ${t.server}:${t.serverPort} ${RETRY_SAID[this.#retry.outcome] ?? "carried no answer"}`;
    if (this.result === "unanswered")
      return `${t.queries.length} ${qtype} quer${t.queries.length === 1 ? "y" : "ies"} for ${name} to ${t.server} got no answer${icmp ? ` (ICMP type ${icmp.type} code ${icmp.code} from ${icmp.sender})` : ""}`;
    const cut = t.queryCut ? " (its question cut short by the capture's snap length)" : "";
    if (this.result === "address")
      return `${t.server} answered ${qtype} ${name}${cut} with ${this.addresses.join(", ")}`;
    return `${t.server} answered ${qtype} ${name}${cut} with rcode ${t.rcode} (${t.rcodeName ?? "?"})${this.result === "nodata" ? ", no address records" : ""}${aliasSaid(t)}`;
  }
}

/**
 * What followed a truncated UDP answer (TC, RFC 1035 section 4.2.1; RFC 7766): the same question
 * answered over TCP, the client's TCP connection to the server's port that carried no answer, or
 * nothing (the client took the addresses that fit, or the capture missed the rest).
 */
type TruncatedRetry = "answered" | ConnFact | null;

const RETRY_SAID: Partial<Record<ConnFact["outcome"], string>> = {
  unanswered: "got no SYN-ACK",
  refused: "was refused (RST)",
  icmp: "was rejected with ICMP",
  "no-response": "got no answer",
  closed: "was closed without an answer",
  reset: "was reset",
  idle: "carried no query",
};

/** A truncated answer says nothing final: the TCP retry's fate does, or the addresses that fit. */
function truncatedResult(t: DnsTransaction, retry: TruncatedRetry): DnsResult | null {
  if (t.proto !== "udp" || !t.truncated || !t.response) return null;
  if (retry === "answered") return "other";
  if (retry !== null) return "unanswered";
  return dnsResult(t) === "address" ? "address" : "other";
}

/** Seconds after a truncated answer within which the client's TCP connection is its retry. */
const TCP_RETRY_WINDOW = 5;

/** A truncated UDP answer: its fate is read at the end, from the TCP that followed. */
export function isTruncatedAnswer(t: DnsTransaction): boolean {
  return t.proto === "udp" && t.truncated && t.response !== null;
}

/** Which question a TCP transaction asks again, for questionKey's look-up of a truncated one's retry. */
export function questionKey(t: DnsTransaction): string {
  return `${t.client}|${t.server}|${t.query}|${t.qtype}`;
}

/**
 * `tcpAnsweredAt`: for each question (questionKey), the latest start of an answered TCP
 * transaction asking it.
 */
export function truncatedRetry(
  t: DnsTransaction,
  tcpAnsweredAt: ReadonlyMap<string, number>,
  tcp: Iterable<ConnFact>,
): TruncatedRetry {
  const at = t.response?.ts;
  if (!isTruncatedAnswer(t) || at === undefined) return null;
  if ((tcpAnsweredAt.get(questionKey(t)) ?? -Infinity) >= at) return "answered";
  for (const c of tcp)
    if (
      c.client === t.client &&
      c.address === t.server &&
      c.port === t.serverPort &&
      c.start >= at &&
      c.start - at < TCP_RETRY_WINDOW &&
      c.outcome !== "ok"
    )
      return c;
  return null;
}

/**
 * The CNAME chain of a failed answer (RFC 1034 section 3.6.2): the name asked for is an alias,
 * and what does not exist or has no address is the name it leads to.
 */
function aliasSaid(t: DnsTransaction): string {
  const chain = t.answers.filter((a) => a.section === "answer" && a.type === 5).map((a) => a.data);
  if (chain.length === 0) return "";
  const what = t.rcode === 3 ? "which does not exist" : "which has no address record";
  return `: ${t.query} is an alias (CNAME) of ${chain.join(" -> ")}, ${what}`;
}

/**
 * A query to a multicast group is mDNS or LLMNR (RFC 6762, RFC 4795): the host asking its link,
 * where silence is the normal answer, never a name server the gateway was given.
 */
export function isMulticast(a: string): boolean {
  if (isIP(a) === 6) return a.toLowerCase().startsWith("ff");
  const first = Number(a.split(".")[0]);
  return first >= 224 && first <= 239;
}

/**
 * The client's own ICMP port unreachable for the answer (RFC 1122 section 4.1.3.1): nobody
 * listened on the query's port any more, the resolver had timed out. Only right after the answer,
 * so an unrelated later error on a reused port does not count.
 */
function closedSocketIcmp(
  t: DnsTransaction,
  byQuote: ReadonlyMap<string, IcmpError>,
): IcmpError | undefined {
  if (t.proto !== "udp" || !t.response) return undefined;
  const e = byQuote.get(quoteKey(t.server, t.serverPort, t.client, t.clientPort));
  const portUnreachable = e && (e.v6 ? e.type === 1 && e.code === 4 : e.type === 3 && e.code === 3);
  if (!e || !portUnreachable || e.sender !== t.client) return undefined;
  const after = e.ref.ts - t.response.ts;
  return after >= 0 && after < 1 ? e : undefined;
}
