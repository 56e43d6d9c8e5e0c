/**
 * The gateway's own evidence, collected the way an operator would: `save error-report` through
 * the management API (REST action `{"ErrorReport":{}}`, DOMAIN.md §3), then the report and the
 * debug log as the gateway serves them.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { StartedNode } from "../topology/started-node.js";
import { BacksideError } from "../errors.js";

export const MGMT_PORT = 5554;
export const GATEWAY_LOG_FILE = "/var/log/backside/gateway.log";

// The action and the read in one exec: each docker exec costs tenths of a second on a loaded
// machine. Exit 3: the action was refused (its answer and status on stdout).
const MAKE_AND_READ_REPORT = `nl='
'
made=$(curl -s -S --max-time 10 -X POST -H 'content-type: application/json' --data-binary '{"ErrorReport":{}}' -w '\\n%{http_code}' http://127.0.0.1:${MGMT_PORT}/mgmt/actionqueue/default) || exit $?
case "\${made##*"$nl"}" in 2[0-9][0-9]) ;; *) printf '%s' "$made"; exit 3 ;; esac
exec curl -s -S --max-time 10 -w '\\n%{http_code}' http://127.0.0.1:${MGMT_PORT}/mgmt/error-report`;

/** Asks for an error report and stores it in the bundle as error-report.txt. */
export async function saveErrorReport(gateway: StartedNode, bundleDir: string): Promise<string> {
  const r = await gateway.exec(["/bin/sh", "-c", MAKE_AND_READ_REPORT], { timeoutMs: 25_000 });
  const cut = r.stdout.lastIndexOf("\n");
  const status = Number(r.stdout.slice(cut + 1)) || 0;
  const body = r.stdout.slice(0, Math.max(cut, 0));
  if (r.exitCode === 3)
    throw new BacksideError(
      "RUNTIME",
      `the gateway refused the ErrorReport action (${status}): ${body.slice(0, 200)}`,
    );
  if (r.exitCode !== 0)
    throw new BacksideError(
      "RUNTIME",
      `the gateway's management API failed: ${r.stderr.trim() || `curl exit ${r.exitCode}`}`,
    );
  if (status < 200 || status > 299)
    throw new BacksideError(
      "RUNTIME",
      `GET /mgmt/error-report on ${gateway.name} answered ${status}: ${body.slice(0, 200)}`,
    );
  await writeFile(join(bundleDir, "error-report.txt"), body);
  return "error-report.txt";
}

/** Copies the gateway's log file (at the scenario's log level, debug by default) into the bundle. */
export async function saveGatewayLog(gateway: StartedNode, bundleDir: string): Promise<string> {
  const bytes = await gateway.copyFileOut(GATEWAY_LOG_FILE);
  await writeFile(join(bundleDir, "gateway.log"), bytes);
  return "gateway.log";
}
