import { readFile } from "node:fs/promises";
import { BacksideError } from "../../errors.js";

/**
 * The kernel's TcpExt counters from /proc/net/netstat (per network namespace): pairs of lines,
 * a header of names and a line of values (net/ipv4/proc.c, netstat_seq_show).
 */
export function parseNetstat(text: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const lines = text.split("\n").filter(Boolean);
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [p1, ...names] = lines[i].trim().split(/\s+/);
    const [p2, ...values] = lines[i + 1].trim().split(/\s+/);
    if (p1 !== p2) continue;
    const group: Record<string, number> = {};
    names.forEach((n, j) => (group[n] = Number(values[j])));
    out[p1.replace(/:$/, "")] = group;
  }
  return out;
}

export interface ListenCounters {
  /** Times the accept queue was full (SYN dropped or final ACK ignored), tcp_input.c/tcp_ipv4.c. */
  listenOverflows: number;
  listenDrops: number;
}

export function listenCounters(netstat: string): ListenCounters {
  const ext = parseNetstat(netstat).TcpExt;
  if (!ext || !("ListenOverflows" in ext))
    throw new BacksideError("BAD_ARTIFACT", "no TcpExt ListenOverflows in /proc/net/netstat");
  return { listenOverflows: ext.ListenOverflows, listenDrops: ext.ListenDrops };
}

/** This process's network namespace; inside a container, `docker exec cat /proc/net/netstat`. */
export async function readListenCounters(path = "/proc/net/netstat"): Promise<ListenCounters> {
  return listenCounters(await readFile(path, "utf8"));
}
