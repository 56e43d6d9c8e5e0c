/**
 * The live lab's gateway management API, reached from another process by `docker exec curl` on
 * the gateway's loopback (so nothing of it crosses the links a learner captures). Every call is
 * bounded by curl's --max-time and the exec's own timeout.
 */
import type Docker from "dockerode";
import { dockerExec } from "../topology/docker-exec.js";
import { BacksideError } from "../errors.js";
import { MGMT_PORT } from "../runner/gateway-artifacts.js";
import type { LiveState } from "./live-state.js";

export interface ClientOutcome {
  status: number;
  exitCode: number;
  seconds: number;
}

export interface GatewayMgmt {
  json<T = unknown>(
    method: "GET" | "POST" | "PUT" | "DELETE",
    path: string,
    body?: unknown,
    seconds?: number,
  ): Promise<T>;
  text(path: string, seconds?: number): Promise<string>;
  /** A binary answer (a pcap), carried as base64 through the exec. */
  bytes(path: string, seconds?: number): Promise<Buffer>;
  /** One request from the client through the gateway's front side. */
  sendRequest(seconds?: number): Promise<ClientOutcome>;
}

export function gatewayMgmt(docker: Docker, s: LiveState): GatewayMgmt {
  const gw = docker.getContainer(s.gateway.container);
  const url = (p: string) => `http://127.0.0.1:${MGMT_PORT}${p}`;
  const call = async (method: string, path: string, body: unknown, seconds: number) => {
    const args = [
      "curl",
      "-s",
      "-S",
      "--max-time",
      String(seconds),
      "-X",
      method,
      "-w",
      "\n%{http_code}",
      url(path),
    ];
    if (body !== undefined) args.push("-H", "content-type: application/json", "--data-binary", "@-");
    const r = await dockerExec(gw, args, {
      stdin: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: (seconds + 5) * 1000,
    });
    if (r.exitCode !== 0)
      throw new BacksideError(
        "RUNTIME",
        `the gateway's management API did not answer ${method} ${path}: ${r.stderr.trim() || `curl exit ${r.exitCode}`}`,
      );
    const cut = r.stdout.lastIndexOf("\n");
    return { status: Number(r.stdout.slice(cut + 1)), body: r.stdout.slice(0, cut) };
  };
  const ok = (method: string, path: string, r: { status: number; body: string }) => {
    if (r.status >= 200 && r.status < 300) return r.body;
    let msg = r.body.slice(0, 200);
    try {
      msg = (JSON.parse(r.body) as { message?: string }).message ?? msg;
    } catch {
      // not JSON: the raw text is the message
    }
    throw new BacksideError("RUNTIME", `${method} ${path}: ${msg}`);
  };
  return {
    async json(method, path, body, seconds = 15) {
      return JSON.parse(ok(method, path, await call(method, path, body, seconds)));
    },
    async text(path, seconds = 15) {
      return ok("GET", path, await call("GET", path, undefined, seconds));
    },
    async bytes(path, seconds = 30) {
      const r = await dockerExec(
        gw,
        ["sh", "-c", `curl -s -f --max-time ${seconds} "$0" | base64 -w0`, url(path)],
        { timeoutMs: (seconds + 5) * 1000 },
      );
      if (r.exitCode !== 0 || !r.stdout) throw new BacksideError("RUNTIME", `GET ${path}: nothing to fetch`);
      return Buffer.from(r.stdout, "base64");
    },
    async sendRequest(seconds = 30) {
      const client = docker.getContainer(s.client.container);
      const r = await dockerExec(
        client,
        [
          "curl",
          "-s",
          "-o",
          "/dev/null",
          "--max-time",
          String(seconds),
          "-w",
          "%{http_code} %{time_total}",
          `http://${s.gateway.front}:${s.gateway.port}/`,
        ],
        { timeoutMs: (seconds + 5) * 1000 },
      );
      const [code, time] = r.stdout.trim().split(" ");
      return { status: Number(code) || 0, exitCode: r.exitCode, seconds: Number(time) || 0 };
    },
  };
}
