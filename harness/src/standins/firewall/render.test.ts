import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { spawnExec } from "./exec.js";
import { Fault } from "./fault.js";
import type { FaultRuleInput } from "./fault-rule.js";
import { renderClear, renderFaultTable } from "./render.js";

const backend = { host: "10.100.2.10", port: 443 };

const every: FaultRuleInput[] = [
  Fault.allow({ host: "10.100.2.10", port: 80 }),
  Fault.drop(backend),
  Fault.drop(backend, "from"),
  Fault.drop({ host: "10.100.2.0/24" }),
  Fault.resetTcp(backend),
  Fault.rejectIcmp(backend, "port-unreachable"),
  Fault.rejectIcmp(backend, "host-unreachable"),
  Fault.rejectIcmp(backend, "net-unreachable"),
  Fault.rejectIcmp(backend, "admin-prohibited"),
  Fault.rejectIcmp(backend, "host-prohibited"),
  Fault.rejectIcmp(backend, "net-prohibited"),
  Fault.rejectIcmp({ host: "fd00::10", port: 443 }, "host-unreachable"),
  Fault.dropReturn(backend),
  Fault.dropReturn(backend, false),
  Fault.loss(backend, 30),
  Fault.loss(backend, 100),
  Fault.rateLimit(backend, 10, 2),
  Fault.rateLimit(backend, 1, 3, true),
  Fault.dropDns("10.100.3.53"),
  { kind: "drop", match: { iif: "eth1", oif: "eth2", proto: "udp", dport: [1000, 2000] } },
];

describe("nft rendering of faults", () => {
  it("replaces the fault table atomically at a priority before the base filter chain", () => {
    const s = renderFaultTable([Fault.drop(backend)]);
    expect(s.split("\n").slice(0, 3)).toEqual([
      "table inet backside_faults",
      "delete table inet backside_faults",
      "table inet backside_faults {",
    ]);
    expect(s).toContain("type filter hook forward priority filter - 10; policy accept;");
    expect(s).toContain('ip daddr 10.100.2.10 meta l4proto tcp th dport 443 drop comment "backside:drop:f0"');
  });

  it("renders each kind to the nft statement that produces the failure", () => {
    const s = renderFaultTable(every);
    expect(s).toContain("reject with tcp reset");
    expect(s).toContain(
      "meta nfproto ipv4 ip daddr 10.100.2.10 meta l4proto tcp th dport 443 reject with icmp type host-prohibited",
    );
    expect(s).toContain("reject with icmpv6 type addr-unreachable");
    // The return path: the backend's SYN-ACKs, source and destination swapped.
    expect(s).toContain(
      "ip saddr 10.100.2.10 meta l4proto tcp th sport 443 tcp flags & (syn | ack) == syn | ack drop",
    );
    expect(s).toContain("numgen random mod 100 < 30 drop");
    // nft takes numgen values 0-99 only: 100 % is a plain drop.
    expect(s).toMatch(/th dport 443 drop comment "backside:loss:f15"/);
    expect(s).toContain("th dport 443 limit rate over 10/second burst 2 packets counter drop");
    expect(s).toContain("th dport 443 ct state new limit rate over 1/second burst 3 packets counter drop");
    expect(s).toContain("meta l4proto { tcp, udp } th dport 53 drop");
    expect(s).toContain('iifname "eth1" oifname "eth2" meta l4proto udp th dport 1000-2000 drop');
  });

  it("rejects input that would not be safe in a script, naming the field", () => {
    expect(() =>
      renderFaultTable([{ kind: "drop", match: { daddr: "10.0.0.1; flush ruleset" } }]),
    ).toThrowError(/faults\[0\].*match\.daddr/);
    expect(() => renderFaultTable([{ kind: "loss", match: {}, percent: 101 }])).toThrowError(/percent/);
    expect(() => renderFaultTable([{ kind: "loss", match: {}, percent: 0 }])).toThrowError(/percent/);
    expect(() => renderFaultTable([{ kind: "drop", match: { iif: 'eth0" accept' } }])).toThrowError(/iif/);
  });

  it("clearing deletes only the fault table", () => {
    expect(renderClear()).toBe("table inet backside_faults\ndelete table inet backside_faults\n");
  });

  const unshare = (() => {
    try {
      execFileSync("unshare", ["-n", "nft", "list", "ruleset"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!unshare)(
    "the kernel accepts every rendered rule (nft -c in a throw-away network namespace)",
    async () => {
      const exec = spawnExec(["unshare", "-n"]);
      const r = await exec(["nft", "-c", "-f", "-"], renderFaultTable(every));
      expect(r.stderr).toBe("");
      expect(r.exitCode).toBe(0);
      expect((await exec(["nft", "-c", "-f", "-"], renderClear())).exitCode).toBe(0);
    },
  );
});
