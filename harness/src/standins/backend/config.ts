import { z } from "zod";

/** What the backend does with a connection; switchable at run time with `PUT /mode`. */
export const BackendModeSchema = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("healthy"),
      status: z.number().int().min(100).max(599).default(200),
      body: z.string().default("ok\n"),
    })
    .strict(),
  /** Answers, but only after delayMs (longer than the gateway's back-timeout = a timeout). */
  z
    .object({
      kind: z.literal("slow"),
      delayMs: z.number().int().min(0).max(3_600_000),
      status: z.number().int().min(100).max(599).default(200),
      body: z.string().default("ok\n"),
    })
    .strict(),
  /** Accepts, reads the request, never answers (backend.timeout). */
  z.object({ kind: z.literal("hang") }).strict(),
  /** FIN after the request, no response bytes (backend.closed). */
  z.object({ kind: z.literal("close") }).strict(),
  /** RST after the request: SO_LINGER 0 via socket.resetAndDestroy() (backend.reset). */
  z.object({ kind: z.literal("reset") }).strict(),
  /** No listening socket: the kernel answers a SYN with RST (tcp.refused). */
  z.object({ kind: z.literal("not-listening") }).strict(),
  /**
   * A listener whose accept queue is full: listen(backlog) and never accept(), so the kernel
   * drops further SYNs and counts TcpExtListenOverflows (backend.overloaded).
   */
  z
    .object({
      kind: z.literal("overloaded"),
      backlog: z.number().int().min(1).max(128).default(1),
      holdMaxMs: z.number().int().min(1000).max(86_400_000).default(1_800_000),
    })
    .strict(),
]);
export type BackendMode = z.output<typeof BackendModeSchema>;
export type BackendModeInput = z.input<typeof BackendModeSchema>;
export type BackendModeKind = BackendMode["kind"];

const tlsVersion = z.enum(["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]);

/** The HTTPS listener's certificate and protocol range; `PUT /tls` swaps it at run time. */
export const BackendTlsSchema = z
  .object({
    cert: z.string().includes("BEGIN CERTIFICATE", { message: "must be a PEM certificate" }),
    key: z.string().includes("PRIVATE KEY", { message: "must be a PEM private key" }),
    minVersion: tlsVersion.optional(),
    maxVersion: tlsVersion.optional(),
    /** Which test certificate this is (good, expired, wrong-host, untrusted): for the logs only. */
    label: z.string().optional(),
  })
  .strict();
export type TlsSettings = z.output<typeof BackendTlsSchema>;
export type TlsSettingsInput = z.input<typeof BackendTlsSchema>;

const listener = (port: number) =>
  z.union([
    z.literal(false),
    z
      .object({ host: z.string().default("0.0.0.0"), port: z.number().int().min(0).max(65535).default(port) })
      .strict(),
  ]);

export const BackendConfigSchema = z
  .object({
    http: listener(80).default({ host: "0.0.0.0", port: 80 }),
    /** Needs `tls`; without it the HTTPS listener is off. */
    https: listener(443).default({ host: "0.0.0.0", port: 443 }),
    tls: BackendTlsSchema.optional(),
    control: z
      .union([
        z.literal(false),
        z
          .object({
            host: z.string().default("127.0.0.1"),
            port: z.number().int().min(0).max(65535).default(9000),
          })
          .strict(),
      ])
      .default({ host: "127.0.0.1", port: 9000 }),
    mode: BackendModeSchema.default({ kind: "healthy", status: 200, body: "ok\n" }),
    eventLogSize: z.number().int().min(1).max(100_000).default(1000),
  })
  .strict();
export type BackendConfig = z.output<typeof BackendConfigSchema>;
export type BackendConfigInput = z.input<typeof BackendConfigSchema>;
