/** The appliance stand-in (images/gateway): its own config, debug log and error report. */
import { oneLine } from "../../errors.js";
import type { StartedNode } from "../../topology/started-node.js";
import { controlOk } from "../control-api.js";
import { GATEWAY_LOG_FILE, MGMT_PORT, saveErrorReport, saveGatewayLog } from "../gateway-artifacts.js";
import type { GatewayAdapter, GatewayArtifacts } from "./gateway-adapter.js";
import type { GatewayPlan } from "./gateway-plan.js";

export const backsideGateway: GatewayAdapter = {
  kind: "backside",
  title: "backside appliance stand-in",
  notApplicable: () => undefined,
  unsupported: () => [],
  restartsInPlace: true,
  node(p: GatewayPlan) {
    return {
      config: { ...p.standin, log: { ...p.standin.log, file: GATEWAY_LOG_FILE } },
      ready: {
        cmd: ["curl", "-s", "-o", "/dev/null", "--max-time", "2", `http://127.0.0.1:${MGMT_PORT}/`],
      },
    };
  },
  async collect(node: StartedNode, bundleDir: string): Promise<GatewayArtifacts> {
    const out: GatewayArtifacts = { moreLogs: [], other: [], problems: [] };
    // The report snapshots the gateway's state (DNS cache, TCP table) as the failure left it.
    try {
      out.errorReport = await saveErrorReport(node, bundleDir);
    } catch (e) {
      out.problems.push(`error report: ${oneLine(e)}`);
    }
    try {
      out.gatewayLog = await saveGatewayLog(node, bundleDir);
    } catch (e) {
      out.problems.push(`gateway log: ${oneLine(e)}`);
    }
    return out;
  },
  async flushDnsCache(node: StartedNode) {
    await controlOk(node, "DELETE", "/mgmt/dns-cache", undefined, MGMT_PORT);
  },
};
