/** Which connection a ladder is about. */
import type { TcpConnection } from "../flows/types.js";

/** The last one that did not end well, else the last one. */
export function pickConnection(tcp: readonly TcpConnection[]): TcpConnection | undefined {
  const bad = tcp.filter((c) => c.connState !== "SF" || c.resets.length > 0 || c.icmpErrors.length > 0);
  return (bad.length ? bad : tcp).at(-1);
}
