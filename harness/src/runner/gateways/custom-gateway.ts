/**
 * Bring your own gateway: a scenario's `gateway.image` (README "Bring your own gateway"). The
 * harness knows nothing of the product: it renders the scenario's template into the container,
 * starts the image on the gateway node (the same addresses, routes and captures), waits for the
 * readiness command, and copies the named log files into the bundle. The engine reads them like
 * any gateway log (dialect told from the text).
 */
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { BacksideError, oneLine } from "../../errors.js";
import type { Scenario } from "../../scenarios/schema.js";
import { listeningProbe } from "../../topology/default-nodes.js";
import type { StartedNode } from "../../topology/started-node.js";
import { displayPath } from "../../scenarios/load-scenario.js";
import { CUSTOM_CA_PATH, renderTemplate } from "./config-template.js";
import type { GatewayAdapter, GatewayArtifacts } from "./gateway-adapter.js";
import type { GatewayPlan } from "./gateway-plan.js";

type ImageSpec = NonNullable<Scenario["gateway"]["image"]>;

export function customGateway(s: Scenario, spec: ImageSpec): GatewayAdapter {
  const templateFile = resolve(dirname(s.file), spec.config.template);
  return {
    kind: "custom",
    title: `custom image ${spec.name}`,
    notApplicable: () => undefined,
    unsupported: () => [],
    node(p: GatewayPlan) {
      let text: string;
      try {
        text = readFileSync(templateFile, "utf8");
      } catch (e) {
        throw new BacksideError(
          "NOT_FOUND",
          `${displayPath(s.file)}: gateway.image.config.template ${displayPath(templateFile)} cannot be read`,
          { cause: e },
        );
      }
      return {
        image: spec.name,
        ...(spec.cmd ? { cmd: spec.cmd } : {}),
        files: [
          { path: spec.config.path, content: renderTemplate(text, p, displayPath(templateFile)) },
          ...(p.tls.caPem ? [{ path: CUSTOM_CA_PATH, content: p.tls.caPem }] : []),
        ],
        ready: spec.ready ? { cmd: spec.ready } : listeningProbe(p.frontPort),
      };
    },
    async collect(node: StartedNode, bundleDir: string): Promise<GatewayArtifacts> {
      const out: GatewayArtifacts = { moreLogs: [], other: [], problems: [] };
      for (const [i, path] of spec.logs.entries()) {
        const name = i === 0 ? "gateway.log" : `gateway-${basename(path)}`;
        try {
          await writeFile(`${bundleDir}/${name}`, await node.copyFileOut(path));
          if (i === 0) out.gatewayLog = name;
          else out.moreLogs.push(name);
        } catch (e) {
          out.problems.push(`gateway log ${path}: ${oneLine(e)}`);
        }
      }
      return out;
    },
  };
}
