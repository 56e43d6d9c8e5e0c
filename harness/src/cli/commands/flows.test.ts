import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CaptureBuilder } from "../../pcap/testing/packets.js";
import { run } from "./flows.js";

const dir = mkdtempSync(path.join(tmpdir(), "backside-flows-cli-"));

describe("backside flows", () => {
  it("prints a capture's flows and exits 0", async () => {
    const cap = new CaptureBuilder();
    cap.tcp({ client: "10.0.0.1", server: "10.0.0.2", cport: 1234, sport: 80 }).syn().refuse();
    const f = cap.write(path.join(dir, "a.pcap"));
    let out = "";
    const write = process.stdout.write;
    process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
    try {
      expect(await run(["--pcap", f, "--format", "json"])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const doc = JSON.parse(out);
    expect(doc.schema).toBe("backside.flows.v1");
    expect(doc.tcp).toHaveLength(1);
    for (const k of ["dns", "icmp", "arp", "tls", "problems"]) expect(Array.isArray(doc[k]), k).toBe(true);
  });
  it("without --pcap is a USAGE error (exit 2)", async () => {
    await expect(run([])).rejects.toMatchObject({ code: "USAGE", exitCode: 2 });
  });
  it("--pcap= with no file is a USAGE error (exit 2), as for diagnose", async () => {
    await expect(run(["--pcap="])).rejects.toMatchObject({ code: "USAGE", exitCode: 2 });
  });
  it("an unknown format names the option", async () => {
    await expect(run(["--pcap", "x", "--format", "xml"])).rejects.toThrow(/--format must be text or json/);
  });
  it("a file that is not a capture is BAD_ARTIFACT (exit 3)", async () => {
    const f = path.join(dir, "notes.txt");
    writeFileSync(f, "not a capture");
    await expect(run(["--pcap", f])).rejects.toMatchObject({ code: "BAD_ARTIFACT", exitCode: 3 });
  });
});
