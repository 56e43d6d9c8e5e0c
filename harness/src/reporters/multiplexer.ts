/**
 * Calls every reporter's hook in turn. A reporter that throws is logged once per hook call and
 * the others still run: one broken report never aborts a run or hides the other reports.
 */
import type { Reporter } from "./reporter.js";
import { oneLine } from "../errors.js";

type Hook = "onRunStart" | "onScenarioStart" | "onScenarioEnd" | "onRunEnd";
type Arg<H extends Hook> = Parameters<NonNullable<Reporter[H]>>[0];

export class ReporterMultiplexer implements Reporter {
  readonly name = "multiplexer";
  /** Failures seen, for the run's own record. */
  readonly failures: { reporter: string; hook: Hook; message: string }[] = [];

  constructor(
    private readonly reporters: readonly Reporter[],
    private readonly warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  ) {}

  private async call<H extends Hook>(hook: H, arg: Arg<H>): Promise<void> {
    for (const r of this.reporters) {
      const fn = r[hook] as ((a: Arg<H>) => void | Promise<void>) | undefined;
      if (!fn) continue;
      try {
        await fn.call(r, arg);
      } catch (e) {
        const message = oneLine(e);
        this.failures.push({ reporter: r.name, hook, message });
        this.warn(`reporter ${r.name} failed in ${hook}: ${message}`);
      }
    }
  }

  onRunStart(info: Arg<"onRunStart">) {
    return this.call("onRunStart", info);
  }
  onScenarioStart(info: Arg<"onScenarioStart">) {
    return this.call("onScenarioStart", info);
  }
  onScenarioEnd(result: Arg<"onScenarioEnd">) {
    return this.call("onScenarioEnd", result);
  }
  onRunEnd(summary: Arg<"onRunEnd">) {
    return this.call("onRunEnd", summary);
  }
}
