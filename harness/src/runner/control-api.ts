/**
 * Stand-ins' control APIs, reached by exec of `curl` inside their own container on loopback, so
 * control traffic never crosses the captured links (ARCHITECTURE.md "Stand-ins").
 */
import type { StartedNode } from "../topology/started-node.js";
import { BacksideError } from "../errors.js";

export const CONTROL_PORT = 9000;

export interface ControlResponse {
  status: number;
  body: string;
}

export async function control(
  node: StartedNode,
  method: "GET" | "PUT" | "POST" | "DELETE",
  path: string,
  body?: unknown,
  port = CONTROL_PORT,
): Promise<ControlResponse> {
  const args = [
    "curl",
    "-s",
    "-S",
    "--max-time",
    "10",
    "-X",
    method,
    "-w",
    "\n%{http_code}",
    `http://127.0.0.1:${port}${path}`,
  ];
  let stdin: string | undefined;
  if (body !== undefined) {
    args.push("-H", "content-type: application/json", "--data-binary", "@-");
    stdin = JSON.stringify(body);
  }
  const r = await node.exec(args, { stdin, timeoutMs: 15_000 });
  if (r.exitCode !== 0)
    throw new BacksideError(
      "RUNTIME",
      `${method} ${path} on ${node.name}'s control API failed: ${r.stderr.trim() || `curl exit ${r.exitCode}`}`,
    );
  const cut = r.stdout.lastIndexOf("\n");
  return { status: Number(r.stdout.slice(cut + 1)) || 0, body: r.stdout.slice(0, cut) };
}

/** Like control(), but a status outside 2xx is a RUNTIME error naming the call. */
export async function controlOk(
  node: StartedNode,
  method: "GET" | "PUT" | "POST" | "DELETE",
  path: string,
  body?: unknown,
  port = CONTROL_PORT,
): Promise<string> {
  const r = await control(node, method, path, body, port);
  if (r.status < 200 || r.status > 299)
    throw new BacksideError(
      "RUNTIME",
      `${method} ${path} on ${node.name} answered ${r.status}: ${r.body.slice(0, 200)}`,
    );
  return r.body;
}

/** Readiness: the control API answers on loopback. */
export function controlProbe(path: string, port = CONTROL_PORT): { cmd: string[] } {
  return {
    cmd: ["curl", "-s", "-f", "--max-time", "2", "-o", "/dev/null", `http://127.0.0.1:${port}${path}`],
  };
}
