import type { ControlRoute } from "../control/control-server.js";
import type { JsonLogger } from "../control/json-log.js";
import type { NameEntryInput } from "./config.js";
import type { DnsServer } from "./dns-server.js";

/**
 * Control API of the DNS stand-in:
 * - `GET /zone` every name and its entry;
 * - `PUT /names/<name>` body: a name entry (`{"mode":"moved","a":["10.100.2.11"]}`);
 * - `DELETE /names/<name>` the name is then unknown;
 * - `GET /queries?since=<seq>` received queries and what was answered;
 * - `DELETE /queries` forget them.
 */
export function dnsControlRoutes(server: DnsServer, log: JsonLogger): ControlRoute[] {
  return [
    { method: "GET", path: "/zone", handler: () => ({ body: server.zone.toJSON() }) },
    {
      method: "PUT",
      path: "/names/:name",
      handler: ({ params, body }) => {
        const before = server.zone.get(params.name);
        const entry = server.zone.set(params.name, body as NameEntryInput);
        log("name-changed", { name: params.name, before, after: entry });
        return { body: { name: params.name, entry } };
      },
    },
    {
      method: "DELETE",
      path: "/names/:name",
      handler: ({ params }) => {
        const existed = server.zone.delete(params.name);
        log("name-deleted", { name: params.name, existed });
        return { status: existed ? 200 : 404, body: { name: params.name, deleted: existed } };
      },
    },
    {
      method: "GET",
      path: "/queries",
      handler: ({ query }) => ({ body: server.queries.since(Number(query.get("since") ?? 0) || 0) }),
    },
    {
      method: "DELETE",
      path: "/queries",
      handler: () => (server.queries.clear(), { body: { cleared: true } }),
    },
  ];
}
