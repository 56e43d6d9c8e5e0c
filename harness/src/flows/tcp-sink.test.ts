/**
 * A sink takes each TCP record as its connection ends instead of the summary keeping it: the
 * records it gets are the summary's, field for field (ICMP errors joined the same), on every
 * capture of the real-tools corpus and the golden bundles; a sink that borrows its records reads
 * the same during each call.
 */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeCapture } from "./analyze.js";
import type { DatagramConnection, DnsTransaction, TcpConnection } from "./types.js";

const ENGINE = resolve(import.meta.dirname, "../engine/fixtures/runs");
const CORPUS = resolve(import.meta.dirname, "../../../test/real-tools/corpus");
const files = [
  ...readdirSync(CORPUS)
    .filter((f) => f.endsWith(".pcap"))
    .map((f) => join(CORPUS, f)),
  ...readdirSync(ENGINE).flatMap((b) =>
    readdirSync(join(ENGINE, b))
      .filter((f) => f.endsWith(".pcap"))
      .map((f) => join(ENGINE, b, f)),
  ),
];

const plain = (c: TcpConnection | DatagramConnection) => JSON.parse(JSON.stringify(c)) as unknown;
const byUid = (a: { uid: string }, b: { uid: string }) => Number(a.uid.slice(1)) - Number(b.uid.slice(1));

describe("analyzeCapture with a TCP sink", () => {
  it("covers a corpus", () => expect(files.length).toBeGreaterThan(100));
  it.each(files.map((f) => [f.slice(f.lastIndexOf("/", f.lastIndexOf("/") - 1) + 1), f]))(
    "%s: the sink gets the summary's records",
    async (_name, file) => {
      const kept = await analyzeCapture(file, { ignoreChecksums: true });
      const got: TcpConnection[] = [];
      const streamed = await analyzeCapture(file, { ignoreChecksums: true }, { tcp: (c) => got.push(c) });
      expect(streamed.tcp).toEqual([]);
      got.sort(byUid);
      expect(got.map(plain)).toEqual(kept.tcp.map(plain));
      expect(streamed.icmp.map((e) => e.flowUid)).toEqual(kept.icmp.map((e) => e.flowUid));
      expect(streamed.dns).toEqual(kept.dns);
    },
  );
  it.each(files.map((f) => [f.slice(f.lastIndexOf("/", f.lastIndexOf("/") - 1) + 1), f]))(
    "%s: a borrowing sink (records share one evidence array) reads the summary's records during its calls",
    async (_name, file) => {
      const kept = await analyzeCapture(file, { ignoreChecksums: true });
      const got: { uid: string }[] = [];
      await analyzeCapture(
        file,
        { ignoreChecksums: true, sinkBorrows: true },
        { tcp: (c) => got.push(plain(c) as { uid: string }) },
      );
      expect(got.sort(byUid)).toEqual(kept.tcp.map(plain));
    },
  );
  it.each(files.map((f) => [f.slice(f.lastIndexOf("/", f.lastIndexOf("/") - 1) + 1), f]))(
    "%s: a datagram sink gets the summary's datagram records",
    async (_name, file) => {
      const kept = await analyzeCapture(file, { ignoreChecksums: true });
      const tcp: TcpConnection[] = [];
      const dg: DatagramConnection[] = [];
      const streamed = await analyzeCapture(
        file,
        { ignoreChecksums: true },
        { tcp: (c) => tcp.push(c), datagrams: (c) => dg.push(c) },
      );
      expect(streamed.datagrams).toEqual([]);
      expect(dg.sort(byUid).map(plain)).toEqual(kept.datagrams.map(plain));
      expect(tcp.sort(byUid).map(plain)).toEqual(kept.tcp.map(plain));
      expect(streamed.icmp.map((e) => e.flowUid)).toEqual(kept.icmp.map((e) => e.flowUid));
      expect(streamed.dns).toEqual(kept.dns);
    },
  );
  it.each(files.map((f) => [f.slice(f.lastIndexOf("/", f.lastIndexOf("/") - 1) + 1), f]))(
    "%s: a DNS sink gets the summary's transactions, each once, numbered in the summary's order",
    async (_name, file) => {
      const kept = await analyzeCapture(file, { ignoreChecksums: true });
      const got: DnsTransaction[] = [];
      const streamed = await analyzeCapture(
        file,
        { ignoreChecksums: true },
        {
          dns: (t, seq) => {
            expect(got[seq], `transaction ${seq} twice`).toBeUndefined();
            got[seq] = t;
          },
        },
      );
      expect(streamed.dns).toEqual([]);
      expect(got.length).toBe(kept.dns.length);
      expect(got).toEqual(kept.dns);
      expect(streamed.icmp).toEqual(kept.icmp);
    },
  );
});
