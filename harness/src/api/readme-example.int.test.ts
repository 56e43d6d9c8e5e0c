import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runScenario } from "../index.js";

// Our own scenario file, beside this test.
const scenario = fileURLToPath(new URL("./closed-port.yaml", import.meta.url));

describe("the gateway in front of our backend", () => {
  it("names a refused connect when the backend is down", { timeout: 180_000 }, async () => {
    // Containers are up only inside runScenario; `await using` removes the report folder too.
    await using run = await runScenario(scenario);
    expect(run.diagnosed).toBe("tcp.refused");
    expect(run.match).toBe(true);
    expect(run.result.evidence.length).toBeGreaterThan(0);
  });
});
