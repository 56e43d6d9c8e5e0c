import { describe, expect, it } from "vitest";
import { renderBaseRuleset } from "./base-ruleset.js";
import { planFor } from "./plan.js";

describe("base ruleset", () => {
  it("drops by default and accepts only between the firewall's own segments", () => {
    const r = renderBaseRuleset(planFor(3));
    expect(r).toContain("policy drop;");
    expect(r).toContain(
      "ip saddr { 10.100.13.0/24, 10.100.14.0/24, 10.100.15.0/24 } ip daddr { 10.100.13.0/24, 10.100.14.0/24, 10.100.15.0/24 } accept",
    );
    // Docker's bridge addresses are the host: never forwarded to or from.
    expect(r).toContain("ip daddr { 10.100.13.1, 10.100.14.1, 10.100.15.1 } drop");
    expect(r).not.toContain("10.100.12."); // front is not routed
  });
});
