/**
 * Compare a FlowSummary with the facts a Zeek baseline states (../shared/peer-traces/zeek/manifest.json).
 * Used by the peer-traces test; returns every disagreement, never throws on an odd row.
 */
import type { DatagramConnection, FlowSummary, TcpConnection } from "./types.js";

export interface Mismatch {
  /** e.g. "conn.history", "dns.rcode", "ssl.last_alert", "icmp.quote", "conn.missing". */
  field: string;
  row: number;
  zeek: unknown;
  ours: unknown;
}

type Row = Record<string, unknown>;

export interface ManifestTrace {
  file: string;
  conn?: Row[];
  dns?: Row[];
  ssl?: Row[];
  icmp?: Row[];
  tcp_endpoints?: Row;
  analyzer?: Row[];
  sources: Array<{ kind: string; exec?: string[] }>;
}

type AnyConn = TcpConnection | DatagramConnection;

const idOf = (r: Row) =>
  `${r["id.orig_h"]}|${r["id.orig_p"]}|${r["id.resp_h"]}|${r["id.resp_p"]}|${r.proto ?? ""}`;
const ourId = (c: AnyConn, withProto: boolean) =>
  `${c.id.origH}|${c.id.origP}|${c.id.respH}|${c.id.respP}|${withProto ? c.id.proto : ""}`;

/** The nth row with a given key matches our nth record with that key, in capture order. */
function pairRows<T>(
  rows: Row[],
  ours: T[],
  rowKey: (r: Row) => string | null,
  ourKey: (t: T, r: Row) => string,
): Array<[Row, T | undefined, number]> {
  const used = new Map<string, number>();
  return rows.map((r, i) => {
    const k = rowKey(r);
    if (k === null) return [r, ours[i], i];
    const nth = used.get(k) ?? 0;
    used.set(k, nth + 1);
    const matches = ours.filter((t) => ourKey(t, r) === k);
    return [r, matches[nth], i];
  });
}

export function compareWithZeek(t: ManifestTrace, s: FlowSummary): Mismatch[] {
  const out: Mismatch[] = [];
  const conns: AnyConn[] = [...s.tcp, ...s.datagrams].sort((a, b) => a.start - b.start);
  const pairs = pairRows<AnyConn>(
    t.conn ?? [],
    conns,
    (r) => ("id.orig_h" in r ? idOf(r) : null),
    (c, r) => ourId(c, "proto" in r),
  );
  for (const [r, c, i] of pairs) {
    if (!c) {
      out.push({ field: "conn.missing", row: i, zeek: r, ours: null });
      continue;
    }
    const check = (k: string, ours: unknown) => {
      if (k in r && r[k] !== ours) out.push({ field: `conn.${k}`, row: i, zeek: r[k], ours });
    };
    check("conn_state", c.connState);
    check("history", c.history === "" ? null : c.history);
    check("orig_pkts", c.origPkts);
    check("resp_pkts", c.respPkts);
  }

  const dnsPairs = pairRows(
    t.dns ?? [],
    s.dns,
    (r) =>
      "id.orig_h" in r ? `${r["id.orig_h"]}|${r["id.orig_p"]}|${r["id.resp_h"]}|${r["id.resp_p"]}` : null,
    (d) => `${d.client}|${d.clientPort}|${d.server}|${d.serverPort}`,
  );
  for (const [r, d, i] of dnsPairs) {
    if (!d) {
      out.push({ field: "dns.missing", row: i, zeek: r, ours: null });
      continue;
    }
    const check = (k: string, ours: unknown) => {
      if (k in r && JSON.stringify(r[k]) !== JSON.stringify(ours))
        out.push({ field: `dns.${k}`, row: i, zeek: r[k], ours });
    };
    check("query", d.query);
    check("rcode", d.rcode);
    check("rejected", d.rejected);
    const answers = d.answers.filter((a) => a.section === "answer").map((a) => a.data);
    check("answers", answers.length ? answers : null);
    if (r.qtype_name !== null) check("qtype_name", d.qtypeName);
    check("edns_extended_rcode", d.rcode);
  }

  for (const [i, r] of (t.ssl ?? []).entries()) {
    const c = s.tcp.find(
      (x) =>
        x.id.origH === r["id.orig_h"] &&
        x.id.origP === r["id.orig_p"] &&
        x.id.respH === r["id.resp_h"] &&
        x.id.respP === r["id.resp_p"],
    );
    if (!c) {
      out.push({ field: "ssl.missing", row: i, zeek: r, ours: null });
      continue;
    }
    const tls = c.tls;
    const check = (k: string, ours: unknown) => {
      if (k in r && r[k] !== ours) out.push({ field: `ssl.${k}`, row: i, zeek: r[k], ours });
    };
    check("last_alert", tls?.lastAlert ?? null);
    check("established", tls?.established ?? false);
    check("server_name", tls?.serverName ?? null);
  }

  for (const [i, ev] of (t.icmp ?? []).entries()) {
    const cid = ev.conn_id as Row;
    const info = ev.icmp_info as Row;
    const ctx = ev.icmp_context as Row;
    const e = s.icmp.find(
      (x) =>
        x.sender === cid.orig_h && x.receiver === cid.resp_h && x.type === info.itype && x.code === ev.code,
    );
    if (!e) {
      out.push({ field: "icmp.missing", row: i, zeek: ev, ours: null });
      continue;
    }
    const cidq = ctx.id as Row;
    const zq = {
      src: cidq.orig_h === "::" ? null : cidq.orig_h,
      dst: cidq.resp_h === "::" ? null : cidq.resp_h,
      srcPort: Number(String(cidq.orig_p).split("/")[0]),
      dstPort: Number(String(cidq.resp_p).split("/")[0]),
      proto: ["unknown_transport", "tcp", "udp", "icmp"][Number(ctx.proto)],
      badHdrLen: ctx.bad_hdr_len,
    };
    const q = e.quote;
    const oq = {
      src: q?.src ?? null,
      dst: q?.dst ?? null,
      srcPort: q && (q.proto === "tcp" || q.proto === "udp") ? q.srcPort : 0,
      dstPort: q && (q.proto === "tcp" || q.proto === "udp") ? q.dstPort : 0,
      proto: q?.proto ?? "unknown_transport",
      badHdrLen: q ? q.incompleteTransport : true,
    };
    if (JSON.stringify(zq) !== JSON.stringify(oq))
      out.push({ field: "icmp.quote", row: i, zeek: zq, ours: oq });
    if (info.ttl !== e.ttl) out.push({ field: "icmp.ttl", row: i, zeek: info.ttl, ours: e.ttl });
  }
  if (t.tcp_endpoints)
    out.push({ field: "tcp_endpoints", row: 0, zeek: t.tcp_endpoints, ours: "not modelled" });
  if (t.analyzer?.length) out.push({ field: "analyzer", row: 0, zeek: t.analyzer, ours: "not modelled" });
  return out;
}

/** Zeek command-line options of the trace's primary baseline: `-C` ignores checksums. */
export function zeekOptions(t: ManifestTrace): { ignoreChecksums: boolean; bare: boolean } {
  const exec = t.sources[0]?.exec?.[0] ?? "";
  return { ignoreChecksums: /\s-[A-Za-z]*C/.test(exec), bare: /\s-[A-Za-z]*b/.test(exec) };
}
