import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { BacksideError } from "../errors.js";
import { capturePackets, readCapture } from "./reader.js";
import { PcapngBuilder } from "./testing/pcapng.js";
import { tcpFrame, ipPacketOf } from "./testing/packets.js";
import type { RawPacket } from "./types.js";
import { LINKTYPE, writePcap } from "./writer.js";

const dir = mkdtempSync(path.join(tmpdir(), "backside-pcap-"));
const frame = (i: number) =>
  tcpFrame({ src: "10.0.0.1", dst: "10.0.0.2", sport: 1000 + i, dport: 80, flags: "S" });

async function collect(src: Parameters<typeof readCapture>[0]) {
  const pkts: RawPacket[] = [];
  const r = await readCapture(src, (p) => pkts.push({ ...p, data: Buffer.from(p.data) }));
  return { pkts, ...r };
}

describe("classic pcap", () => {
  it("reads little-endian microsecond files with exact timestamps", async () => {
    const f = path.join(dir, "le.pcap");
    writePcap(
      f,
      [0, 1, 2].map((i) => ({ ts: 1700000000.25 + i, data: frame(i) })),
    );
    const { pkts, info, problems } = await collect(f);
    expect(problems).toEqual([]);
    expect(info).toMatchObject({ format: "pcap", linkTypes: [1], packets: 3, truncated: false });
    expect(pkts.map((p) => p.ts)).toEqual([1700000000.25, 1700000001.25, 1700000002.25]);
    expect(pkts[1].n).toBe(2);
    expect(pkts[2].data.equals(frame(2))).toBe(true);
  });

  it("reads big-endian nanosecond files", async () => {
    const f = path.join(dir, "be-ns.pcap");
    writePcap(f, [{ ts: 1700000000.123456789, data: frame(0) }], {
      bigEndian: true,
      nanos: true,
      linkType: LINKTYPE.ETHERNET,
    });
    const { pkts, info } = await collect(f);
    expect(info.packets).toBe(1);
    expect(pkts[0].ts).toBeCloseTo(1700000000.123456789, 6);
    expect(Math.round((pkts[0].ts % 1) * 1e9)).toBeGreaterThan(123456000);
  });

  it("keeps every packet before a cut record and reports the cut's offset", async () => {
    const f = path.join(dir, "cut.pcap");
    writePcap(
      f,
      [0, 1, 2].map((i) => ({ ts: 1 + i, data: frame(i) })),
    );
    const whole = readFileSync(f);
    writeFileSync(f, whole.subarray(0, whole.length - 10));
    const { pkts, info, problems } = await collect(f);
    expect(pkts).toHaveLength(2);
    expect(info.truncated).toBe(true);
    const recLen = 16 + frame(0).length;
    expect(problems).toEqual([
      expect.objectContaining({ kind: "truncated-file", offset: 24 + 2 * recLen, packet: 3 }),
    ]);
  });

  it("stops at an impossible record length and says where", async () => {
    const f = path.join(dir, "garbage.pcap");
    writePcap(f, [{ ts: 1, data: frame(0) }]);
    const junk = Buffer.alloc(16, 0xff);
    writeFileSync(f, Buffer.concat([readFileSync(f), junk]));
    const { pkts, problems } = await collect(f);
    expect(pkts).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: "bad-record", offset: 24 + 16 + frame(0).length });
  });

  it("reads from a stream fed in tiny chunks exactly as from the file", async () => {
    const f = path.join(dir, "chunks.pcap");
    writePcap(
      f,
      [0, 1, 2, 3].map((i) => ({ ts: 10 + i, data: frame(i) })),
    );
    const bytes = readFileSync(f);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
    const { pkts } = await collect({ name: "stream", stream: Readable.from(chunks) });
    expect(pkts.map((p) => p.ts)).toEqual([10, 11, 12, 13]);
  });

  it("yields stable copies from the async iterator", async () => {
    const f = path.join(dir, "iter.pcap");
    writePcap(
      f,
      [0, 1].map((i) => ({ ts: i, data: frame(i) })),
    );
    const got: RawPacket[] = [];
    for await (const p of capturePackets(f)) got.push(p);
    expect(got[0].data.equals(frame(0))).toBe(true);
    expect(got[1].data.equals(frame(1))).toBe(true);
  });

  it("closes the source when the caller stops early", async () => {
    const f = path.join(dir, "early.pcap");
    writePcap(
      f,
      [0, 1, 2, 3].map((i) => ({ ts: i, data: frame(i) })),
    );
    const bytes = readFileSync(f);
    let closed = false;
    async function* chunks() {
      try {
        for (let i = 0; i < bytes.length; i += 40) yield bytes.subarray(i, i + 40);
      } finally {
        closed = true;
      }
    }
    for await (const p of capturePackets({ name: "early", stream: chunks() })) if (p.n === 1) break;
    expect(closed).toBe(true);
  });
});

describe("not a capture", () => {
  it("bad magic is BAD_ARTIFACT with a one-line message", async () => {
    const f = path.join(dir, "text.pcap");
    writeFileSync(f, "GET / HTTP/1.1\r\n");
    const err = await readCapture(f, () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BacksideError);
    expect((err as BacksideError).code).toBe("BAD_ARTIFACT");
    expect((err as BacksideError).message).toMatch(/not a pcap or pcapng capture/);
  });
  it("an empty file is BAD_ARTIFACT, a missing one NOT_FOUND", async () => {
    const f = path.join(dir, "empty.pcap");
    writeFileSync(f, "");
    await expect(readCapture(f, () => {})).rejects.toMatchObject({
      code: "BAD_ARTIFACT",
      message: expect.stringMatching(/empty\.pcap is empty: not a pcap or pcapng capture$/),
    });
    await expect(readCapture(path.join(dir, "nope.pcap"), () => {})).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("pcapng", () => {
  it("reads several interfaces and sections of either byte order, EPB and SPB, skipping unknown blocks", async () => {
    const le = new PcapngBuilder(false)
      .section()
      .iface({ linkType: 1 })
      .iface({ linkType: 228, tsresol: 9 })
      .epb(0, 1_700_000_000_500_000n, frame(0))
      .block(0x0bad, Buffer.from("custom"))
      .epb(1, 1_700_000_001_000_000_001n, ipPacketOf(frame(1)))
      .spb(frame(2))
      .bytes();
    const be = new PcapngBuilder(true)
      .section()
      .iface({ linkType: 101, tsresol: 0x80 | 10 })
      .epb(0, 1024n * 5n, ipPacketOf(frame(3)))
      .bytes();
    const f = path.join(dir, "multi.pcapng");
    writeFileSync(f, Buffer.concat([le, be]));
    const { pkts, info, problems } = await collect(f);
    expect(problems).toEqual([]);
    expect(info.format).toBe("pcapng");
    expect(info.linkTypes).toEqual([1, 228, 101]);
    expect(pkts.map((p) => p.linkType)).toEqual([1, 228, 1, 101]);
    expect(pkts[0].ts).toBeCloseTo(1700000000.5, 6);
    expect(pkts[1].ts).toBeCloseTo(1700000001.000000001, 6);
    expect(pkts[2].ts).toBe(pkts[1].ts); // SPB carries no time: the previous one is kept
    expect(pkts[3].ts).toBe(5); // 2^-10 s ticks
    expect(pkts[1].iface).toBe(1);
  });

  it("reports a block cut short with its offset and keeps earlier packets", async () => {
    const b = new PcapngBuilder()
      .section()
      .iface({ linkType: 1 })
      .epb(0, 1n, frame(0))
      .epb(0, 2n, frame(1))
      .bytes();
    const f = path.join(dir, "cut.pcapng");
    writeFileSync(f, b.subarray(0, b.length - 5));
    const { pkts, problems } = await collect(f);
    expect(pkts).toHaveLength(1);
    expect(problems[0].kind).toBe("truncated-file");
    expect(problems[0].offset).toBe(b.length - (32 + frame(1).length + ((4 - (frame(1).length % 4)) % 4)));
  });
});

describe("a file read in chunks of one reused buffer", () => {
  it("gives every packet whole, at any chunk size, records cut at every boundary", async () => {
    const f = path.join(dir, "chunks.pcap");
    const records = Array.from({ length: 400 }, (_, i) => ({
      ts: 1700000000 + i / 100,
      data: tcpFrame({
        src: "10.0.0.1",
        dst: "10.0.0.2",
        sport: 1000 + i,
        dport: 80,
        flags: "PA",
        payload: Buffer.alloc(i % 300, i & 255),
      }),
    }));
    writePcap(f, records);
    for (const chunkSize of [7, 97, 1000, 1 << 20]) {
      const pkts: RawPacket[] = [];
      const r = await readCapture(f, (p) => pkts.push({ ...p, data: Buffer.from(p.data) }), { chunkSize });
      expect(r.problems, `chunk ${chunkSize}`).toEqual([]);
      expect(
        pkts.map((p) => p.data.toString("hex")),
        `chunk ${chunkSize}`,
      ).toEqual(records.map((x) => Buffer.from(x.data).toString("hex")));
      expect(pkts.map((p) => p.ts)).toEqual(records.map((x) => x.ts));
    }
  });
});
