import dns2 from "dns2";
import type { DnsConfig, NameEntry } from "./config.js";
import type { Zone } from "./zone.js";

const { Packet } = dns2;
/** A resource record as dns2 encodes it (Packet.Resource.encode reads these fields). */
export type Resource = {
  name: string;
  type: number;
  class: number;
  ttl: number;
  address?: string;
  domain?: string;
  [k: string]: unknown;
};
type Question = InstanceType<typeof Packet>["questions"][number];

/** RFC 1035 §4.1.1 response codes the stand-in sends. */
export const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

export type Transport = "udp" | "tcp";

export type Decision =
  | { kind: "silent"; mode: string }
  | {
      kind: "answer";
      mode: string;
      rcode: number;
      answers: Resource[];
      authorities: Resource[];
      tc: boolean;
      delayMs: number;
    };

/** CNAME chains longer than this are answered as far as they go (loops in a test zone). */
const MAX_CHAIN = 8;

/**
 * What to answer to one question: a pure function of the zone, so the modes are unit-testable
 * without sockets. Only the first question counts (RFC 9619: QDCOUNT is 1 in practice).
 */
export function decideAnswer(
  zone: Zone,
  cfg: Pick<DnsConfig, "defaultTtl" | "unknown" | "negativeTtl">,
  q: Question,
  transport: Transport,
): Decision {
  const entry = zone.get(q.name);
  if (!entry) return fixed(cfg.unknown, `unknown:${cfg.unknown}`, q, cfg);
  switch (entry.mode) {
    case "nxdomain":
    case "servfail":
    case "refused":
    case "silent":
    case "nodata":
      return fixed(entry.mode, entry.mode, q, cfg);
    case "truncate":
      if (transport === "udp")
        return {
          kind: "answer",
          mode: entry.mode,
          rcode: RCODE.NOERROR,
          answers: [],
          authorities: [],
          tc: true,
          delayMs: 0,
        };
      return records(zone, cfg, q, entry);
    case "slow":
      return {
        ...(records(zone, cfg, q, entry) as Extract<Decision, { kind: "answer" }>),
        delayMs: entry.delayMs,
      };
    case "normal":
    case "moved":
      return records(zone, cfg, q, entry);
  }
}

function fixed(
  mode: "nxdomain" | "servfail" | "refused" | "silent" | "nodata",
  label: string,
  q: Question,
  cfg: Pick<DnsConfig, "negativeTtl">,
): Decision {
  if (mode === "silent") return { kind: "silent", mode: label };
  const rcode =
    mode === "nxdomain"
      ? RCODE.NXDOMAIN
      : mode === "servfail"
        ? RCODE.SERVFAIL
        : mode === "refused"
          ? RCODE.REFUSED
          : RCODE.NOERROR;
  // RFC 2308 §3: negative answers carry the SOA so resolvers can cache them; SERVFAIL/REFUSED do not.
  const authorities = mode === "nxdomain" || mode === "nodata" ? [soa(q.name, cfg.negativeTtl)] : [];
  return { kind: "answer", mode: label, rcode, answers: [], authorities, tc: false, delayMs: 0 };
}

type WithRecords = Extract<NameEntry, { a: string[] }>;

function records(
  zone: Zone,
  cfg: Pick<DnsConfig, "defaultTtl" | "negativeTtl">,
  q: Question,
  first: WithRecords,
): Decision {
  const answers: Resource[] = [];
  let name = q.name;
  let entry: NameEntry | undefined = first;
  for (let hop = 0; entry && hop < MAX_CHAIN; hop++) {
    if (!("a" in entry)) break;
    if (entry.cname && q.type !== Packet.TYPE.CNAME) {
      answers.push({
        name,
        type: Packet.TYPE.CNAME,
        class: Packet.CLASS.IN,
        ttl: entry.cnameTtl ?? entry.ttl ?? cfg.defaultTtl,
        domain: entry.cname,
      });
      name = entry.cname;
      entry = zone.get(name);
      continue;
    }
    const ttl = entry.ttl ?? cfg.defaultTtl;
    if (q.type === Packet.TYPE.A || q.type === Packet.TYPE.ANY)
      for (const address of entry.a)
        answers.push({ name, type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl, address });
    if (q.type === Packet.TYPE.AAAA || q.type === Packet.TYPE.ANY)
      for (const address of entry.aaaa)
        answers.push({ name, type: Packet.TYPE.AAAA, class: Packet.CLASS.IN, ttl, address });
    if (q.type === Packet.TYPE.CNAME && entry.cname)
      answers.push({
        name,
        type: Packet.TYPE.CNAME,
        class: Packet.CLASS.IN,
        ttl: entry.cnameTtl ?? ttl,
        domain: entry.cname,
      });
    break;
  }
  // No record of the asked type: NODATA (RFC 2308 §2.2), with the SOA for negative caching.
  const authorities = answers.length === 0 ? [soa(q.name, cfg.negativeTtl)] : [];
  return {
    kind: "answer",
    mode: first.mode,
    rcode: RCODE.NOERROR,
    answers,
    authorities,
    tc: false,
    delayMs: 0,
  };
}

function soa(name: string, minimum: number): Resource {
  return {
    name,
    type: Packet.TYPE.SOA,
    class: Packet.CLASS.IN,
    ttl: minimum,
    primary: "ns.backside.test",
    admin: "hostmaster.backside.test",
    serial: 1,
    refresh: 3600,
    retry: 600,
    expiration: 86400,
    minimum,
  };
}
