/**
 * Test helper: the host's iptables rules, to prove a run leaves nothing behind. Other runs on
 * this machine add and remove their own bridges' rules meanwhile, so a comparison ignores
 * lines about other bridges and only insists that nothing mentions this run's bridges or subnets.
 */
import { execFileSync } from "node:child_process";

export function iptablesLines(): Set<string> {
  const out = execFileSync("iptables-save", { encoding: "utf8" });
  return new Set(
    out
      .split("\n")
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => l.replace(/\[\d+:\d+\]/g, "[0:0]")),
  );
}

export interface HostDiff {
  /** Lines that mention this run's bridges or subnets (must be empty after teardown). */
  ours: string[];
  /** Added or removed lines that are not about some Docker bridge or a backside subnet. */
  unexplained: string[];
}

export function diffHostRules(
  before: Set<string>,
  after: Set<string>,
  bridges: string[],
  subnets: string[],
): HostDiff {
  const mentionsOurs = (l: string) =>
    bridges.some((b) => l.includes(b)) || subnets.some((s) => l.includes(s));
  const otherRun = (l: string) => /br-[0-9a-f]{12}/.test(l) || /10\.10[0-3]\.\d+\.0\/24/.test(l);
  // Docker deletes and re-inserts its own jumps (FORWARD -> DOCKER-USER, ...) whenever any
  // network is created, so a snapshot taken while another run starts may miss one for a moment.
  const dockersOwn = (l: string) =>
    /^(-A FORWARD -j DOCKER[A-Z0-9-]*|:DOCKER[A-Z0-9-]* .*|-N DOCKER[A-Z0-9-]*)$/.test(l);
  const changed = [...after].filter((l) => !before.has(l)).concat([...before].filter((l) => !after.has(l)));
  return {
    ours: [...after].filter(mentionsOurs),
    unexplained: changed.filter((l) => !mentionsOurs(l) && !otherRun(l) && !dockersOwn(l)),
  };
}
