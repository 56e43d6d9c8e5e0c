import { BacksideError } from "../../errors.js";
import type { Exec } from "./exec.js";
import type { FaultRuleInput } from "./fault-rule.js";
import { FAULT_FAMILY, FAULT_TABLE, renderClear, renderFaultTable } from "./render.js";

/** Feeds a script to `nft -f -` on the firewall node; nft applies it as one transaction or not at all. */
export async function apply(exec: Exec, script: string): Promise<void> {
  const r = await exec(["nft", "-f", "-"], script);
  if (r.exitCode !== 0) {
    throw new BacksideError(
      "RUNTIME",
      `nft -f failed (exit ${r.exitCode}): ${r.stderr.trim().split("\n")[0]}`,
      { details: { script, stderr: r.stderr } },
    );
  }
}

/** Replaces the fault table with these rules (an empty list leaves an empty fault chain). */
export function applyFaults(exec: Exec, rules: readonly FaultRuleInput[]): Promise<void> {
  return apply(exec, renderFaultTable(rules));
}

/** Deletes the fault table; the topology's base table is left as it is. */
export function clearFaults(exec: Exec): Promise<void> {
  return apply(exec, renderClear());
}

export interface FaultTableListing {
  present: boolean;
  /** Rule lines of the forward chain as nft prints them back. */
  rules: string[];
  /** The `backside:<kind>:<id>` comments, in order. */
  ids: string[];
  text: string;
}

/** Reads the fault table back from the kernel (what is really in force, not what was asked). */
export async function listRules(exec: Exec): Promise<FaultTableListing> {
  const r = await exec(["nft", "list", "table", FAULT_FAMILY, FAULT_TABLE]);
  if (r.exitCode !== 0) {
    if (/No such file or directory/.test(r.stderr)) return { present: false, rules: [], ids: [], text: "" };
    throw new BacksideError(
      "RUNTIME",
      `nft list failed (exit ${r.exitCode}): ${r.stderr.trim().split("\n")[0]}`,
    );
  }
  const rules = r.stdout
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^(table|chain|type) /.test(l) && l !== "}");
  const ids = rules.flatMap((l) => /comment "backside:([^"]+)"/.exec(l)?.[1] ?? []);
  return { present: true, rules, ids, text: r.stdout };
}
