import type { ControlRoute } from "../control/control-server.js";
import type { StartedBackend } from "./backend-server.js";
import type { BackendModeInput, TlsSettingsInput } from "./config.js";

/**
 * Control API of the backend stand-in:
 * - `GET /state` mode, listening, bound ports, TLS label and versions;
 * - `PUT /mode` body: a mode (`{"kind":"reset"}`, `{"kind":"slow","delayMs":130000}`);
 * - `PUT /tls` body: `{cert, key, minVersion?, maxVersion?, label?}` for the HTTPS listener;
 * - `GET /events?since=<seq>` connection and request events.
 */
export function backendControlRoutes(backend: StartedBackend): ControlRoute[] {
  return [
    { method: "GET", path: "/state", handler: () => ({ body: backend.state() }) },
    {
      method: "PUT",
      path: "/mode",
      handler: async ({ body }) => ({ body: { mode: await backend.setMode(body as BackendModeInput) } }),
    },
    {
      method: "PUT",
      path: "/tls",
      handler: ({ body }) => {
        const t = backend.setTls(body as TlsSettingsInput);
        return { body: { label: t.label, minVersion: t.minVersion, maxVersion: t.maxVersion } };
      },
    },
    {
      method: "GET",
      path: "/events",
      handler: ({ query }) => ({ body: backend.events.since(Number(query.get("since") ?? 0) || 0) }),
    },
  ];
}
