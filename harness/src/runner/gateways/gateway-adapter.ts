/**
 * A gateway in the gateway node's place: the appliance stand-in, or a real product. An adapter
 * says which image runs, how the scenario's gateway settings become that product's
 * configuration, how its logs get into the bundle, and what it cannot do.
 */
import { GATEWAY_KINDS, type GatewayKind, type Scenario } from "../../scenarios/schema.js";
import type { NodeOptions } from "../../topology/topology.js";
import type { StartedNode } from "../../topology/started-node.js";
import type { GatewayPlan } from "./gateway-plan.js";

export { GATEWAY_KINDS, type GatewayKind };

export function isGatewayKind(s: string): s is GatewayKind {
  return (GATEWAY_KINDS as readonly string[]).includes(s);
}

/** What a gateway left in the bundle, relative to the bundle folder. */
export interface GatewayArtifacts {
  /** The log the engine reads (`gateway.log`). */
  gatewayLog?: string;
  errorReport?: string;
  /** More log files the engine reads beside gateway.log (an access log). */
  moreLogs: string[];
  other: string[];
  problems: string[];
}

export interface GatewayAdapter {
  kind: GatewayKind;
  /** For reports: `nginx 1.22 (Debian bookworm)`. */
  title: string;
  /** Why this gateway cannot produce the scenario's failure at all, or undefined. */
  notApplicable(s: Scenario): string | undefined;
  /** Settings of the scenario this gateway cannot honour (one short phrase each). */
  unsupported(s: Scenario): string[];
  /** The gateway node: image, command, files, readiness. */
  node(p: GatewayPlan): NodeOptions;
  /** Waits, once the captures run, until the gateway's own background work shows in them. */
  settle?(node: StartedNode, p: GatewayPlan): Promise<void>;
  /** Copies the gateway's logs (and error report, where it has one) into the bundle. */
  collect(node: StartedNode, bundleDir: string): Promise<GatewayArtifacts>;
  /**
   * Its program resets in place with a new configuration (standins/control/standin-host.ts), so
   * a topology can be reset for the next scenario instead of brought up again.
   */
  restartsInPlace?: boolean;
  /** Empties the gateway's DNS cache (a scenario with `dns.cache: off`), where it can. */
  flushDnsCache?(node: StartedNode): Promise<void>;
}
