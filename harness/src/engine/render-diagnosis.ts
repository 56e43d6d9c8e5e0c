/**
 * From ranked findings to the Diagnosis: the winner's merged details feed the explanation and
 * next steps; the runners-up become alternatives; a look-alike the evidence cannot rule out is
 * named with what would settle it.
 */
import { CAUSE_TITLES, type Cause } from "../taxonomy.js";
import type { Facts } from "./facts.js";
import type { CauseDetail, Finding } from "./findings.js";
import { SETTLE, explain, type Context } from "./explain.js";
import { nextSteps, withoutGiven } from "./next-steps.js";
import { groupEvidence } from "./group-evidence.js";
import { lossHops } from "./loss-hops.js";
import { tlsReasonFromLog } from "./tls-reason.js";
import { confidenceOf, rank } from "./select-cause.js";
import type { Alternative, CapturePoints, Diagnosis, Evidence } from "./types.js";

/** Labels that one capture point (or a log alone) cannot tell apart from the winner. */
const LOOKALIKES: Partial<Record<Cause, Cause[]>> = {
  "tcp.silent-drop": ["backend.overloaded"],
  "backend.overloaded": ["tcp.silent-drop"],
  "tcp.refused": ["tcp.rejected-icmp"],
  "net.host-unreachable": ["tcp.rejected-icmp"],
  "backend.timeout": ["net.packet-loss"],
};

const KIND_ORDER = { capture: 0, log: 1, report: 2 } as const;

function mergeDetail(fs: Finding[]): Record<string, unknown> {
  // Weakest first so the strongest finding's fields win; capture last so packets beat log text.
  const sorted = [...fs].sort((a, b) => KIND_ORDER[b.kind] - KIND_ORDER[a.kind]);
  const out: Record<string, unknown> = {};
  for (const f of sorted)
    for (const [k, v] of Object.entries(f.detail))
      if (v !== undefined && !(Array.isArray(v) && v.length === 0 && out[k] !== undefined)) out[k] = v;
  return out;
}

export function render(
  f: Facts,
  findings: Finding[],
  extra: { problems: string[]; partial: boolean; capturePoints?: CapturePoints; setAside?: string },
): Diagnosis {
  const ranked = rank(findings);
  const problems = [...extra.problems];
  const backend = {
    ...(f.backend.host ? { host: f.backend.host } : {}),
    addresses: [...f.backend.addresses],
    ...(f.backend.port !== undefined ? { port: f.backend.port } : {}),
  };
  const ctx: Context = {
    ...(f.backend.host ? { host: f.backend.host } : {}),
    dest: f.backend.host ? `${f.backend.host}${f.backend.port ? `:${f.backend.port}` : ""}` : "the backend",
    ...(f.backend.backTimeout ? { backTimeout: f.backend.backTimeout } : {}),
    ...(extra.capturePoints ? { path: extra.capturePoints.died } : {}),
    given: {
      points: extra.capturePoints?.order.map((p) => p.source) ?? f.captures.map((c) => c.source),
      log: f.logSources.length > 0,
      report: Boolean(f.report),
    },
  };
  if (ranked.length === 0) {
    problems.push("the artifacts show neither a failure nor a completed exchange with a backend");
    return {
      cause: "healthy",
      confidence: "low",
      title: CAUSE_TITLES.healthy,
      explanation:
        "No failure was found in the artifacts, but no completed exchange with the backend either; the diagnosis is a guess.",
      evidence: [],
      nextSteps: [
        "Capture on the gateway's backend-facing interface while reproducing the error, with the log at debug level, and save an error report.",
      ],
      backend,
      partial: true,
      problems,
    };
  }
  const top = ranked[0];
  const cause = top.cause;
  const detail = mergeDetail(top.findings) as unknown as CauseDetail[typeof cause];
  // The reason as the gateway's log words it beats an alert name read off the wire.
  const tlsReason = cause === "tls.handshake-failure" ? tlsReasonFromLog(f.log) : undefined;
  if (tlsReason) (detail as CauseDetail["tls.handshake-failure"]).alert = tlsReason;
  if (cause === "net.packet-loss") {
    const lossAt = lossHops(f.groups, f.captures);
    if (lossAt) ctx.lossAt = lossAt;
  }
  const confidence = confidenceOf(top, ranked[1]);
  const evidence = groupEvidence(
    top.findings.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]).flatMap((x) => x.evidence),
  ).slice(0, 16);
  const steps = nextSteps(cause, detail, ctx);
  const alternatives: Alternative[] = ranked
    .slice(1)
    .filter((r) => r.cause !== "healthy" || cause !== "healthy")
    .slice(0, 4)
    .map((r) => ({
      cause: r.cause,
      why: `${r.findings[0].evidence[0]?.statement ?? "weaker evidence"} (score ${r.score} against ${top.score})`,
    }));
  const multiPoint = (extra.capturePoints?.order.length ?? 0) > 1;
  if (!top.decisive || !multiPoint) {
    for (const alt of LOOKALIKES[cause] ?? []) {
      if (alternatives.some((a) => a.cause === alt) || top.decisive) continue;
      alternatives.push({ cause: alt, why: `looks the same from ${top.kinds.join(" and ")} evidence alone` });
    }
  }
  const settle = SETTLE[cause];
  if (settle && confidence !== "high") steps.push(...withoutGiven([`To settle it: ${settle}.`], ctx));
  if (extra.partial)
    steps.push("Some input was incomplete (see problems); repeat with complete artifacts to confirm.");
  let explanation = explain(cause, detail, ctx);
  // The silent drop already tells where it died; every other explanation gets it appended.
  const told =
    cause === "tcp.silent-drop" && (ctx.path?.kind === "syn-lost" || ctx.path?.kind === "answer-lost");
  if (extra.capturePoints && !told)
    explanation += ` Across the capture points, ${extra.capturePoints.statement}.`;
  if (extra.setAside) explanation += ` ${extra.setAside}`;
  return {
    cause,
    confidence: extra.partial && confidence === "high" ? "medium" : confidence,
    title: CAUSE_TITLES[cause],
    explanation,
    evidence,
    nextSteps: steps,
    ...(alternatives.length ? { alternatives } : {}),
    ...(extra.capturePoints ? { capturePoints: extra.capturePoints } : {}),
    backend,
    partial: extra.partial,
    problems,
  };
}
