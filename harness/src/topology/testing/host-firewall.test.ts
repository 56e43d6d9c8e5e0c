import { describe, expect, it } from "vitest";
import { diffHostRules } from "./host-firewall.js";

const base = ["-A FORWARD -j DOCKER-USER", "-A DOCKER-USER -j RETURN"];

describe("host rule comparison", () => {
  it("reports a rule left about this run's bridge", () => {
    const after = new Set([...base, "-A FORWARD -i br-0123456789ab -j ACCEPT"]);
    const d = diffHostRules(new Set(base), after, ["br-0123456789ab"], []);
    expect(d.ours).toEqual(["-A FORWARD -i br-0123456789ab -j ACCEPT"]);
  });

  it("does not blame a run for Docker re-inserting its own FORWARD jump meanwhile", () => {
    const d = diffHostRules(new Set(base.slice(1)), new Set(base), [], []);
    expect(d.unexplained).toEqual([]);
  });

  it("flags a changed rule that belongs to no bridge and no backside subnet", () => {
    const d = diffHostRules(new Set(base), new Set([...base, "-A INPUT -s 192.0.2.7/32 -j DROP"]), [], []);
    expect(d.unexplained).toEqual(["-A INPUT -s 192.0.2.7/32 -j DROP"]);
  });
});
