import { describe, expect, it } from "vitest";
import { EVENTS, decodeCode, eventByCode, renderText } from "./event-catalog.js";
import { formatLogLine, parseLogLine } from "./log-line.js";
import { parseLog } from "./log-reader.js";

// Every public example line of DOMAIN.md §2, verbatim.
const PUBLIC = [
  "Wed Mar 22 2017 22:31:49 [0x01130006][mpgw][error] mpgw(TEST_MPGW): tid(38886775)[error][9.xx.xx.xx]: Failed to establish a backside connection",
  "20161202T183348.225Z [APIMgmt_848CDBBB62][0x80e00126][mpgw][error] mpgw(webapi-internal): tid(2097) gtid(2097): Valid backside connection could not be established: Failed to establish a backside connection, url: https://analytics-lb/x2020/v1/events/logevent",
  "20180815T125529.165Z [apiconnect][0x80e0003e][network][error] xmlmgr(webapi): tid(17680)[scheduled]: url-open: Cannot create connection to 'local:///ext/gateway-properties.xml'",
  "20200505T203853.858Z [0x00350014][mgmt][notice] mpgw(empty-mpgw): tid(111): Operational state up",
  "Wed Apr 07 2010 08:36:09 [mpgw][error] mpgw(test): tid(2899): Network Error on Back interface",
  "Wed Mar 22 2017 22:31:49 <0x01130006>[mpgw][error] mpgw(TEST_MPGW): tid(38886775)[error]<9.xx.xx.xx>: Failed to establish a backside connection",
];

describe("parseLogLine", () => {
  it("parses the legacy timestamp with code, txn type and masked client address", () => {
    const e = parseLogLine(PUBLIC[0])!;
    expect(e).toMatchObject({
      code: "0x01130006",
      category: "mpgw",
      level: "error",
      objectType: "mpgw",
      objectName: "TEST_MPGW",
      tid: 38886775,
      txnType: "error",
      clientIp: "9.xx.xx.xx",
      message: "Failed to establish a backside connection",
    });
    expect(e.domain).toBeUndefined();
    expect(new Date(e.time).toISOString()).toBe("2017-03-22T22:31:49.000Z");
  });
  it("parses a zulu line with domain and gtid", () => {
    const e = parseLogLine(PUBLIC[1])!;
    expect(e).toMatchObject({
      domain: "APIMgmt_848CDBBB62",
      code: "0x80e00126",
      tid: 2097,
      gtid: 2097,
      objectName: "webapi-internal",
    });
    expect(e.message).toMatch(/url: https:\/\/analytics-lb/);
    expect(new Date(e.time).toISOString()).toBe("2016-12-02T18:33:48.225Z");
  });
  it("reads a non-address bracket after tid as the transaction type", () => {
    expect(parseLogLine(PUBLIC[2])).toMatchObject({
      domain: "apiconnect",
      txnType: "scheduled",
      objectType: "xmlmgr",
      category: "network",
    });
    expect(parseLogLine(PUBLIC[2])!.clientIp).toBeUndefined();
  });
  it("parses lines without domain, and without code", () => {
    expect(parseLogLine(PUBLIC[3])).toMatchObject({
      code: "0x00350014",
      category: "mgmt",
      level: "notice",
      tid: 111,
    });
    const e = parseLogLine(PUBLIC[4])!;
    expect(e.code).toBeUndefined();
    expect(e).toMatchObject({
      category: "mpgw",
      level: "error",
      objectName: "test",
      message: "Network Error on Back interface",
    });
  });
  it("accepts angle brackets in place of square ones", () => {
    expect(parseLogLine(PUBLIC[5])).toMatchObject({
      code: "0x01130006",
      clientIp: "9.xx.xx.xx",
      txnType: "error",
    });
  });
  it("rejects an unknown level", () => {
    expect(parseLogLine("20200505T203853.858Z [mgmt][loud] mpgw(x): tid(1): hi")).toBeUndefined();
  });
});

describe("formatLogLine", () => {
  it("round-trips through the parser with every optional part", () => {
    const t = Date.UTC(2017, 2, 22, 22, 31, 49, 165);
    const line = formatLogLine({
      time: t,
      domain: "default",
      code: "0x01130006",
      category: "mpgw",
      level: "error",
      objectType: "mpgw",
      objectName: "TEST_MPGW",
      tid: 38886775,
      clientIp: "10.0.1.5",
      gtid: 38886775,
      message: "Failed to establish a backside connection",
    });
    expect(line).toBe(
      "20170322T223149.165Z [default][0x01130006][mpgw][error] mpgw(TEST_MPGW): tid(38886775)[10.0.1.5] gtid(38886775): Failed to establish a backside connection",
    );
    expect(parseLogLine(line)).toMatchObject({
      time: t,
      domain: "default",
      clientIp: "10.0.1.5",
      gtid: 38886775,
    });
  });
  it("writes the legacy style and flattens newlines in the message", () => {
    const line = formatLogLine(
      {
        time: Date.UTC(2010, 3, 7, 8, 36, 9),
        category: "mpgw",
        level: "error",
        objectType: "mpgw",
        objectName: "test",
        tid: 2899,
        message: "a\nb",
      },
      { style: "legacy" },
    );
    expect(line).toBe("Wed Apr 07 2010 08:36:09 [mpgw][error] mpgw(test): tid(2899): a b");
  });
});

describe("parseLog", () => {
  it("parses every public example and keeps line numbers", () => {
    const log = parseLog(PUBLIC.join("\n") + "\n");
    expect(log.entries.map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(log.unknown).toEqual([]);
    expect(log.problems).toEqual([]);
  });
  it("reads CRLF line ends and a leading byte-order mark", () => {
    const log = parseLog("\ufeff" + PUBLIC.slice(0, 2).join("\r\n") + "\r\n");
    expect(log.entries).toHaveLength(2);
    expect(log.entries[1].message).toMatch(/logevent$/);
  });
  it("keeps garbage, binary and enormous lines as unknown without throwing", () => {
    const text = [
      PUBLIC[3],
      "not a log line",
      "\u0000\u0001\u0002binary\u00ff",
      "x".repeat(200_000),
      PUBLIC[4],
    ].join("\n");
    const log = parseLog(text);
    expect(log.entries).toHaveLength(2);
    expect(log.unknown.map((u) => u.line)).toEqual([2, 3, 4]);
    expect(log.unknown[2].text.length).toBeLessThanOrEqual(512);
    expect(log.problems.map((p) => p.where)).toEqual(["line 3", "line 4"]);
  });
});

describe("event catalog", () => {
  it("keeps every code unique and in the result-code layout", () => {
    const codes = Object.values(EVENTS).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(decodeCode(c)).toBeDefined();
    expect(decodeCode("0x01130006")).toEqual({ logMessage: false, eventClass: 0x11, severity: 3, num: 6 });
  });
  it("gives our own codes the severity of their level", () => {
    for (const e of Object.values(EVENTS).filter((x) => !x.public)) {
      const sev = ["emerg", "alert", "critic", "error", "warn", "notice", "info", "debug"].indexOf(e.level);
      expect(decodeCode(e.code)!.severity).toBe(sev);
    }
  });
  it("finds events by code and renders templates", () => {
    expect(eventByCode("0x01130006")?.name).toBe("backsideFailed");
    expect(renderText(EVENTS.connectRefused.text, { address: "127.0.0.1", port: 9 })).toBe(
      "Connection refused by 127.0.0.1:9 (ECONNREFUSED)",
    );
  });
});

describe("parseLogLine on hostile lines", () => {
  // 4-8 s each with the old client-address pattern `[0-9a-f:.]*:[0-9a-f:.]*` (quadratic).
  it("a tid bracket of 60,000 colons that is not an address takes linear time", () => {
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) {
      const e = parseLogLine(
        `20170322T223149.165Z [mpgw][error] mpgw(x): tid(1)[${":".repeat(60_000)}g]: hello`,
      );
      expect(e?.clientIp).toBeUndefined();
    }
    expect(performance.now() - t0).toBeLessThan(1500);
  });
  it("still reads IPv6 and masked client addresses", () => {
    const at = (b: string) =>
      parseLogLine(`20170322T223149.165Z [mpgw][error] mpgw(x): tid(1)[request][${b}]: hello`)?.clientIp;
    expect(at("fe80::1")).toBe("fe80::1");
    expect(at("9.xx.xx.xx")).toBe("9.xx.xx.xx");
    expect(at("not-an-address")).toBeUndefined();
  });
});
