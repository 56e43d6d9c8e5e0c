import { describe, expect, it } from "vitest";
import {
  interfacesFromIpJson,
  parseProcNetTcp,
  readNetwork,
  readTcpTable,
  routesFromIpJson,
} from "./system-state.js";

describe("system state", () => {
  it("reads /proc/net/tcp rows: little-endian addresses, hex ports, state names", () => {
    const text = [
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 0A01640A:9C40 0A02640A:0050 02 00000000:00000000 01:00000000 00000002     0        0 1 1 0 100 0 0 10 0",
      "   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0",
      "garbage",
    ].join("\n");
    expect(parseProcNetTcp(text, false)).toEqual([
      {
        localIP: "10.100.1.10",
        localPort: 40000,
        remoteIP: "10.100.2.10",
        remotePort: 80,
        state: "syn_sent",
      },
      { localIP: "127.0.0.1", localPort: 8080, remoteIP: "0.0.0.0", remotePort: 0, state: "listen" },
    ]);
  });

  it("reads /proc/net/tcp6 rows, including IPv4-mapped addresses", () => {
    const text = [
      "  sl  local_address                         remote_address                        st",
      "   0: 00000000000000000000000001000000:15B2 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 3 1",
      "   1: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000A02640A:0050 01 00000000:00000000 00:00000000 00000000 0 0 4 1",
    ].join("\n");
    expect(parseProcNetTcp(text, true)).toEqual([
      { localIP: "::1", localPort: 5554, remoteIP: "::", remotePort: 0, state: "listen" },
      {
        localIP: "127.0.0.1",
        localPort: 8080,
        remoteIP: "10.100.2.10",
        remotePort: 80,
        state: "established",
      },
    ]);
  });

  it("maps `ip -j` output to interface status and routes", () => {
    const addr = JSON.stringify([
      {
        ifname: "eth1",
        flags: ["BROADCAST", "UP"],
        mtu: 1500,
        operstate: "LOWERLAYERDOWN",
        address: "02:42:0a:64:01:0a",
        addr_info: [{ family: "inet", local: "10.100.1.10", prefixlen: 24 }],
        stats64: { rx: { packets: 5, errors: 1, dropped: 2 }, tx: { packets: 6, errors: 0, dropped: 3 } },
      },
    ]);
    expect(interfacesFromIpJson(addr)).toEqual([
      {
        name: "eth1",
        adminStatus: "up",
        operStatus: "lowerlayerdown",
        mac: "02:42:0a:64:01:0a",
        mtu: 1500,
        addresses: ["10.100.1.10/24"],
        rxPackets: 5,
        txPackets: 6,
        rxErrors: 1,
        txErrors: 0,
        rxDrops: 2,
        txDrops: 3,
      },
    ]);
    const routes = JSON.stringify([
      { dst: "default", gateway: "10.100.1.254", dev: "eth1" },
      { dst: "10.100.1.0/24", dev: "eth1", prefsrc: "10.100.1.10" },
      { type: "broadcast", dst: "x" },
    ]);
    expect(routesFromIpJson(routes, "inet")).toEqual([
      { destination: "default", family: "inet", gateway: "10.100.1.254", interface: "eth1" },
      { destination: "10.100.1.0/24", family: "inet", interface: "eth1", source: "10.100.1.10" },
    ]);
  });

  it("reads this machine's loopback interface and TCP table", async () => {
    const net = await readNetwork();
    expect(net.interfaces.find((i) => i.name === "lo")?.addresses).toContain("127.0.0.1/8");
    expect(Array.isArray(await readTcpTable())).toBe(true);
  });
});
