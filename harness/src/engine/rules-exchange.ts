/** The exchange after the handshake (backend.timeout, backend.closed, backend.reset, or loss). */
import { lostBetween, type CaptureView } from "./capture-view.js";
import { finding, type Finding } from "./findings.js";

export function exchangeRules(v: CaptureView, out: Finding[]): void {
  const { oks, failing, rep, n, conn, ev } = v;
  switch (n.outcome) {
    case "no-response":
      if ((n.acked || n.retransmissions === 0) && !lostBetween(rep))
        out.push(
          finding("backend.timeout", n.acked ? "decisive" : "strong", "capture", ev, {
            ...conn,
            waited: n.waited,
            lateResponse: n.lateResponse,
          }),
        );
      else if (!out.some((x) => x.cause === "net.packet-loss"))
        out.push(
          finding("net.packet-loss", "strong", "capture", ev, {
            ...conn,
            retransmissions: n.retransmissions,
            succeeded: oks.length,
            failed: failing.length,
          }),
        );
      break;
    case "closed":
      out.push(
        finding("backend.closed", "decisive", "capture", ev, { ...conn, requestBytes: n.requestBytes }),
      );
      break;
    case "reset":
      out.push(
        finding("backend.reset", "decisive", "capture", ev, { ...conn, afterResponse: n.responseBytes > 0 }),
      );
      break;
    default:
      break;
  }
}
