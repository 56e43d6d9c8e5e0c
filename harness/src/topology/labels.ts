/** Labels on every container and network (ARCHITECTURE.md "Labels"); `clean` reads them. */
export const LABEL = {
  project: "backside.project",
  run: "backside.run",
  topology: "backside.topology",
  node: "backside.node",
  segment: "backside.segment",
  slot: "backside.slot",
  /** Owner process: host, pid and pid start time (see util/process-identity.ts). */
  host: "backside.host",
  pid: "backside.pid",
  pidStart: "backside.pidstart",
} as const;

export const PROJECT = "backside";

/** Docker label filter for one run, or for the whole project. */
export function labelFilter(runId?: string): { label: string[] } {
  const label = [`${LABEL.project}=${PROJECT}`];
  if (runId) label.push(`${LABEL.run}=${runId}`);
  return { label };
}

export function resourceName(runId: string, part: string): string {
  return `backside-${runId}-${part}`;
}
