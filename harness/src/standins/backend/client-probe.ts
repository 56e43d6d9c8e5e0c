import { connect as tcpConnect, type Socket } from "node:net";
import { connect as tlsConnect, type ConnectionOptions } from "node:tls";

/**
 * What a client saw of one exchange: connect outcome, bytes back, and how the connection ended.
 * Tests and probes compare `end` ('fin' = the peer's FIN, 'error' with its errno code) rather than
 * message text. Every wait is bounded by `timeoutMs`.
 */
export interface ProbeResult {
  connected: boolean;
  end: "fin" | "error" | "timeout";
  code?: string;
  response: string;
  elapsedMs: number;
}

export interface ProbeOptions {
  host: string;
  port: number;
  /** Sent once connected; default a minimal HTTP/1.1 GET. */
  request?: string;
  timeoutMs: number;
  tls?: ConnectionOptions;
}

export function probe(o: ProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  const request =
    o.request ?? `GET / HTTP/1.1\r\nHost: ${o.tls?.servername ?? o.host}\r\nConnection: close\r\n\r\n`;
  return new Promise((resolve) => {
    let connected = false;
    let response = "";
    let sock: Socket;
    const finish = (end: ProbeResult["end"], code?: string) => {
      clearTimeout(t);
      sock.destroy();
      resolve({ connected, end, code, response, elapsedMs: performance.now() - started });
    };
    const t = setTimeout(() => finish("timeout"), o.timeoutMs);
    const onUp = () => {
      connected = true;
      sock.write(request);
    };
    sock = o.tls
      ? tlsConnect({ host: o.host, port: o.port, ...o.tls }, onUp)
      : tcpConnect({ host: o.host, port: o.port }, onUp);
    sock.setEncoding("utf8");
    sock.on("data", (d: string) => (response += d));
    sock.on("end", () => finish("fin"));
    sock.on("error", (e: NodeJS.ErrnoException) => finish("error", e.code));
  });
}
