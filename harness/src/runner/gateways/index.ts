import { BacksideError } from "../../errors.js";
import { backsideGateway } from "./backside-gateway.js";
import { GATEWAY_KINDS, type GatewayAdapter, type GatewayKind } from "./gateway-adapter.js";
import { haproxyGateway } from "./haproxy-gateway.js";
import { nginxGateway } from "./nginx-gateway.js";

export * from "./gateway-adapter.js";
export type { GatewayPlan } from "./gateway-plan.js";

const ADAPTERS: Record<GatewayKind, GatewayAdapter> = {
  backside: backsideGateway,
  nginx: nginxGateway,
  haproxy: haproxyGateway,
};

export function gatewayAdapter(kind: GatewayKind): GatewayAdapter {
  const a = ADAPTERS[kind];
  if (!a) throw new BacksideError("USAGE", `unknown gateway '${kind}' (one of ${GATEWAY_KINDS.join(", ")})`);
  return a;
}
