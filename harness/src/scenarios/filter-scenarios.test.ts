import { describe, expect, it } from "vitest";
import { isBacksideError } from "../errors.js";
import { emptySelectionError, filterScenarios } from "./filter-scenarios.js";
import type { Scenario } from "./schema.js";

const s = (name: string, tags: string[]) => ({ name, tags }) as unknown as Scenario;
const list = [
  s("dns-nxdomain", ["dns"]),
  s("dns-slow", ["variant", "dns"]),
  s("tcp-refused", ["tcp"]),
  s("healthy", []),
];
const names = (l: Scenario[]) => l.map((x) => x.name);

describe("--tag and --grep", () => {
  it("--tag keeps scenarios with any of the tags", () => {
    expect(names(filterScenarios(list, { tags: ["tcp"] }))).toEqual(["tcp-refused"]);
    expect(names(filterScenarios(list, { tags: ["tcp", "variant"] }))).toEqual(["dns-slow", "tcp-refused"]);
  });

  it("--grep is a regular expression on the name; with --tag both must hold", () => {
    expect(names(filterScenarios(list, { grep: "^dns-" }))).toEqual(["dns-nxdomain", "dns-slow"]);
    expect(names(filterScenarios(list, { grep: "slow|refused" }))).toEqual(["dns-slow", "tcp-refused"]);
    expect(names(filterScenarios(list, { grep: "^dns-", tags: ["variant"] }))).toEqual(["dns-slow"]);
    expect(names(filterScenarios(list, {}))).toEqual(names(list));
  });

  it("a pattern that is no regular expression is a usage error naming --grep", () => {
    try {
      filterScenarios(list, { grep: "(" });
      expect.unreachable();
    } catch (e) {
      expect(isBacksideError(e) && e.code).toBe("USAGE");
      expect((e as Error).message).toMatch(/^run: --grep '\(' is not a regular expression: /);
    }
  });

  it("an empty selection says what was asked and which tags there are", () => {
    const e = emptySelectionError(list, { tags: ["tls"], grep: "x" });
    expect(e.code).toBe("USAGE");
    expect(e.message).toBe("run: no scenario matches --tag tls --grep 'x'");
    expect(e.hint).toMatch(/tags in the catalogue: dns, tcp, variant/);
  });
});
