/**
 * The gateway stand-in as one started thing: `startGateway(config)` brings up the MPGW front
 * side and the management API, and returns a handle that stops both (AsyncDisposable).
 * Tests run it in-process; main.ts runs it in the container.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BacksideError } from "../../errors.js";
import type { DnsCacheEntry, LogLevel, TcpEntry } from "../../appliance/types.js";
import { connectBackend, BackendFailure } from "./backend-connector.js";
import { parseGatewayConfig, type GatewayConfig, type GatewayConfigInput } from "./config.js";
import { GatewayLogger } from "./gateway-logger.js";
import { startMgmtApi, type MgmtApi } from "./mgmt-api.js";
import { MpgwService, type FailureRecord } from "./mpgw-service.js";
import { PacketCapture } from "./packet-capture.js";
import { collectErrorReport, dnsConfigOf, markService } from "./report-collector.js";
import { Resolver } from "./resolver.js";
import { readTcpTable } from "./system-state.js";

export interface ConnectionTestResult {
  host: string;
  port: number;
  success: boolean;
  address?: string;
  errno?: string;
  kind?: string;
  ms: number;
}

export interface StartedGateway extends AsyncDisposable {
  readonly frontPort: number;
  readonly frontUrl: string;
  readonly mgmtPort?: number;
  readonly mgmtUrl?: string;
  readonly log: GatewayLogger;
  readonly resolver: Resolver;
  readonly capture: PacketCapture;
  readonly failures: readonly FailureRecord[];
  config(): GatewayConfig;
  /** Merge a partial config, validate, apply. Front and management addresses cannot change. */
  updateConfig(patch: Record<string, unknown>): GatewayConfig;
  setLogLevel(level: LogLevel): void;
  logText(): string;
  makeErrorReport(): Promise<{ file?: string; text: string }>;
  lastErrorReport(): string | undefined;
  dnsCache(): DnsCacheEntry[];
  flushDnsCache(): number;
  tcpTable(): Promise<TcpEntry[]>;
  connectionTest(host: string, port: number, timeoutSeconds: number): Promise<ConnectionTestResult>;
  status(): {
    service: string;
    opState: string;
    lastError: string;
    requests: number;
    failures: number;
    logLevel: LogLevel;
  };
  stop(): Promise<void>;
}

function mergeDeep(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] =
      v && typeof v === "object" && !Array.isArray(v) && cur && typeof cur === "object" && !Array.isArray(cur)
        ? mergeDeep(cur as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

export async function startGateway(input: GatewayConfigInput | GatewayConfig): Promise<StartedGateway> {
  let cfg = parseGatewayConfig(input);
  const log = new GatewayLogger({
    level: cfg.log.level,
    file: cfg.log.file,
    stdout: cfg.log.stdout,
    domain: cfg.log.domain,
    keepLines: cfg.log.keepLines,
    objectName: cfg.service.name,
  });
  const resolver = new Resolver(() => dnsConfigOf(cfg), log);
  const failures: FailureRecord[] = [];
  let lastReport: string | undefined;
  let lastAutoReport = 0;
  let mgmt: MgmtApi | undefined;
  const capture = new PacketCapture({
    dir: cfg.capture.dir,
    tcpdump: cfg.capture.tcpdump,
    maxDuration: cfg.capture.maxDuration,
    maxKB: cfg.capture.maxKB,
    onEvent: (ev, s) =>
      log.event(
        ev === "started" ? "captureStarted" : "captureStopped",
        { iface: s.interface, file: s.file },
        { objectType: "system", objectName: "default" },
      ),
  });

  const makeErrorReport = async (): Promise<{ file?: string; text: string }> => {
    const target = service.target();
    const cached = resolver.cache.entries().find((e) => e.host.toLowerCase() === target.host.toLowerCase());
    const { text } = await collectErrorReport({
      config: cfg,
      frontPort,
      mgmtPort: mgmt?.port,
      dnsCache: resolver.cache.entries(),
      backendAddresses: cached?.addresses ?? [target.host],
      backendPort: target.port,
      opState: "up",
      lastError: service.lastError,
      logText: log.text(),
      captureFile: capture.current().file,
    });
    lastReport = text;
    let file: string | undefined;
    try {
      mkdirSync(cfg.errorReport.dir, { recursive: true });
      file = join(cfg.errorReport.dir, "error-report.txt");
      writeFileSync(file, text);
      writeFileSync(join(cfg.errorReport.dir, `error-report-${Date.now()}.txt`), text);
    } catch {
      file = undefined; // no writable dir (tests, read-only fs): the report is still served from memory
    }
    log.event(
      "errorReportSaved",
      { file: file ?? "(memory)" },
      { objectType: "system", objectName: "default" },
    );
    return { file, text };
  };

  const onFailure = (f: FailureRecord) => {
    failures.push(f);
    if (failures.length > 1000) failures.splice(0, 100);
    if (cfg.errorReport.onFailure && Date.now() - lastAutoReport >= cfg.errorReport.minInterval * 1000) {
      lastAutoReport = Date.now();
      makeErrorReport().catch((e) => process.stderr.write(`error report failed: ${(e as Error).message}\n`));
    }
  };

  const service = new MpgwService(() => cfg, log, resolver, onFailure);
  const front = await service.start();
  const frontPort = front.port;

  const gw: StartedGateway = {
    frontPort,
    frontUrl: `http://${front.address.includes(":") ? `[${front.address}]` : front.address}:${frontPort}`,
    log,
    resolver,
    capture,
    failures,
    config: () => cfg,
    updateConfig(patch) {
      const next = parseGatewayConfig(
        mergeDeep(cfg as unknown as Record<string, unknown>, patch),
        "config change",
      );
      const fixed = ["frontPort", "frontAddress"] as const;
      for (const k of fixed)
        if (next.service[k] !== cfg.service[k])
          throw new BacksideError("INVALID_INPUT", `config change: service.${k} cannot change while running`);
      if (JSON.stringify(next.mgmt) !== JSON.stringify(cfg.mgmt))
        throw new BacksideError("INVALID_INPUT", "config change: mgmt cannot change while running");
      const changed = Object.keys(patch).join(",");
      cfg = next;
      log.setLevel(cfg.log.level);
      log.setObjectName(cfg.service.name);
      service.resetPool();
      log.event("configChanged", { fields: changed }, { objectType: "mgmt", objectName: "default" });
      return cfg;
    },
    setLogLevel(level) {
      cfg = { ...cfg, log: { ...cfg.log, level } };
      // Written under whichever of the old and new levels shows it, so lowering the level is recorded too.
      const note = () =>
        log.event("logLevelChanged", { level }, { objectType: "mgmt", objectName: "default" });
      if (note() === undefined) {
        log.setLevel(level);
        note();
      } else log.setLevel(level);
    },
    logText: () => log.text(),
    makeErrorReport,
    lastErrorReport: () => lastReport,
    dnsCache: () => resolver.cache.entries(),
    flushDnsCache() {
      const n = resolver.cache.flush();
      log.event("dnsCacheFlushed", { count: n }, { objectType: "dns-name-service", objectName: "default" });
      return n;
    },
    async tcpTable() {
      const target = service.target();
      const cached = resolver.cache.entries().find((e) => e.host === target.host);
      return markService(await readTcpTable(), {
        config: cfg,
        frontPort,
        mgmtPort: mgmt?.port,
        dnsCache: [],
        backendAddresses: cached?.addresses ?? [target.host],
        backendPort: target.port,
        opState: "up",
        lastError: "",
        logText: "",
      });
    },
    async connectionTest(host, port, timeoutSeconds) {
      const t0 = Date.now();
      const ctx = { objectType: "mgmt", objectName: "default" };
      try {
        const c = await connectBackend(
          { host, port, tls: false },
          resolver,
          log,
          { connectTimeoutMs: Math.round(timeoutSeconds * 1000), tls: { verify: false, ca: [] } },
          ctx,
        );
        c.stream.destroy();
        log.event("connectionTest", { host, port, result: `connected to ${c.address}` }, ctx);
        return { host, port, success: true, address: c.address, ms: Date.now() - t0 };
      } catch (e) {
        if (!(e instanceof BackendFailure)) throw e;
        log.event(
          "connectionTest",
          { host, port, result: `failed: ${e.info.errno ?? e.info.dnsReason ?? e.kind}` },
          ctx,
        );
        return {
          host,
          port,
          success: false,
          kind: e.kind,
          errno: e.info.errno ?? e.info.dnsReason,
          address: e.info.address,
          ms: Date.now() - t0,
        };
      }
    },
    status: () => ({
      service: cfg.service.name,
      opState: "up",
      lastError: service.lastError,
      requests: service.requests,
      failures: service.failures,
      logLevel: log.level,
    }),
    async stop() {
      await capture.stop("gateway stopping").catch(() => undefined);
      await mgmt?.close();
      await service.stop();
    },
    async [Symbol.asyncDispose]() {
      await gw.stop();
    },
  };
  const bg = cfg.capture.background;
  if (bg) {
    // Best effort, like the appliance: a capture that cannot start must not stop the service.
    await capture
      .start({
        interface: bg.interface,
        filter: bg.filter,
        durationSeconds: cfg.capture.maxDuration,
        maxKB: bg.maxKB,
      })
      .catch((e: unknown) => {
        process.stderr.write(`gateway: background capture not started: ${(e as Error).message}\n`);
      });
  }
  if (cfg.mgmt.enabled) {
    try {
      mgmt = await startMgmtApi(gw, cfg.mgmt.address, cfg.mgmt.port);
      Object.assign(gw, {
        mgmtPort: mgmt.port,
        mgmtUrl: `http://${cfg.mgmt.address === "0.0.0.0" ? "127.0.0.1" : cfg.mgmt.address}:${mgmt.port}`,
      });
    } catch (e) {
      await capture.stop("gateway failed to start").catch(() => undefined);
      await service.stop();
      throw new BacksideError(
        "RUNTIME",
        `management API cannot listen on ${cfg.mgmt.address}:${cfg.mgmt.port}: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
  return gw;
}
