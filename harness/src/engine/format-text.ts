/** The Diagnosis for a person: cause, confidence, explanation, numbered evidence, next steps. */
import type { Diagnosis, Evidence, EvidencePlace } from "./types.js";

/** Every place of a grouped item, `; `-separated. */
function where(e: Evidence): string {
  return (e.places?.length ? e.places : [e]).map(place).join("; ");
}

function place(e: EvidencePlace): string {
  if (e.packets?.length)
    return `${e.source} packet${e.packets.length > 1 ? "s" : ""} ${e.packets.join(", ")}${e.times?.[0] ? ` at ${e.times[0]}` : ""}`;
  if (e.lines?.length) return `${e.source} line${e.lines.length > 1 ? "s" : ""} ${e.lines.join(", ")}`;
  if (e.part) return `${e.source} part ${e.part}`;
  return e.source;
}

export function formatDiagnosisText(d: Diagnosis): string {
  const out: string[] = [];
  out.push(`cause:       ${d.cause}${d.partial ? "  (partial: some input was incomplete)" : ""}`);
  out.push(`confidence:  ${d.confidence}`);
  out.push(`title:       ${d.title}`);
  if (d.backend && (d.backend.host || d.backend.addresses.length)) {
    const addr = d.backend.addresses.length ? ` (${d.backend.addresses.join(", ")})` : "";
    out.push(
      `backend:     ${d.backend.host ?? ""}${addr}${d.backend.port ? ` port ${d.backend.port}` : ""}`.trimEnd(),
    );
  }
  out.push("", d.explanation);
  if (d.capturePoints) {
    out.push("", "capture points (along the path, closest to the gateway first):");
    for (const p of d.capturePoints.order)
      out.push(
        `  - ${p.source}: ${p.sawSyn ? `SYN seen${p.synTtl !== null ? ` (TTL ${p.synTtl})` : ""}` : "SYN not seen"}${p.sawAnswer ? ", answer seen" : ""}`,
      );
  }
  if (d.evidence.length) {
    out.push("", "evidence:");
    d.evidence.forEach((e, i) => out.push(`  ${i + 1}. ${e.statement}`, `     [${where(e)}]`));
  }
  if (d.alternatives?.length) {
    out.push("", "also possible:");
    for (const a of d.alternatives) out.push(`  - ${a.cause}: ${a.why}`);
  }
  out.push("", "next steps:");
  d.nextSteps.forEach((s, i) => out.push(`  ${i + 1}. ${s}`));
  if (d.problems.length) {
    out.push("", "problems with the input:");
    for (const p of d.problems) out.push(`  - ${p}`);
  }
  return out.join("\n") + "\n";
}
