import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../control/json-log.js";
import { startControlServer, type StartedControlServer } from "../control/control-server.js";
import { Dns } from "./dns.js";
import { dnsControlRoutes } from "./dns-control.js";
import { dnsQuery } from "./dns-query.js";
import { startDnsServer, type DnsServer } from "./dns-server.js";

let server: DnsServer;
let control: StartedControlServer;
let port: number;
const host = "127.0.0.1";

beforeAll(async () => {
  server = await startDnsServer(
    {
      listen: { host, port: 0 },
      control: false,
      names: {
        "backend.test": Dns.records({ a: ["10.100.2.10"], aaaa: ["fd00::10"], ttl: 30 }),
        "alias.test": Dns.cname("backend.test", 300),
        "gone.test": Dns.nxdomain(),
        "broken.test": Dns.servfail(),
        "denied.test": Dns.refused(),
        "v6only.test": Dns.records({ aaaa: ["fd00::20"] }),
        "empty.test": Dns.nodata(),
        "quiet.test": Dns.silent(),
        "slow.test": Dns.slow(400, { a: ["10.100.2.10"] }),
        "big.test": Dns.truncate({ a: ["10.100.2.10", "10.100.2.11"] }),
        "moving.test": Dns.a("10.100.2.10", 60),
      },
    },
    silentLogger,
  );
  port = (await server.listen()).udp!.port;
  control = await startControlServer({ host, port: 0, routes: dnsControlRoutes(server, silentLogger) });
});
afterAll(async () => {
  await control?.close();
  await server?.close();
});

const ask = (
  name: string,
  o: { type?: "A" | "AAAA" | "CNAME"; transport?: "udp" | "tcp"; timeoutMs?: number } = {},
) => dnsQuery({ host, port, name, ...o });

describe("dns stand-in over real UDP and TCP sockets", () => {
  it.each(["udp", "tcp"] as const)(
    "answers A with its TTL, authoritative, NOERROR (RFC 1035 §4.1.1) over %s",
    async (transport) => {
      const r = await ask("backend.test", { transport });
      expect(r.rcode).toBe(0);
      expect(r.aa).toBe(true);
      expect(r.tc).toBe(false);
      expect(r.packet.answers.map((a) => [a.type, a.address, a.ttl])).toEqual([[1, "10.100.2.10", 30]]);
    },
  );

  it("answers AAAA for the same name", async () => {
    const r = await ask("BACKEND.test.", { type: "AAAA" });
    expect(r.packet.answers.map((a) => a.address)).toEqual(["fd00::10"]);
  });

  it("follows a CNAME to the target's A record, each with its own TTL (RFC 2181 §10.1.1)", async () => {
    const r = await ask("alias.test");
    expect(r.packet.answers.map((a) => [a.type, a.ttl])).toEqual([
      [5, 300],
      [1, 30],
    ]);
  });

  it.each([
    ["gone.test", 3, "NXDOMAIN"],
    ["broken.test", 2, "SERVFAIL"],
    ["denied.test", 5, "REFUSED"],
    ["not-in-zone.test", 3, "NXDOMAIN for unknown names"],
  ])("%s gets rcode %i (%s) in the header bytes", async (name, rcode) => {
    for (const transport of ["udp", "tcp"] as const) {
      const r = await ask(name, { transport });
      expect(r.bytes[3] & 0x0f).toBe(rcode);
      expect(r.ancount).toBe(0);
    }
  });

  it("NXDOMAIN carries an SOA in the authority section for negative caching (RFC 2308 §3)", async () => {
    const r = await ask("gone.test");
    expect(r.nscount).toBe(1);
    expect(r.packet.authorities[0].type).toBe(6);
  });

  it("nodata: NOERROR with no answer (RFC 2308 §2.2), also for a name with only AAAA asked for A", async () => {
    for (const name of ["empty.test", "v6only.test"]) {
      const r = await ask(name);
      expect(r.rcode).toBe(0);
      expect(r.ancount).toBe(0);
      expect(r.nscount).toBe(1);
    }
  });

  it("silent: no answer at all, the client's bounded wait runs out", async () => {
    await expect(ask("quiet.test", { timeoutMs: 300 })).rejects.toMatchObject({ code: "TIMEOUT" });
    await expect(ask("quiet.test", { transport: "tcp", timeoutMs: 300 })).rejects.toMatchObject({
      code: "TIMEOUT",
    });
    expect(
      server.queries.since().filter((q) => q.name === "quiet.test" && q.rcode === undefined),
    ).toHaveLength(2);
  });

  it("slow: the answer comes after the configured delay", async () => {
    const r = await ask("slow.test", { timeoutMs: 3000 });
    expect(r.rcode).toBe(0);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(390);
  });

  it("truncate: TC bit and no answer over UDP, the full answer over TCP (RFC 7766 §5)", async () => {
    const u = await ask("big.test");
    expect(u.bytes[2] & 0x02).toBe(0x02);
    expect(u.ancount).toBe(0);
    const t = await ask("big.test", { transport: "tcp" });
    expect(t.tc).toBe(false);
    expect(t.packet.answers.map((a) => a.address)).toEqual(["10.100.2.10", "10.100.2.11"]);
  });

  it("a mode flip through the control API changes the next answer (the record moves mid-run)", async () => {
    const base = `http://${host}:${control.address.port}`;
    expect((await ask("moving.test")).packet.answers[0].address).toBe("10.100.2.10");
    const put = await fetch(`${base}/names/moving.test`, {
      method: "PUT",
      body: JSON.stringify(Dns.moved("10.100.2.99", ["10.100.2.10"])),
    });
    expect(put.status).toBe(200);
    expect((await ask("moving.test")).packet.answers[0].address).toBe("10.100.2.99");
    await fetch(`${base}/names/moving.test`, { method: "PUT", body: JSON.stringify(Dns.servfail()) });
    expect((await ask("moving.test")).rcode).toBe(2);
    const zone = (await (await fetch(`${base}/zone`)).json()) as Record<string, { mode: string }>;
    expect(zone["moving.test"].mode).toBe("servfail");
    const log = (await (await fetch(`${base}/queries`)).json()) as { name: string; mode: string }[];
    expect(log.filter((q) => q.name === "moving.test").map((q) => q.mode)).toEqual([
      "normal",
      "moved",
      "servfail",
    ]);
  });

  it("the control API rejects a bad entry with 400 naming the field", async () => {
    const res = await fetch(`http://${host}:${control.address.port}/names/x.test`, {
      method: "PUT",
      body: JSON.stringify({ mode: "normal", a: ["not-an-ip"] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/a\[0\].*IPv4/);
  });
});
