/**
 * TLS messages and alerts named as tshark's Info column names them (`Client Hello`,
 * `Alert (Level: Fatal, Description: Unknown CA)`, `Encrypted Alert`), from the flow analysis's
 * TlsInfo, so a ladder reads like the capture opened in Wireshark.
 */
import type { FlowSummary, TlsAlert } from "../flows/types.js";

/** Words tshark spells in capitals inside alert names (epan/dissectors/packet-tls-utils.c). */
const CAPS: Record<string, string> = { ca: "CA", mac: "MAC", psk: "PSK" };

/** `client_hello` -> `Client Hello`, `unknown_ca` -> `Unknown CA`. */
export function tsharkWords(name: string): string {
  return name
    .split("_")
    .map((w) => CAPS[w] ?? w.charAt(0).toUpperCase() + w.slice(1))
    .join(" ");
}

export function alertText(a: Pick<TlsAlert, "level" | "descriptionName">): string {
  if (a.descriptionName === null) return "Encrypted Alert";
  const level = a.level === 2 ? "Fatal" : a.level === 1 ? "Warning" : `${a.level}`;
  return `Alert (Level: ${level}, Description: ${tsharkWords(a.descriptionName)})`;
}

/** Names by frame number for one connection; several in one frame joined as tshark does. */
export function tlsFrameNames(s: FlowSummary, uid: string): Map<number, string> {
  const out = new Map<number, string[]>();
  const add = (n: number, t: string) => out.set(n, [...(out.get(n) ?? []), t]);
  for (const t of s.tls.filter((x) => x.uid === uid)) {
    for (const m of t.handshake) add(m.n, tsharkWords(m.typeName));
    for (const a of t.alerts) add(a.n, alertText(a));
  }
  return new Map([...out.entries()].map(([n, v]) => [n, v.join(", ")]));
}
