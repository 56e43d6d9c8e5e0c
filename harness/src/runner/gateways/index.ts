import { BacksideError } from "../../errors.js";
import type { Scenario } from "../../scenarios/schema.js";
import { customGateway } from "./custom-gateway.js";
import { backsideGateway } from "./backside-gateway.js";
import { GATEWAY_KINDS, type GatewayAdapter, type GatewayKind } from "./gateway-adapter.js";
import { haproxyGateway } from "./haproxy-gateway.js";
import { nginxGateway } from "./nginx-gateway.js";

export * from "./gateway-adapter.js";
export type { GatewayPlan } from "./gateway-plan.js";

const ADAPTERS: Record<Exclude<GatewayKind, "custom">, GatewayAdapter> = {
  backside: backsideGateway,
  nginx: nginxGateway,
  haproxy: haproxyGateway,
};

/** The adapter for a scenario run with `kind` (a scenario's own image makes it `custom`). */
export function gatewayAdapter(kind: GatewayKind, s: Scenario): GatewayAdapter {
  if (kind === "custom") {
    if (!s.gateway.image)
      throw new BacksideError("USAGE", `${s.name}: the custom gateway needs gateway.image in the scenario`);
    return customGateway(s, s.gateway.image);
  }
  const a = ADAPTERS[kind];
  if (!a) throw new BacksideError("USAGE", `unknown gateway '${kind}' (one of ${GATEWAY_KINDS.join(", ")})`);
  return a;
}
