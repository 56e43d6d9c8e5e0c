import type Docker from "dockerode";
import { BacksideError, isBacksideError } from "../errors.js";
import type { CleanupRegistry, Stoppable } from "../util/cleanup-registry.js";
import { pollUntil, PollAbort } from "../util/poll-until.js";
import { NODES, routesEnv, type NodeName, type NodePlan } from "./plan.js";
import { LABEL, resourceName } from "./labels.js";
import { createNetworks } from "./networks.js";
import { copyFilesIn } from "./archive.js";
import { ROUTE_SHIM, imageAppliesRoutes } from "./route-shim.js";
import { renderBaseRuleset, BASE_TABLE } from "./base-ruleset.js";
import { StartedNode } from "./started-node.js";
import { StartedTopology, removeResources, type TopologyResources } from "./started-topology.js";
import { resolvePlanValue, type NodeOptions } from "./topology.js";
import type { TopologyPlan } from "./plan.js";
import { imageRef } from "../images/catalog.js";

export interface BringUpInput {
  docker: Docker;
  runId: string;
  name: string;
  labels: Record<string, string>;
  slot?: number;
  readyTimeoutMs: number;
  defaultImage?: string;
  nodes: Map<NodeName, NodeOptions>;
  registry?: CleanupRegistry;
}

interface ImageInfo {
  entrypoint: string[] | null;
  cmd: string[] | null;
}

async function inspectImages(docker: Docker, images: string[]): Promise<Map<string, ImageInfo>> {
  try {
    await docker.ping();
  } catch (e) {
    throw new BacksideError("ENVIRONMENT", "no Docker engine reachable", {
      cause: e,
      hint: "start dockerd and check `docker info`",
    });
  }
  const out = new Map<string, ImageInfo>();
  for (const image of new Set(images)) {
    try {
      const info = await docker.getImage(image).inspect();
      const ep = info.Config.Entrypoint as string[] | string | null;
      out.set(image, { entrypoint: typeof ep === "string" ? [ep] : ep, cmd: info.Config.Cmd ?? null });
    } catch (e) {
      throw new BacksideError("ENVIRONMENT", `image ${image} is not present`, {
        cause: e,
        hint: "build the images: `backside images`",
      });
    }
  }
  return out;
}

/** Builds the create call for one node: first network at create time, fixed address. */
function containerSpec(
  input: BringUpInput,
  tp: TopologyPlan,
  plan: NodePlan,
  opts: NodeOptions,
  image: string,
  info: ImageInfo,
  firstNet: string,
): Docker.ContainerCreateOptions {
  const userEnv = opts.env === undefined ? {} : resolvePlanValue(opts.env, tp);
  // Set even when empty: entry.sh then deletes every default route (firewall, client).
  const env: Record<string, string> = {
    BACKSIDE_ROUTES: routesEnv(plan),
    BACKSIDE_NODE: plan.name,
    ...userEnv,
  };
  if (opts.config !== undefined) env.BACKSIDE_CONFIG = JSON.stringify(resolvePlanValue(opts.config, tp));
  // Images without the role entry script get the same route setup from a shell shim.
  const shim = !imageAppliesRoutes(info.entrypoint);
  const userCmd = opts.cmd === undefined ? undefined : resolvePlanValue(opts.cmd, tp);
  const cmd = userCmd ?? (shim ? [...(info.entrypoint ?? []), ...(info.cmd ?? [])] : undefined);
  const dns = tp.dnsServer;
  return {
    name: resourceName(input.runId, plan.name),
    Hostname: plan.name,
    Image: image,
    Labels: { ...input.labels, [LABEL.node]: plan.name },
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Entrypoint: shim ? ROUTE_SHIM : undefined,
    Cmd: cmd,
    HostConfig: {
      CapDrop: plan.capDrop,
      CapAdd: [...new Set([...plan.capAdd, ...(opts.capAdd ?? [])])],
      Sysctls: { ...plan.sysctls, ...opts.sysctls },
      Dns: [dns],
      DnsSearch: [],
      NetworkMode: firstNet,
      // docker-init reaps children and forwards signals; removal is `force` anyway.
      Init: true,
      RestartPolicy: { Name: "no" },
    },
    NetworkingConfig: {
      EndpointsConfig: { [firstNet]: { IPAMConfig: { IPv4Address: plan.addresses[plan.segments[0]] } } },
    },
  };
}

// $0: how many default routes the plan gives the node, "$@": the readiness probe. Looks 20 ms
// apart, at most 100 times, inside the node (each docker exec costs tenths of a second on a
// loaded machine), then prints the routes for the exact check and, when the probe never passed,
// what it said last. Exit 0: routes counted right and the probe passed. Only /bin/sh and ip
// besides the probe, as the route shim needs (a custom image may have no coreutils).
const WAIT_READY = [
  "n=$0",
  "i=0",
  "ok=",
  "nl='",
  "'",
  "set -f",
  'while [ "$i" -lt 100 ]; do',
  "  c=0",
  "  IFS=$nl; for l in $(ip -4 route show default); do c=$((c + 1)); done; unset IFS",
  '  if [ "$c" -eq "$n" ]; then',
  '    if out=$("$@" 2>&1); then ok=1; break; else rc=$?; fi',
  "  fi",
  "  sleep 0.02",
  "  i=$((i + 1))",
  "done",
  "ip -4 route show",
  '[ -n "$ok" ] && exit 0',
  'echo "__PROBE__ ${rc:-not run}: $out"',
  "exit 1",
].join("\n");

// Under `timeout` where the image has it, so no wait outlives its call.
const BOUNDED =
  'if command -v timeout >/dev/null 2>&1; then exec timeout 3 /bin/sh -c "$0" "$@"; fi; exec /bin/sh -c "$0" "$@"';

/** Ready: running, routes as planned, then the caller's probe. Fails at once if it exited. */
async function waitReady(node: StartedNode, opts: NodeOptions, timeoutMs: number): Promise<void> {
  const expected = node.plan.routes.map((r) => r.replace(/\s+/g, " "));
  const probe = opts.ready?.cmd ?? ["true"];
  const wait = ["/bin/sh", "-c", BOUNDED, WAIT_READY, String(expected.length), ...probe];
  await pollUntil(
    async () => {
      let r;
      try {
        r = await node.exec(wait, { timeoutMs: 10_000 });
      } catch (e) {
        const st = await node.container.inspect();
        if (!st.State.Running) {
          const logs = await node.logs().catch(() => ({ stdout: "", stderr: "" }));
          throw new PollAbort(
            new BacksideError(
              "RUNTIME",
              `node ${node.name} exited (code ${st.State.ExitCode}) during start`,
              {
                details: { logs: (logs.stdout + logs.stderr).slice(-2000) },
              },
            ),
          );
        }
        throw e;
      }
      if (r.exitCode === 124) throw new Error(`not ready within 3 s in the node (probe ${probe.join(" ")})`);
      const lines = r.stdout.split("\n").map((l) => l.trim());
      const defaults = lines.filter((l) => l.startsWith("default"));
      const routed =
        defaults.length === expected.length &&
        expected.every((e) => defaults.some((d) => d.startsWith(e + " ") || d === e));
      if (!routed) throw new Error(`routes not applied yet: ${defaults.join(" | ") || "(no default route)"}`);
      if (r.exitCode !== 0) {
        const said = lines.find((l) => l.startsWith("__PROBE__"))?.slice(10) ?? `exit ${r.exitCode}`;
        throw new Error(`probe ${probe.join(" ")} exited ${said.slice(0, 200)}`);
      }
      return true;
    },
    {
      what: `${node.name} routes applied${opts.ready ? ` and ready (${probe.join(" ")})` : ""}`,
      timeoutMs: Math.max(timeoutMs, opts.ready?.timeoutMs ?? 0),
      intervalMs: 20,
    },
  );
}

export async function installBaseRuleset(
  firewall: StartedNode,
  topologyPlan: TopologyResources["plan"],
): Promise<void> {
  await firewall.execOk(["nft", "-f", "-"], { stdin: renderBaseRuleset(topologyPlan), timeoutMs: 10_000 });
  await firewall.execOk(["nft", "list", "table", "inet", BASE_TABLE], { timeoutMs: 10_000 });
}

/**
 * Networks, then containers (created, connected to their other networks, files copied in),
 * all started together, then readiness and the firewall's base table. Anything made before a
 * failure is removed before the error is rethrown.
 */
export async function bringUp(input: BringUpInput): Promise<StartedTopology> {
  const timings: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - mark);
    mark = now;
  };
  const imageOf = (n: NodeName) => input.nodes.get(n)?.image ?? input.defaultImage ?? imageRef(n);
  const images = await inspectImages(input.docker, NODES.map(imageOf));
  phase("images");
  const { plan, networks, names } = await createNetworks(input.docker, {
    runId: input.runId,
    labels: input.labels,
    slot: input.slot,
  });
  const res: TopologyResources = {
    docker: input.docker,
    runId: input.runId,
    name: input.name,
    plan,
    networks,
    networkNames: names,
    containers: [],
    registry: input.registry,
  };
  phase("networks");
  // Registered before anything can fail halfway, so Ctrl-C during bring-up also cleans up.
  const pending = { stop: () => removeResources(res) };
  input.registry?.add(pending);
  try {
    const nodeMap = new Map<NodeName, StartedNode>();
    let started: StartedTopology | undefined;
    const context = {
      runId: input.runId,
      track: (i: Stoppable) => {
        if (!started) throw new BacksideError("INTERNAL", "cannot track before the topology has started");
        return started.track(i);
      },
    };
    await Promise.all(
      NODES.map(async (n) => {
        const np = plan.nodes[n];
        const opts = input.nodes.get(n) ?? {};
        const image = imageOf(n);
        const spec = containerSpec(input, plan, np, opts, image, images.get(image)!, names[np.segments[0]]);
        const c = await input.docker.createContainer(spec);
        res.containers.push(c);
        for (const seg of np.segments.slice(1)) {
          await networks[seg].connect({
            Container: c.id,
            EndpointConfig: { IPAMConfig: { IPv4Address: np.addresses[seg] } },
          });
        }
        await copyFilesIn(c, opts.files === undefined ? [] : resolvePlanValue(opts.files, plan));
        nodeMap.set(n, new StartedNode(n, np, c, spec.name!, context));
      }),
    );
    phase("create");
    await Promise.all(res.containers.map((c) => c.start()));
    phase("start");
    await Promise.all(
      NODES.map((n) => waitReady(nodeMap.get(n)!, input.nodes.get(n) ?? {}, input.readyTimeoutMs)),
    );
    phase("ready");
    await installBaseRuleset(nodeMap.get("firewall")!, plan);
    phase("ruleset");
    started = new StartedTopology(res, nodeMap, timings);
    input.registry?.delete(pending);
    input.registry?.add(started);
    return started;
  } catch (e) {
    input.registry?.delete(pending);
    await removeResources(res).catch(() => undefined);
    if (isBacksideError(e)) throw e;
    throw new BacksideError("RUNTIME", `topology ${input.runId} failed to start: ${(e as Error).message}`, {
      cause: e,
    });
  }
}
