/**
 * The gateway stand-in's start configuration (JSON from env BACKSIDE_CONFIG or
 * /etc/backside/gateway.json), validated at the edge with messages that name the field.
 * Times are seconds like the appliance's settings, fractions allowed so tests can run fast.
 */
import { existsSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { z } from "zod";
import { BacksideError } from "../../errors.js";
import { LOG_LEVELS } from "../../appliance/types.js";
import { resetConfigFile } from "../control/load-config.js";

const port = z.number().int().min(0).max(65535);
const seconds = z.number().positive().max(86400);

const nameServer = z.strictObject({
  address: z.string().refine((s) => isIP(s) !== 0, "must be an IPv4 or IPv6 address"),
  udpPort: port.default(53),
  tcpPort: port.default(53),
  retries: z.number().int().min(0).max(10).default(3),
});

export const GatewayConfigSchema = z.strictObject({
  service: z.strictObject({
    name: z
      .string()
      .regex(/^[\w.-]{1,64}$/, "must be 1-64 letters, digits, _ . -")
      .default("TEST_MPGW"),
    frontAddress: z.string().default("0.0.0.0"),
    frontPort: port.default(8080),
    backendUrl: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }),
    backTimeout: seconds.default(120),
    backPersistentTimeout: seconds.default(180),
    frontTimeout: seconds.default(120),
    frontPersistentTimeout: seconds.default(180),
    /** Connect budget; the appliance has none of its own (SYN retries or back-timeout), so defaults to back-timeout. */
    connectTimeout: seconds.optional(),
    persistentConnections: z.boolean().default(true),
    maxRequestBytes: z
      .number()
      .int()
      .positive()
      .max(64 * 1024 * 1024)
      .default(8 * 1024 * 1024),
  }),
  tls: z
    .strictObject({
      verify: z.boolean().default(true),
      caPem: z
        .array(z.string().includes("-----BEGIN CERTIFICATE-----", { message: "must be a PEM certificate" }))
        .default([]),
      servername: z.string().optional(),
    })
    .prefault({}),
  dns: z
    .strictObject({
      servers: z.array(nameServer).max(16).default([]),
      loadBalance: z.enum(["first-alive", "round-robin"]).default("first-alive"),
      /** Per attempt, per server (the appliance waits 5 s per server). */
      timeout: seconds.default(5),
      searchDomains: z.array(z.string().min(1)).max(16).default([]),
      staticHosts: z
        .array(
          z.strictObject({
            hostname: z.string().min(1),
            address: z.string().refine((s) => isIP(s) !== 0, "must be an IP address"),
          }),
        )
        .default([]),
      ipPreference: z.union([z.literal(4), z.literal(6)]).default(4),
      forceIpPreference: z.boolean().default(false),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(LOG_LEVELS).default("notice"),
      file: z.string().nullable().default("/var/log/backside/gateway.log"),
      stdout: z.boolean().default(true),
      domain: z.string().default("default"),
      /** Lines kept in memory for the management API and the error report. */
      keepLines: z.number().int().min(100).max(1_000_000).default(50_000),
    })
    .prefault({}),
  mgmt: z
    .strictObject({
      enabled: z.boolean().default(true),
      address: z.string().default("0.0.0.0"),
      port: port.default(5554),
    })
    .prefault({}),
  errorReport: z
    .strictObject({
      /** Make a report automatically on a backside failure (failure notification). */
      onFailure: z.boolean().default(false),
      dir: z.string().default("/var/backside/error-reports"),
      /** Attach the latest packet capture as BackgroundPacketCapture. */
      includeCapture: z.boolean().default(true),
      /** At most one automatic report per this many seconds. */
      minInterval: seconds.default(10),
    })
    .prefault({}),
  capture: z
    .strictObject({
      dir: z.string().default("/var/backside/captures"),
      tcpdump: z.string().default("tcpdump"),
      maxDuration: seconds.default(600),
      maxKB: z.number().int().min(10).max(500_000).default(100_000),
      /** A capture started with the gateway (the appliance's failure-notification background capture); bounded by maxDuration and its maxKB. */
      background: z
        .strictObject({
          interface: z.string().default("any"),
          filter: z.string().max(1000).default("not port 5554"),
          maxKB: z.number().int().min(10).max(500_000).default(20_000),
        })
        .optional(),
    })
    .prefault({}),
  firmware: z.string().default("IDG.10.6.0.0"),
});

export type GatewayConfig = z.output<typeof GatewayConfigSchema>;
export type GatewayConfigInput = z.input<typeof GatewayConfigSchema>;

/** Validate; the message lists every bad field by path (`service.backendUrl: must be ...`). */
export function parseGatewayConfig(input: unknown, source = "gateway config"): GatewayConfig {
  const r = GatewayConfigSchema.safeParse(input);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`);
  throw new BacksideError("INVALID_INPUT", `${source}: ${lines.join("; ")}`, { details: { issues: lines } });
}

/** Start configuration of the container: a reset's /run/backside/gateway.json, else env BACKSIDE_CONFIG, else the file. */
export function loadGatewayConfig(
  env: NodeJS.ProcessEnv = process.env,
  file = "/etc/backside/gateway.json",
  resetFile = resetConfigFile("gateway"),
): GatewayConfig {
  // A reset's file first: a reused container keeps the env it was created with.
  let text = existsSync(resetFile) ? readFileSync(resetFile, "utf8") : env.BACKSIDE_CONFIG;
  let source = existsSync(resetFile) ? resetFile : "BACKSIDE_CONFIG";
  if (text === undefined || text.trim() === "") {
    source = file;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      throw new BacksideError(
        "NOT_FOUND",
        `no gateway config: BACKSIDE_CONFIG is empty and ${file} cannot be read`,
        { cause: e },
      );
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new BacksideError("INVALID_INPUT", `${source}: not JSON: ${(e as Error).message}`, { cause: e });
  }
  return parseGatewayConfig(json, source);
}

export function connectTimeoutMs(c: GatewayConfig): number {
  return Math.round(
    Math.min(c.service.connectTimeout ?? c.service.backTimeout, c.service.backTimeout) * 1000,
  );
}
