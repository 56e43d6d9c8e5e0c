/**
 * The scenario file format (YAML), validated with zod at the edge. Field names are what people
 * write; defaults keep the common case short. The parsed, defaulted shape is `Scenario`.
 * Documented for humans in scenarios/README.md.
 */
import { z } from "zod";
import { CAUSES } from "../taxonomy.js";
import { LOG_LEVELS } from "../appliance/types.js";
import { NODE_NAMES, SEGMENT_NAMES, parseAddressRef } from "./address-ref.js";

const port = z.number().int("must be 1-65535").min(1, "must be 1-65535").max(65535, "must be 1-65535");
const seconds = (max: number) =>
  z.number().positive("must be more than 0").max(max, `must be at most ${max}`);
const node = z.enum(NODE_NAMES, { error: `must be one of ${NODE_NAMES.join(", ")}` });
const segment = z.enum(SEGMENT_NAMES, { error: `must be one of ${SEGMENT_NAMES.join(", ")}` });

/** A node name or `<segment>:.<host>`; literal IPs are refused (see address-ref.ts). */
export const addressRef = z.string().superRefine((s, ctx) => {
  const r = parseAddressRef(s);
  if (typeof r === "string") ctx.addIssue({ code: "custom", message: r });
});

/** A DNS name the stand-in DNS serves (lower case, dotted labels). */
const hostname = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/,
    "must be a lower-case DNS name",
  );

/** The backend host in the gateway's URL: a DNS name or an address reference. */
const backendHost = z.string().superRefine((s, ctx) => {
  if (typeof parseAddressRef(s) !== "string") return;
  if (!hostname.safeParse(s).success || !s.includes("."))
    ctx.addIssue({ code: "custom", message: "must be a dotted DNS name, a node name or <segment>:.<host>" });
});

export const DNS_MODES = [
  "answer",
  "nxdomain",
  "servfail",
  "refused",
  "nodata",
  "silent",
  "slow",
  "moved",
  "truncate",
] as const;
export const BACKEND_MODES = [
  "healthy",
  "slow",
  "hang",
  "close",
  "reset",
  "not-listening",
  "overloaded",
  "tls-unknown-ca",
  "tls-expired",
  "tls-hostname",
  "tls-old-protocol",
] as const;
export const REJECT_WITH = [
  "tcp-reset",
  "port-unreachable",
  "host-unreachable",
  "net-prohibited",
  "host-prohibited",
  "admin-prohibited",
] as const;
/** The gateways `backside run --gateway` chooses from (runner/gateways/): the stand-in or a real product. */
export const GATEWAY_KINDS = ["backside", "nginx", "haproxy"] as const;
/** `custom`: a scenario's own gateway image (`gateway.image`, README "Bring your own gateway"). */
export type GatewayKind = (typeof GATEWAY_KINDS)[number] | "custom";

const absolutePath = z.string().startsWith("/", "must be an absolute path in the container");
/** Bring your own gateway: an image, a configuration template, its log (README). */
const gatewayImage = z.strictObject({
  /** A local image (nothing is pulled). */
  name: z.string().min(1, "must name an image"),
  /** `{{placeholder}}` template, relative to the scenario file; rendered to `path` in the container. */
  config: z.strictObject({ template: z.string().min(1), path: absolutePath }),
  /** Files the gateway writes its log to, copied into the bundle (the first as gateway.log). */
  logs: z.array(absolutePath).min(1, "must name at least one log file").max(4),
  /** Replaces the image's command; default the image's own. */
  cmd: z.array(z.string()).min(1).optional(),
  /** Ready when this exits 0 (run in the container); default: something listens on port 8080. */
  ready: z.array(z.string()).min(1).optional(),
});

/** Which way a fault applies, as seen at the firewall. */
export const FAULT_PATHS = ["to-backend", "from-backend", "to-dns", "from-dns"] as const;

const dnsServer = z.union([
  addressRef,
  z.strictObject({
    address: addressRef,
    port: port.default(53),
    retries: z.number().int().min(0).max(5).default(1),
  }),
]);

const gatewayDns = z.strictObject({
  servers: z.array(dnsServer).max(4, "at most 4 name servers").default(["dns"]),
  loadBalance: z.enum(["first-alive", "round-robin"]).default("first-alive"),
  /** Seconds to wait for one server before trying the next (the appliance's default is 5). */
  timeoutSeconds: seconds(30).default(2),
  retries: z.number().int().min(0).max(5).default(1),
  staticHosts: z.array(z.strictObject({ hostname, address: addressRef })).default([]),
  searchDomains: z.array(hostname).default([]),
  ipPreference: z.union([z.literal(4), z.literal(6)]).default(4),
  forceIpPreference: z.boolean().default(true),
  /** `ttl`: keep answers for their TTL; `off`: flushed before every request step. */
  cache: z.enum(["ttl", "off"]).default("ttl"),
});

const backendUrl = z.strictObject({
  scheme: z.enum(["http", "https"]).default("http"),
  host: backendHost.default("api.backside.test"),
  port: port.optional(),
  path: z.string().startsWith("/", "must start with /").default("/"),
});

const gateway = z.strictObject({
  /** Pins the scenario to one gateway; without it, `backside run --gateway` chooses (default backside). */
  kind: z.enum(GATEWAY_KINDS, { error: `must be one of ${GATEWAY_KINDS.join(", ")}` }).optional(),
  /** Bring your own gateway image; pins the scenario to it (kind `custom`). */
  image: gatewayImage.optional(),
  backend: backendUrl.default(() => backendUrl.parse({})),
  backTimeoutSeconds: seconds(60).default(3),
  /** Give up on a TCP connect after this long (the kernel's SYN retries otherwise decide). */
  connectTimeoutSeconds: seconds(60).default(3),
  persistentConnections: z.boolean().default(true),
  backPersistentTimeoutSeconds: seconds(600).default(180),
  frontTimeoutSeconds: seconds(60).default(10),
  logLevel: z.enum(LOG_LEVELS).default("debug"),
  dns: gatewayDns.default(() => gatewayDns.parse({})),
  tls: z
    .strictObject({
      /** Check the backend's certificate against the run's test CA and the URL's host name. */
      validateServer: z.boolean().default(true),
    })
    .default({ validateServer: true }),
});

const dnsModeRule = z.strictObject({
  name: hostname,
  mode: z.enum(DNS_MODES),
  delayMs: z.number().int().min(0).max(30_000).optional(),
  /** For `moved`: the address the name answers with now. */
  address: addressRef.optional(),
});

const dns = z.strictObject({
  /** Name → address reference(s) the stand-in answers with. */
  zone: z
    .record(hostname, z.union([addressRef, z.array(addressRef).min(1)]))
    .default({ "api.backside.test": "backend" }),
  ttlSeconds: z.number().int().min(0).max(86_400).default(300),
  modes: z.array(dnsModeRule).default([]),
});

const backend = z.strictObject({
  mode: z.enum(BACKEND_MODES).default("healthy"),
  /** For `slow`: how long before answering. */
  delayMs: z.number().int().min(0).max(60_000).optional(),
  /** For `overloaded`: the listen backlog. */
  backlog: z.number().int().min(0).max(128).optional(),
});

const faultBase = {
  path: z.enum(FAULT_PATHS).default("to-backend"),
  protocol: z.enum(["tcp", "udp", "icmp"]).default("tcp"),
  port: port.optional(),
  /** With `drop` on `from-backend`: drop only the SYN-ACKs (an asymmetric path). */
  tcpFlags: z.enum(["syn-ack"]).optional(),
};
export const faultSchema = z.discriminatedUnion(
  "action",
  [
    z.strictObject({ action: z.literal("drop"), ...faultBase }),
    z.strictObject({
      action: z.literal("reject"),
      ...faultBase,
      with: z.enum(REJECT_WITH).default("port-unreachable"),
    }),
    z.strictObject({
      action: z.literal("loss"),
      ...faultBase,
      percent: z.number().int().min(1, "must be 1-100").max(100, "must be 1-100"),
    }),
    /** New connections (SYNs, a UDP flow's first datagram) over the rate are dropped. */
    z.strictObject({
      action: z.literal("rate-limit"),
      ...faultBase,
      perSecond: z.number().int().min(1, "must be 1-10000").max(10_000, "must be 1-10000"),
      burst: z.number().int().min(1, "must be 1-10000").max(10_000, "must be 1-10000").default(5),
    }),
  ],
  { error: "action must be one of drop, reject, loss, rate-limit" },
);

export const topologyChangeSchema = z.discriminatedUnion(
  "kind",
  [
    /** Take a node off a segment: the host is gone, nobody answers ARP for it. */
    z.strictObject({ kind: z.literal("disconnect"), node, segment }),
    /** Give a node another address on a segment: the host moved, its old address is dead. */
    z.strictObject({ kind: z.literal("move"), node, segment, address: addressRef }),
    /** Add a route on a node: `destination` out of `dev` (optionally via a next hop). */
    z.strictObject({
      kind: z.literal("route"),
      node,
      destination: addressRef,
      dev: segment,
      via: addressRef.optional(),
    }),
  ],
  { error: "kind must be one of disconnect, move, route" },
);

const requestStep = z.strictObject({
  count: z.number().int().min(1, "must be 1-200").max(200, "must be 1-200").default(1),
  intervalMs: z.number().int().min(0).max(60_000).default(0),
  concurrency: z.number().int().min(1, "must be 1-50").max(50, "must be 1-50").default(1),
  /** The client's own limit per request; defaults to the gateway's timeouts plus a margin. */
  maxTimeSeconds: seconds(120).optional(),
  /**
   * For faults that strike at random (loss): stop starting requests once this many have failed
   * and this many succeeded; `count` is then the most that are sent.
   */
  until: z
    .strictObject({
      failed: z.number().int().min(0).max(200).default(0),
      succeeded: z.number().int().min(0).max(200).default(0),
    })
    .optional(),
});

const setStep = z
  .strictObject({
    backend: backend.partial().optional(),
    dns: z.strictObject({ modes: z.array(dnsModeRule) }).optional(),
    firewall: z.strictObject({ faults: z.array(faultSchema) }).optional(),
  })
  .refine((s) => s.backend || s.dns || s.firewall, "must set one of backend, dns, firewall");

export const stepSchema = z
  .strictObject({
    request: requestStep.optional(),
    set: setStep.optional(),
    wait: z.strictObject({ seconds: seconds(120) }).optional(),
    topology: topologyChangeSchema.optional(),
    restart: z.enum(["backend", "dns"]).optional(),
    /** Ask the name server from a node, as an operator's nslookup would (what it answers now). */
    lookup: z.strictObject({ node: z.enum(["gateway"]).default("gateway"), name: hostname }).optional(),
  })
  .refine(
    (s) => Object.keys(s).length === 1,
    "must have exactly one of request, set, wait, topology, restart, lookup",
  );

export const capturePointSchema = z.strictObject({ node, segment });

export const DEFAULT_CAPTURE_POINTS = [
  { node: "gateway", segment: "mid" },
  { node: "firewall", segment: "mid" },
  { node: "firewall", segment: "back" },
  { node: "backend", segment: "back" },
] as const;

export const scenarioFileSchema = z.strictObject({
  description: z.string().min(1, "must not be empty"),
  expect: z.enum(CAUSES, { error: `must be one of ${CAUSES.join(", ")}` }),
  /** Labels for listing and filtering (`control`, `variant`, ...). */
  tags: z.array(z.string()).default([]),
  gateway: gateway.default(() => gateway.parse({})),
  dns: dns.default(() => dns.parse({})),
  backend: backend.default({ mode: "healthy" }),
  firewall: z.strictObject({ faults: z.array(faultSchema).default([]) }).default({ faults: [] }),
  topology: z.array(topologyChangeSchema).default([]),
  steps: z
    .array(stepSchema)
    .min(1, "must have at least one step")
    .default([{ request: { count: 1, intervalMs: 0, concurrency: 1 } }]),
  capture: z
    .array(capturePointSchema)
    .min(1)
    .default(() => DEFAULT_CAPTURE_POINTS.map((p) => ({ ...p }))),
  timeoutSeconds: z.number().int().min(5, "must be 5-600").max(600, "must be 5-600").default(60),
});

export type ScenarioFile = z.infer<typeof scenarioFileSchema>;
export type Fault = z.infer<typeof faultSchema>;
export type TopologyChange = z.infer<typeof topologyChangeSchema>;
export type Step = z.infer<typeof stepSchema>;
export type CapturePoint = z.infer<typeof capturePointSchema>;
export type GatewaySettings = ScenarioFile["gateway"];
export type BackendMode = (typeof BACKEND_MODES)[number];
export type DnsMode = (typeof DNS_MODES)[number];

/** A loaded scenario: the file's content plus where it came from. */
export interface Scenario extends ScenarioFile {
  /** From the file name: `dns-nxdomain.yaml` → `dns-nxdomain`. */
  name: string;
  file: string;
}
