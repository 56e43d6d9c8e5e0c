/**
 * The gateway's own evidence, collected the way an operator would: `save error-report` through
 * the management API (REST action `{"ErrorReport":{}}`, DOMAIN.md §3), then the report and the
 * debug log as the gateway serves them.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { StartedNode } from "../topology/started-node.js";
import { control, controlOk } from "./control-api.js";
import { BacksideError } from "../errors.js";

export const MGMT_PORT = 5554;
export const GATEWAY_LOG_FILE = "/var/log/backside/gateway.log";

/** Asks for an error report and stores it in the bundle as error-report.txt. */
export async function saveErrorReport(gateway: StartedNode, bundleDir: string): Promise<string> {
  const made = await control(gateway, "POST", "/mgmt/actionqueue/default", { ErrorReport: {} }, MGMT_PORT);
  if (made.status < 200 || made.status > 299)
    throw new BacksideError(
      "RUNTIME",
      `the gateway refused the ErrorReport action (${made.status}): ${made.body.slice(0, 200)}`,
    );
  const text = await controlOk(gateway, "GET", "/mgmt/error-report", undefined, MGMT_PORT);
  await writeFile(join(bundleDir, "error-report.txt"), text);
  return "error-report.txt";
}

/** Copies the gateway's log file (at the scenario's log level, debug by default) into the bundle. */
export async function saveGatewayLog(gateway: StartedNode, bundleDir: string): Promise<string> {
  const bytes = await gateway.copyFileOut(GATEWAY_LOG_FILE);
  await writeFile(join(bundleDir, "gateway.log"), bytes);
  return "gateway.log";
}
