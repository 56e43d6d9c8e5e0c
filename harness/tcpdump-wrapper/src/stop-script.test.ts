import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { localExec } from "./local-target.js";
import { shellQuote } from "./shell-quote.js";
import { SUMMARY_MARK, stopScript } from "./stop-script.js";

const dir = mkdtempSync(join(tmpdir(), "stop-script-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A stand-in for tcpdump that answers SIGUSR1 as tcpdump does, with a count of `count` packets
 * ("1 packet captured" for one), and exits on SIGINT; started the way capture-script.ts starts
 * tcpdump (pid, tpid, err, rc, done beside each other).
 */
async function fakeTcpdump(name: string, count: number): Promise<string> {
  const base = join(dir, name);
  const noun = count === 1 ? "packet" : "packets";
  const answer = `tcpdump: ${count} ${noun} captured, ${count} ${noun} received by filter, 0 packets dropped by kernel`;
  // Node, not a shell: a background shell ignores SIGINT for good; Node's handler replaces that.
  const fake = [
    `require("fs").writeFileSync(${JSON.stringify(base + ".tpid")}, String(process.pid));`,
    `process.on("SIGUSR1", () => process.stderr.write(${JSON.stringify(answer + "\n")}));`,
    `process.on("SIGINT", () => process.exit(0));`,
    `process.stderr.write("listening on lo\\n");`,
    // Bounded: gone after 20 s even if a failed test never stops it.
    `setTimeout(() => process.exit(2), 20000);`,
  ].join(" ");
  const wrapper = `${shellQuote(process.execPath)} -e ${shellQuote(fake)} 2> ${base}.err & echo $! > ${base}.pid; wait $!; echo $? > ${base}.rc; touch ${base}.done`;
  await localExec(["/bin/sh", "-c", `(${wrapper}) </dev/null >/dev/null 2>&1 &`], { timeoutMs: 5_000 });
  for (let i = 0; i < 200; i++) {
    const r = await localExec(["/bin/sh", "-c", `test -s ${base}.tpid && grep -q listening ${base}.err`], {
      timeoutMs: 5_000,
    });
    if (r.exitCode === 0) return base;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("the fake tcpdump did not start");
}

describe("stop script", () => {
  it.each([1, 7])(
    "asks for the count until two answers agree, also when the count is %i (tcpdump's singular)",
    async (count) => {
      const base = await fakeTcpdump(`fake-${count}`, count);
      const t0 = Date.now();
      const r = await localExec(["/bin/sh", "-c", stopScript(base, 5_000)], { timeoutMs: 15_000 });
      const answers = readFileSync(`${base}.err`, "utf8").match(/captured, /g) ?? [];
      // Two answers that agree: the drain neither gave up on an answer it did not recognise
      // (waiting 2 s for it) nor asked more than it needed.
      expect(answers).toHaveLength(2);
      expect(Date.now() - t0).toBeLessThan(2_000);
      expect(r.stdout.startsWith(`stopped\n${SUMMARY_MARK}\n`)).toBe(true);
      expect(r.stdout).toContain("listening on lo");
      expect(r.stdout.trim().endsWith("rc=0")).toBe(true);
    },
  );
});
