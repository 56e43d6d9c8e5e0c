import { describe, expect, it } from "vitest";
import { tlsAlert, tlsClientHello, tlsHandshake } from "../pcap/testing/packets.js";
import { clientHelloServerName, looksLikeTlsRecord, scanTlsRecords, type TlsRecordView } from "./tls.js";

describe("TLS records (RFC 8446 section 5.1)", () => {
  it("walks several records in one segment", () => {
    const seg = Buffer.concat([tlsHandshake(2, Buffer.alloc(6)), tlsAlert(2, 40)]);
    const seen: TlsRecordView[] = [];
    const cur = { skip: 0, lost: false };
    expect(scanTlsRecords(seg, 0, seg.length, cur, (r) => seen.push(r))).toBeNull();
    expect(seen.map((r) => r.contentType)).toEqual([22, 21]);
    expect(seg[seen[1].bodyOff + 1]).toBe(40);
  });
  it("skips the rest of a record that continues in the next segment", () => {
    const rec = tlsHandshake(11, Buffer.alloc(3000));
    const cur = { skip: 0, lost: false };
    const seen: number[] = [];
    scanTlsRecords(rec, 0, 1000, cur, (r) => seen.push(r.contentType));
    const next = Buffer.concat([rec.subarray(1000), tlsAlert(1, 0)]);
    scanTlsRecords(next, 0, next.length, cur, (r) => seen.push(r.contentType));
    expect(seen).toEqual([22, 21]);
    expect(cur.lost).toBe(false);
  });
  it("follows records by their wire length when the snap length cut the segment", () => {
    const seg = Buffer.concat([tlsHandshake(2, Buffer.alloc(80)), tlsAlert(2, 40)]);
    const cur: { skip: number; lost: boolean; cut?: boolean } = { skip: 0, lost: false };
    const seen: TlsRecordView[] = [];
    // 30 bytes captured of the segment: the first header, not the second.
    expect(scanTlsRecords(seg, 0, 30, cur, (r) => seen.push(r), seg.length)).toBeNull();
    expect(seen.map((r) => [r.contentType, r.length, r.bodyAvail])).toEqual([[22, 84, 25]]);
    expect(cur).toMatchObject({ lost: true, cut: true });
  });
  it("skips a cut record's rest by its wire length into the next segment", () => {
    const rec = tlsHandshake(11, Buffer.alloc(3000));
    const cur = { skip: 0, lost: false };
    const seen: number[] = [];
    scanTlsRecords(rec, 0, 30, cur, (r) => seen.push(r.contentType), 1000);
    const next = Buffer.concat([rec.subarray(1000), tlsAlert(1, 0)]);
    scanTlsRecords(next, 0, next.length, cur, (r) => seen.push(r.contentType));
    expect(seen).toEqual([22, 21]);
    expect(cur.lost).toBe(false);
  });
  it("HTTP on a TLS port is not TLS", () => {
    const http = Buffer.from("HTTP/1.1 400 Bad Request\r\n\r\n");
    expect(looksLikeTlsRecord(http, 0, http.length)).toBe(false);
  });
  it("reads the server name from a ClientHello (RFC 6066 section 3)", () => {
    const ch = tlsClientHello("backend.example");
    expect(clientHelloServerName(ch, 9, ch.length - 9)).toBe("backend.example");
  });
});
