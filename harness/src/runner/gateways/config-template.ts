/**
 * `{{name}}` placeholders of a bring-your-own gateway's configuration template, filled from the
 * GatewayPlan (README "Bring your own gateway" lists them). An unknown placeholder is an error
 * naming the template's file and line, so a typo never reaches the gateway.
 */
import { BacksideError } from "../../errors.js";
import type { GatewayPlan } from "./gateway-plan.js";

/** Where the run's CA goes in a custom gateway (when the backend speaks HTTPS). */
export const CUSTOM_CA_PATH = "/etc/backside/gateway/backend-ca.pem";

export function templateValues(p: GatewayPlan): Record<string, string> {
  const b = p.backend;
  const address = b.staticAddress ?? b.host;
  return {
    "front.port": String(p.frontPort),
    "backend.url": `${b.scheme}://${b.host}:${b.port}${b.path}`,
    "backend.scheme": b.scheme,
    "backend.host": b.host,
    "backend.address": address,
    "backend.port": String(b.port),
    "backend.path": b.path,
    "timeout.connect": String(p.connectTimeout),
    "timeout.back": String(p.backTimeout),
    "timeout.front": String(p.frontTimeout),
    "timeout.persistent": String(p.backPersistentTimeout),
    persistent: p.persistentConnections ? "on" : "off",
    "tls.verify": p.tls.verify ? "on" : "off",
    "tls.ca": CUSTOM_CA_PATH,
    "tls.servername": p.tls.servername,
    "dns.servers": p.dns.servers.map((s) => `${s.address}:${s.port}`).join(" "),
    "dns.server": p.dns.servers[0] ? p.dns.servers[0].address : "",
    "dns.timeout": String(p.dns.timeout),
  };
}

export function renderTemplate(text: string, p: GatewayPlan, file: string): string {
  const values = templateValues(p);
  return text
    .split("\n")
    .map((line, i) =>
      line.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, key: string) => {
        const v = values[key];
        if (v === undefined)
          throw new BacksideError("INVALID_INPUT", `${file}:${i + 1}: unknown placeholder {{${key}}}`, {
            hint: `placeholders: ${Object.keys(values).join(", ")}`,
          });
        return v;
      }),
    )
    .join("\n");
}
