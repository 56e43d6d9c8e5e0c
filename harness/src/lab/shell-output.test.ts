import { describe, expect, it } from "vitest";
import {
  showDnsCache,
  showTcp,
  testTcpConnection,
  nslookupText,
  sendRequestText,
  pingText,
} from "./shell-output.js";
import { findCommand, helpText } from "./shell-commands.js";
import { runShellLine } from "./lab-shell.js";
import type { ShellIo } from "./shell-commands.js";

describe("lab shell output", () => {
  it("names a time-out, a refusal and a DNS failure of the TCP connection test apart", () => {
    const base = { host: "api.backside.test", port: 80, success: false, address: "10.0.2.10", ms: 3001 };
    expect(testTcpConnection({ ...base, kind: "connect-timeout", errno: "ETIMEDOUT" })).toBe(
      "TCP connection failed: api.backside.test:80 (10.0.2.10): connection timed out (ETIMEDOUT) after 3001 ms",
    );
    expect(testTcpConnection({ ...base, kind: "refused", errno: "ECONNREFUSED", ms: 2 })).toMatch(
      /: connection refused \(ECONNREFUSED\)/,
    );
    expect(testTcpConnection({ ...base, address: undefined, kind: "dns", errno: "NXDOMAIN" })).toBe(
      "TCP connection failed: cannot resolve api.backside.test (NXDOMAIN) after 3001 ms",
    );
    expect(testTcpConnection({ ...base, success: true, ms: 1 })).toBe(
      "TCP connection successful: api.backside.test:80 (10.0.2.10) in 1 ms",
    );
  });

  it("lists the DNS cache, negative entries included", () => {
    expect(showDnsCache([])).toBe("DNS cache is empty");
    expect(
      showDnsCache([
        { host: "api.backside.test", addresses: ["10.0.2.10"], ttlRemaining: 3590 },
        { host: "gone.test", addresses: [], ttlRemaining: 20, negative: "NXDOMAIN" },
      ]).split("\n"),
    ).toEqual([
      "host               address     TTL left (s)",
      "api.backside.test  10.0.2.10   3590",
      "gone.test          (NXDOMAIN)  20",
    ]);
  });

  it("leaves the shell's own loopback connections out of show tcp", () => {
    const t = showTcp([
      { localIP: "10.0.1.10", localPort: 40000, remoteIP: "10.0.2.10", remotePort: 80, state: "syn_sent" },
      {
        localIP: "127.0.0.1",
        localPort: 5554,
        remoteIP: "127.0.0.1",
        remotePort: 4000,
        state: "established",
      },
    ]);
    expect(t).toContain("10.0.1.10:40000  10.0.2.10:80  syn_sent");
    expect(t).not.toContain("5554");
    expect(t).toContain("(1 loopback management connection(s) not shown)");
  });

  it("words nslookup, ping and the client's request", () => {
    expect(
      nslookupText({ name: "a.test", server: "10.0.3.53", status: "NXDOMAIN", addresses: [], ms: 2 }),
    ).toBe("Server:  10.0.3.53\nName:    a.test\nStatus:  NXDOMAIN in 2 ms");
    expect(pingText({ host: "h", address: "10.0.2.10", transmitted: 6, received: 3, lines: [] })).toContain(
      "6 packets transmitted, 3 received, 50% packet loss",
    );
    expect(sendRequestText({ status: 0, exitCode: 28, seconds: 10 })).toBe(
      "no HTTP answer (curl exit 28: timed out) after 10.00 s",
    );
  });
});

describe("lab shell commands", () => {
  it("finds the longest command and its arguments", () => {
    expect(findCommand(["show", "dns-cache"])?.cmd.usage).toBe("show dns-cache");
    expect(findCommand(["show", "dns"])?.cmd.usage).toBe("show dns");
    expect(findCommand(["test", "tcp-connection", "h", "80"])?.args).toEqual(["h", "80"]);
    expect(findCommand(["show", "firewall"])).toBeUndefined();
    expect(helpText()).toContain("test tcp-connection HOST PORT [TIMEOUT]");
  });

  it("a wrong argument and an unknown command are one line, and the shell goes on", async () => {
    const io = { mgmt: {} as ShellIo["mgmt"], save: () => "" };
    expect(await runShellLine("test tcp-connection h 99999", io)).toBe("% PORT must be 1-65535");
    expect(await runShellLine("show firewall", io)).toBe("% Unknown command 'show firewall' (type help)");
    expect(await runShellLine("exit", io)).toBeUndefined();
  });

  it("bounds a command that does not come back", async () => {
    const never = new Promise<never>(() => undefined);
    const io: ShellIo = {
      mgmt: { json: () => never, text: () => never, bytes: () => never, sendRequest: () => never },
      save: () => "",
    };
    const cmd = findCommand(["show", "dns-cache"])!.cmd;
    const limit = cmd.limit;
    cmd.limit = () => 0.2;
    try {
      expect(await runShellLine("show dns-cache", io)).toMatch(/^% timed out after 200 ms/);
    } finally {
      cmd.limit = limit;
    }
  });
});
