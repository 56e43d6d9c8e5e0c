import { describe, expect, it } from "vitest";
import { isBacksideError } from "../errors.js";
import { parseScenario } from "./load-scenario.js";

function messageOf(text: string): string {
  try {
    parseScenario(text, "scenarios/a.yaml");
  } catch (e) {
    if (isBacksideError(e)) return e.message;
    throw e;
  }
  throw new Error("expected the file to be refused");
}

describe("YAML errors in a scenario file", () => {
  it("name a duplicated top-level key with its line, column and first line", () => {
    expect(messageOf("description: x\nexpect: healthy\nexpect: tcp.refused\n")).toBe(
      "scenarios/a.yaml:3:1: not valid YAML: key 'expect' appears twice in one mapping (first on line 2)",
    );
  });

  it("name a duplicated nested key at its own column", () => {
    const text =
      "description: x\nexpect: healthy\ngateway:\n  connectTimeoutSeconds: 3\n  connectTimeoutSeconds: 4\n";
    expect(messageOf(text)).toBe(
      "scenarios/a.yaml:5:3: not valid YAML: key 'connectTimeoutSeconds' appears twice in one mapping (first on line 4)",
    );
  });

  it("name a duplicated key in a flow mapping", () => {
    expect(messageOf("description: x\nexpect: healthy\nbackend: { mode: hang, mode: slow }\n")).toBe(
      "scenarios/a.yaml:3:24: not valid YAML: key 'mode' appears twice in one mapping (first on line 3)",
    );
  });

  it("give line and column for other syntax errors", () => {
    expect(messageOf("description: x\nexpect: healthy\n\tsteps: []\n")).toBe(
      "scenarios/a.yaml:3:1: not valid YAML: Tabs are not allowed as indentation",
    );
  });

  it("say how many more problems the file has after the first", () => {
    expect(messageOf("description: x\nexpect: healthy\nexpect: a\nexpect: b\n")).toBe(
      "scenarios/a.yaml:3:1: not valid YAML: key 'expect' appears twice in one mapping (first on line 2) (and 1 more)",
    );
  });
});
