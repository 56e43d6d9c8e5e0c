/** `backside lab stop`: asks the `lab start` process to tear down, and waits until it has. */
import Docker from "dockerode";
import { existsSync } from "node:fs";
import { BacksideError } from "../../errors.js";
import { defaultStatePath, ownerAlive, readState, removeState, unseal } from "../../lab/live-state.js";
import { sweep } from "../../topology/index.js";
import { pollUntil } from "../../util/poll-until.js";
import { helpText, parseOptions, type OptionTable } from "../options.js";

export const options = {
  reveal: { type: "boolean", help: "print the answer of a --random lab" },
  state: { type: "string", metavar: "FILE", help: "the live lab's state file (as given to lab start)" },
} satisfies OptionTable;

export const help = helpText("usage: backside lab stop [--state FILE] [--reveal]", options);

export async function run(argv: string[]): Promise<number> {
  const a = parseOptions("lab stop", options, argv);
  if (a === "help") {
    process.stdout.write(help + "\n");
    return 0;
  }
  const statePath = a.values.state ?? defaultStatePath();
  const s = readState(statePath);
  if (!s) throw new BacksideError("NOT_FOUND", "no live lab is running", { hint: "nothing to stop" });
  if (ownerAlive(s)) {
    process.kill(s.owner.pid, "SIGTERM");
    // Done when the state is gone (removed after teardown) or its owner is (killed meanwhile).
    await pollUntil(async () => (existsSync(statePath) && ownerAlive(s) ? undefined : true), {
      timeoutMs: 90_000,
      intervalMs: 200,
      what: `the lab start process (pid ${s.owner.pid}) to tear down`,
    });
  }
  // Its owner is gone (stopped now, or killed earlier): whatever it left is removed here.
  const swept = await sweep(new Docker(), { runIds: [s.runId] });
  removeState(statePath);
  const sealed = a.values.reveal && s.sealed ? unseal(s.sealed) : undefined;
  process.stdout.write(
    `lab stop: stopped${swept.removed.length ? ` (${swept.removed.length} leftover(s) removed)` : ""}\n` +
      (sealed ? `lab stop: it was ${sealed.label} (scenario ${sealed.scenario})\n` : ""),
  );
  return 0;
}
