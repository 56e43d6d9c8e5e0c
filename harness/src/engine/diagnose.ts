/**
 * diagnose(): artifacts in, one Diagnosis out. Reads only the artifacts (captures, logs, error
 * report) and an optional target; never scenario names or harness config.
 *   1. read the report and logs; find the backend (backend-target.ts)
 *   2. analyse each capture on its own (one capture point each) into facts about the backend
 *   3. run the rules (rules-*.ts), fuse and rank (select-cause.ts), render (explain.ts)
 */
import { BacksideError, isBacksideError } from "../errors.js";
import { LogReader, readErrorReport, type ErrorReport } from "../appliance/index.js";
import { CAUSE_TITLES } from "../taxonomy.js";
import { findBackend, nameMatches, type BackendTarget } from "./backend-target.js";
import { analyzeOne } from "./capture-analysis.js";
import { backendAddresses, captureFacts, type CaptureFacts, type PointRead } from "./capture-evidence.js";
import { groupConns } from "./conn-groups.js";
import { capturePoints } from "./capture-path.js";
import type { Facts } from "./facts.js";
import { LogEvidenceCollector, type LogEvidence, type LogFact } from "./log-evidence.js";
import { detectDialect, readLogText } from "./dialects/read-log-text.js";
import {
  MAX_LOG_BYTES,
  checkFile,
  fileChunks,
  looksBinary,
  readBounded,
  streamText,
} from "./read-artifacts.js";
import { render } from "./render-diagnosis.js";
import { captureRules, representative } from "./rules-capture.js";
import { dnsRules } from "./rules-dns.js";
import { logRules } from "./rules-log.js";
import { reportRules } from "./rules-report.js";
import type { Diagnosis, DiagnoseInput, Evidence } from "./types.js";

interface Loaded {
  report?: { source: string; report: ErrorReport; log?: LogEvidence };
  log: LogFact[];
  logSources: string[];
  summaries: { source: string; read: PointRead }[];
  problems: string[];
  partial: boolean;
  usable: number;
}

/** Enough of a log's start to tell its dialect (a few hundred lines). */
const DIALECT_SAMPLE_BYTES = 256 * 1024;

/** Appends without spreading: a log's facts can outnumber what a call's arguments may hold. */
function append<T>(to: T[], from: readonly T[]): void {
  for (const x of from) to.push(x);
}

async function loadReport(path: string, l: Loaded): Promise<void> {
  await checkFile(path, "error report");
  // The report's log is read into facts as it streams by; its entries are not kept.
  const collect = new LogEvidenceCollector(`${path}#default-log`);
  try {
    const report = await readErrorReport(fileChunks(path), { keep: 0, onEntry: (e) => collect.add(e) });
    l.report = { source: path, report, log: collect.result(report.log) };
    l.usable++;
    for (const p of report.problems.slice(0, 10)) l.problems.push(`${path} ${p.where}: ${p.message}`);
    if (report.problems.length > 10) l.problems.push(`${path}: ${report.problems.length - 10} more problems`);
    if (report.problems.some((p) => !/part missing/.test(p.message))) l.partial = true;
  } catch (e) {
    if (!isBacksideError(e)) throw e;
    l.problems.push(`${path}: ${e.message}`);
    l.partial = true;
  }
}

async function loadLog(path: string, l: Loaded): Promise<void> {
  const size = await checkFile(path, "log");
  if (size > MAX_LOG_BYTES) {
    l.problems.push(`${path}: only the first ${MAX_LOG_BYTES} bytes were read (truncated)`);
    l.partial = true;
  }
  if (looksBinary((await readBounded(path, "log", 4096)).bytes)) {
    l.problems.push(`${path}: binary data, not an appliance log; ignored`);
    l.partial = true;
    return;
  }
  // The appliance's log is streamed; nginx's or HAProxy's (told from the first lines,
  // dialects/read-log-text.ts) is read whole within the same byte bound.
  const head = (await readBounded(path, "log", DIALECT_SAMPLE_BYTES)).bytes.toString("utf8");
  let ev: LogEvidence;
  if (detectDialect(head) === "appliance") {
    const collect = new LogEvidenceCollector(path);
    const reader = new LogReader({ keep: 0, onEntry: (e) => collect.add(e) });
    await streamText(path, MAX_LOG_BYTES, (t) => reader.write(t));
    ev = collect.result(reader.end());
  } else ev = readLogText((await readBounded(path, "log", MAX_LOG_BYTES)).bytes.toString("utf8"), path);
  if (ev.entries === 0) {
    l.problems.push(`${path}: no gateway log lines found (appliance, nginx or HAProxy); ignored`);
    l.partial = true;
    return;
  }
  if (ev.problems.length) {
    append(l.problems, ev.problems);
    l.partial = true;
  }
  append(l.log, ev.facts);
  append(l.problems, ev.unknown.map(unknownLine));
  l.logSources.push(path);
  l.usable++;
}

/** An error line the catalog does not know, shown to a person and never read as a cause. */
function unknownLine(e: Evidence): string {
  return `${e.source} line ${e.lines?.[0] ?? "?"}: a code the engine does not know, kept as text and not read as a cause: ${e.statement}`;
}

async function loadCapture(path: string, name: string, l: Loaded): Promise<void> {
  await checkFile(path, "capture");
  try {
    const read = await analyzeOne(path);
    l.summaries.push({ source: name, read });
    // An empty capture point still tells where packets did not go, but alone it tells nothing.
    if (read.summary.packets === 0) l.problems.push(`${name}: no packets in the capture`);
    else l.usable++;
  } catch (e) {
    if (!isBacksideError(e) || e.code === "NOT_FOUND") throw e;
    l.problems.push(`${name}: ${e.message}`);
    l.partial = true;
  }
}

export async function diagnose(input: DiagnoseInput): Promise<Diagnosis> {
  const l: Loaded = { log: [], logSources: [], summaries: [], problems: [], partial: false, usable: 0 };
  const pcaps = input.pcaps ?? [];
  const logs = input.logs ?? [];
  if (pcaps.length === 0 && logs.length === 0 && !input.errorReport) {
    throw new BacksideError("USAGE", "nothing to diagnose", {
      hint: "give at least one of --pcap, --log, --error-report",
    });
  }
  if (input.errorReport) await loadReport(input.errorReport, l);
  for (const p of logs) await loadLog(p, l);
  for (const p of pcaps) await loadCapture(p.path, p.name ?? p.path, l);
  const report = l.report?.report;
  const reportLog = l.report?.log;
  if (reportLog && logs.length === 0 && reportLog.entries > 0) {
    append(l.log, reportLog.facts);
    append(l.problems, reportLog.unknown.map(unknownLine));
    l.logSources.push(`${l.report!.source}#default-log`);
    if (reportLog.problems.some((p) => p.endsWith("(truncated)"))) {
      append(l.problems, reportLog.problems);
      l.partial = true;
    }
  }
  if (report?.pcap && pcaps.length === 0) {
    const name = `${l.report!.source}#BackgroundPacketCapture`;
    try {
      l.summaries.push({ source: name, read: await analyzeOne({ name, bytes: report.pcap }) });
    } catch (e) {
      if (!isBacksideError(e)) throw e;
      l.problems.push(`${name}: ${e.message}`);
    }
  }
  if (l.usable === 0) {
    const empty = l.summaries.length > 0 && l.summaries.every((x) => x.read.summary.packets === 0);
    throw new BacksideError(
      "BAD_ARTIFACT",
      `no usable artifact: ${l.problems[0] ?? "nothing could be read"}`,
      {
        details: { problems: l.problems },
        ...(empty
          ? { hint: "capture on the gateway while the failure happens, or add its log or error report" }
          : {}),
      },
    );
  }

  const backend = findBackend(input.target, report, l.log);
  const search = report?.dns?.searchDomains ?? [];
  // Addresses DNS gave for the backend's name at any point apply to every point.
  const addAnsweredAddresses = () => {
    for (const { read } of l.summaries)
      read.dns.answeredAddresses((name) => nameMatches(name, backend.host, search), backend.addresses);
  };
  const readCaptures = () =>
    l.summaries.map(({ source, read }, i) => captureFacts(read, i, source, backend, search));
  // Which backend it is settles first, from the addresses each point's connections go to; the
  // facts (every connection read) are then built once.
  const addressesAt = () => l.summaries.map(({ read }) => backendAddresses(read, backend, search));
  addAnsweredAddresses();
  if (backend.addresses.size === 0 && l.summaries.length > 1) {
    // Nothing named the backend: the conversation found at most points is it, at every point.
    const votes = new Map<string, number>();
    for (const at of addressesAt()) for (const a of at) votes.set(a, (votes.get(a) ?? 0) + 1);
    const best = [...votes.entries()].sort((a, b) => b[1] - a[1])[0];
    if (best) backend.addresses.add(best[0]);
  }
  if (!backend.host) {
    // Nothing named the backend's host either: the name a DNS answer in the captures gave one of
    // its addresses for (all of that name's answers then count, the older ones too).
    const seen = backend.addresses.size ? backend.addresses : new Set(addressesAt().flatMap((at) => [...at]));
    let name: string | undefined;
    for (const { read } of l.summaries) if (name === undefined) name = read.dns.nameAnswering(seen);
    if (name) {
      backend.host = name;
      backend.from = "capture";
      addAnsweredAddresses();
    }
  }
  const captures: CaptureFacts[] = readCaptures();
  for (const c of captures) {
    append(l.problems, c.problems);
    append(l.problems, c.notes);
    if (c.truncated) {
      l.partial = true;
      l.problems.push(`${c.source}: the capture is truncated; packets after the cut are missing`);
    } else if (c.problems.length) l.partial = true;
  }

  const groups = groupConns(captures);
  const facts: Facts = {
    backend,
    captures,
    groups,
    log: l.log,
    logSources: l.logSources,
    ...(l.report ? { report: l.report } : {}),
  };
  const findings = [...dnsRules(facts), ...captureRules(facts), ...logRules(facts), ...reportRules(facts)];
  const rep = representative(groups);
  const points = rep ? capturePoints(rep, captures) : undefined;
  const aside = setAside(backend, captures);
  return render(facts, findings, {
    problems: [...new Set(l.problems)],
    partial: l.partial,
    ...(points ? { capturePoints: points } : {}),
    ...(aside ? { setAside: aside } : {}),
  });
}

/** With a target named, the capture's other TCP conversations were left out of the verdict: say so. */
function setAside(backend: BackendTarget, captures: CaptureFacts[]): string | undefined {
  if (backend.from !== "target") return undefined;
  const hosts = new Set<string>();
  let n = 0;
  for (const c of captures) {
    n += Math.max(0, c.tcpCount - c.conns.length);
    for (const x of c.frontConns) hosts.add(x.server);
  }
  if (n === 0) return undefined;
  const named = [...hosts].slice(0, 3).join(", ");
  return `${n} other TCP connection${n === 1 ? "" : "s"} in the capture${named ? ` (to ${named}${hosts.size > 3 ? ", ..." : ""})` : ""} ${n === 1 ? "was" : "were"} set aside: ${n === 1 ? "it is" : "they are"} not to the target ${backend.host}.`;
}

export { CAUSE_TITLES };
