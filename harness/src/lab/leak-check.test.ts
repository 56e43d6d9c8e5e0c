import { describe, expect, it } from "vitest";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildMultipart } from "../appliance/mime-multipart.js";
import { findLeaks } from "./leak-check.js";

function folder(): string {
  const d = mkdtempSync(join(tmpdir(), "leak-"));
  mkdirSync(join(d, "case-01"));
  return d;
}

describe("findLeaks", () => {
  it("finds nothing in neutral files", () => {
    const d = folder();
    writeFileSync(join(d, "case-01", "gateway.log"), "Failed to establish a backside connection\n");
    expect(findLeaks(d, ["tcp.refused", "tcp-silent-drop"])).toEqual([]);
  });

  it("finds a label in a file's name, case-insensitively", () => {
    const d = folder();
    writeFileSync(join(d, "case-01", "TCP-Silent-Drop.txt"), "x");
    expect(findLeaks(d, ["tcp-silent-drop"])).toEqual([
      { file: "case-01/TCP-Silent-Drop.txt", needle: "tcp-silent-drop", where: "file name" },
    ]);
  });

  it("finds an nft comment inside a base64 part of an error report", () => {
    const d = folder();
    const report = buildMultipart({
      boundary: "----dp000000000001",
      headers: {},
      preamble: "DataPower Error Report for domain default",
      parts: [
        {
          id: "NetworkInfo@datapower.ibm.com",
          contentType: "text/plain",
          body: 'drop comment "backside:drop:f0"',
        },
      ],
    });
    expect(report).not.toContain("backside:drop");
    writeFileSync(join(d, "case-01", "error-report.txt"), report);
    const leaks = findLeaks(d, ["backside:"]);
    expect(leaks.map((l) => l.where)).toEqual(["part NetworkInfo@datapower.ibm.com"]);
  });

  it("finds a scenario name in gzipped content", () => {
    const d = folder();
    writeFileSync(join(d, "case-01", "error-report.txt.gz"), gzipSync("mode dns-nxdomain here"));
    expect(findLeaks(d, ["dns-nxdomain"]).map((l) => l.where)).toEqual(["gunzipped"]);
  });

  it("finds bytes inside a binary capture", () => {
    const d = folder();
    writeFileSync(
      join(d, "case-01", "gateway-mid.pcap"),
      Buffer.concat([Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 0]), Buffer.from("healthy")]),
    );
    expect(findLeaks(d, ["healthy"]).map((l) => l.file)).toEqual(["case-01/gateway-mid.pcap"]);
  });
});
