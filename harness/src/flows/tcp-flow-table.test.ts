import { describe, expect, it } from "vitest";
import { ipv4Number, TcpFlowTable, type FlowSlot } from "./tcp-flow-table.js";

const slot = (name: string): FlowSlot & { name: string } => ({
  name,
  capture: 0,
  lo: 0,
  hi: 0,
  ports: 0,
  text: null,
  at: 0,
});
const n = ipv4Number;

describe("TcpFlowTable", () => {
  it("finds a flow from either direction, per capture, IPv4 and IPv6 alike", () => {
    const t = new TcpFlowTable<ReturnType<typeof slot>>();
    t.set(0, "10.0.0.1", n("10.0.0.1"), 40000, "10.0.0.2", n("10.0.0.2"), 80, slot("a"));
    t.set(1, "10.0.0.1", n("10.0.0.1"), 40000, "10.0.0.2", n("10.0.0.2"), 80, slot("b"));
    t.set(0, "fd00::1", -1, 40000, "fd00::2", -1, 80, slot("v6"));
    expect(t.get(0, "10.0.0.2", n("10.0.0.2"), 80, "10.0.0.1", n("10.0.0.1"), 40000)?.name).toBe("a");
    expect(t.get(1, "10.0.0.1", n("10.0.0.1"), 40000, "10.0.0.2", n("10.0.0.2"), 80)?.name).toBe("b");
    expect(t.get(0, "fd00::2", -1, 80, "fd00::1", -1, 40000)?.name).toBe("v6");
    // Same addresses, other ports: another flow.
    expect(t.get(0, "10.0.0.1", n("10.0.0.1"), 40001, "10.0.0.2", n("10.0.0.2"), 80)).toBeUndefined();
    expect(t.size).toBe(3);
  });

  it("deletes what it picked and keeps its size", () => {
    const t = new TcpFlowTable<ReturnType<typeof slot>>();
    for (let i = 0; i < 50; i++)
      t.set(0, "10.0.0.1", n("10.0.0.1"), 1000 + i, "10.0.0.2", n("10.0.0.2"), 80, slot(`c${i}`));
    for (const e of t.pick((x) => Number(x.name.slice(1)) % 2 === 0)) t.delete(e);
    expect(t.size).toBe(25);
    expect(t.pick(() => true).map((e) => e.name)).toHaveLength(25);
    expect(t.get(0, "10.0.0.1", n("10.0.0.1"), 1000, "10.0.0.2", n("10.0.0.2"), 80)).toBeUndefined();
    expect(t.get(0, "10.0.0.1", n("10.0.0.1"), 1001, "10.0.0.2", n("10.0.0.2"), 80)?.name).toBe("c1");
  });

  it("keeps every flow findable through growth and churn (deletion shifts probe runs back)", () => {
    const t = new TcpFlowTable<ReturnType<typeof slot>>();
    const live = new Map<number, ReturnType<typeof slot>>();
    const add = (i: number) => {
      const e = slot(`c${i}`);
      t.set(i % 3, "10.0.0.1", n("10.0.0.1"), i & 0xffff, "192.168.1.2", n("192.168.1.2"), 443, e);
      live.set(i, e);
    };
    for (let i = 0; i < 20_000; i++) {
      add(i);
      if (i % 3 === 0) {
        const k = (i * 7919) % (i + 1);
        const e = live.get(k);
        if (e) {
          t.delete(e);
          live.delete(k);
        }
      }
    }
    expect(t.size).toBe(live.size);
    expect(new Set(t.pick(() => true))).toEqual(new Set(live.values()));
    for (const [i, e] of live)
      expect(t.get(i % 3, "192.168.1.2", n("192.168.1.2"), 443, "10.0.0.1", n("10.0.0.1"), i & 0xffff)).toBe(
        e,
      );
  });

  it("reads dotted IPv4 text as a number and rejects anything else", () => {
    expect(ipv4Number("10.1.2.3")).toBe(10 * 2 ** 24 + 1 * 2 ** 16 + 2 * 256 + 3);
    expect(ipv4Number("255.255.255.255")).toBe(2 ** 32 - 1);
    for (const bad of ["fd00::1", "10.1.2", "10.1.2.256", "a.b.c.d", "1.2.3.4.5"])
      expect(ipv4Number(bad)).toBe(-1);
  });
});
