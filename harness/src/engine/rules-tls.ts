/** tls.handshake-failure from captures: an alert, or a close, before the session was up. */
import type { CaptureView } from "./capture-view.js";
import { finding, type Finding } from "./findings.js";

export function tlsRules(v: CaptureView, out: Finding[]): void {
  const { n, conn, ev } = v;
  switch (n.outcome) {
    case "tls-failed":
      out.push(
        finding("tls.handshake-failure", "decisive", "capture", ev, {
          ...conn,
          alert: n.tlsAlert,
          by: n.tlsAlertBy === "orig" ? "gateway" : "backend",
        }),
      );
      break;
    default:
      break;
  }
}
