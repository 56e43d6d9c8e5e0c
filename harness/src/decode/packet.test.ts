import { describe, expect, it } from "vitest";
import { ethernet, icmpErrorFrame, ipPacketOf, ipv4, tcpFrame, udpFrame } from "../pcap/testing/packets.js";
import { ipv6String } from "./address.js";
import { decodeIcmpQuote } from "./icmp.js";
import { CK_BAD, CK_OK, decodePacket, newDecodedPacket } from "./packet.js";
import { parseTcpOptions } from "./tcp-options.js";

const syn = tcpFrame({
  src: "10.1.2.3",
  dst: "10.4.5.6",
  sport: 40000,
  dport: 443,
  flags: "S",
  seq: 7,
  ttl: 61,
  mss: 1460,
  wscale: 7,
  sackOk: true,
  timestamps: [1, 0],
});
const ip = ipPacketOf(syn);

function sll(proto: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt16BE(proto, 14);
  return Buffer.concat([h, payload]);
}
function sll2(proto: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(proto, 0);
  return Buffer.concat([h, payload]);
}
function nullHdr(le: boolean, payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  if (le) h.writeUInt32LE(2);
  else h.writeUInt32BE(2);
  return Buffer.concat([h, payload]);
}

describe("link layers reach the same TCP header", () => {
  const cases: Array<[string, number, Buffer]> = [
    ["Ethernet (1)", 1, syn],
    ["802.1Q VLAN", 1, ethernet(ip, { etherType: 0x0800, vlans: [42] })],
    ["802.1ad QinQ", 1, ethernet(ip, { etherType: 0x0800, vlans: [100, 42], qinq: true })],
    ["Linux SLL (113)", 113, sll(0x0800, ip)],
    ["Linux SLL2 (276)", 276, sll2(0x0800, ip)],
    ["raw IP (101)", 101, ip],
    ["raw IPv4 (228)", 228, ip],
    ["BSD null (0)", 0, nullHdr(true, ip)],
    ["OpenBSD loop (108)", 108, nullHdr(false, ip)],
  ];
  for (const [name, lt, data] of cases)
    it(name, () => {
      const p = decodePacket(data, lt, newDecodedPacket());
      expect(p.problem).toBeNull();
      expect([p.l3, p.src, p.dst, p.ttl, p.sport, p.dport, p.seq, p.tcpFlags, p.checksum]).toEqual([
        4,
        "10.1.2.3",
        "10.4.5.6",
        61,
        40000,
        443,
        7,
        2,
        CK_OK,
      ]);
    });
  it("keeps the innermost VLAN id", () => {
    expect(
      decodePacket(ethernet(ip, { etherType: 0x0800, vlans: [100, 42], qinq: true }), 1, newDecodedPacket())
        .vlan,
    ).toBe(42);
  });
  it("names an unknown link type as a problem instead of guessing", () => {
    expect(decodePacket(ip, 147, newDecodedPacket()).problem).toMatch(/link type 147/);
  });
});

describe("IP and transport", () => {
  it("walks IPv6 extension headers to the transport header", () => {
    const f = udpFrame({
      src: "2001:db8::1",
      dst: "2001:db8::53",
      sport: 5000,
      dport: 53,
      payload: "x",
      v6ExtHeaders: [0, 60],
    });
    const p = decodePacket(f, 1, newDecodedPacket());
    expect([p.l3, p.proto, p.sport, p.dport, p.payloadLen, p.checksum]).toEqual([6, 17, 5000, 53, 1, CK_OK]);
  });
  it("flags a bad TCP checksum (RFC 9293 section 3.1) and a bad IPv4 header checksum", () => {
    const bad = decodePacket(
      tcpFrame({ src: "1.1.1.1", dst: "2.2.2.2", sport: 1, dport: 2, flags: "S", badChecksum: true }),
      1,
      newDecodedPacket(),
    );
    expect(bad.checksum).toBe(CK_BAD);
    const badIp = decodePacket(
      tcpFrame({ src: "1.1.1.1", dst: "2.2.2.2", sport: 1, dport: 2, flags: "S", badIpChecksum: true }),
      1,
      newDecodedPacket(),
    );
    expect(badIp.ipChecksumBad).toBe(true);
  });
  it("does not verify a snapped packet's checksum", () => {
    const f = tcpFrame({
      src: "1.1.1.1",
      dst: "2.2.2.2",
      sport: 1,
      dport: 2,
      flags: "PA",
      payload: "x".repeat(100),
    });
    const p = decodePacket(f.subarray(0, 70), 1, newDecodedPacket());
    expect([p.checksum, p.payloadLen, p.payloadCap]).toEqual([0, 100, 16]);
  });
  it("notes fragments and skips transport decoding of later fragments", () => {
    const later = ethernet(ipv4("1.1.1.1", "2.2.2.2", 17, Buffer.alloc(16), { fragOffset: 1480 }), {
      etherType: 0x0800,
    });
    const p = decodePacket(later, 1, newDecodedPacket());
    expect([p.fragment, p.fragOffset, p.sport]).toEqual([true, 1480, 0]);
  });
  it("reports a frame cut inside the IPv4 header instead of throwing", () => {
    expect(decodePacket(syn.subarray(0, 20), 1, newDecodedPacket()).problem).toMatch(/IPv4 header/);
  });
  it("parses MSS, window scale, SACK-permitted and timestamps (RFC 7323)", () => {
    const p = decodePacket(syn, 1, newDecodedPacket());
    const o = parseTcpOptions(p.data, p.l4Off + 20, p.l4Off + p.tcpHdrLen);
    expect(o).toMatchObject({
      mss: 1460,
      windowScale: 7,
      sackPermitted: true,
      tsVal: 1,
      tsEcr: 0,
      malformed: false,
    });
  });
  it("prints IPv6 as RFC 5952 text", () => {
    const b = Buffer.from("20010db8000000000000000000000001", "hex");
    expect(ipv6String(b, 0)).toBe("2001:db8::1");
    expect(ipv6String(Buffer.from("ff020000000000000000000000010003", "hex"), 0)).toBe("ff02::1:3");
    expect(ipv6String(Buffer.alloc(16), 0)).toBe("::");
  });
});

describe("ICMP quotes (RFC 792, RFC 4443)", () => {
  it("decodes the quoted SYN of a host-prohibited reject", () => {
    const f = icmpErrorFrame({ src: "10.9.9.9", dst: "10.1.2.3", type: 3, code: 10, quoted: ip });
    const p = decodePacket(f, 1, newDecodedPacket());
    const q = decodeIcmpQuote(p.data, p.payloadOff, p.payloadCap);
    expect([p.icmpType, p.icmpCode, p.checksum]).toEqual([3, 10, CK_OK]);
    expect(q).toMatchObject({
      proto: "tcp",
      src: "10.1.2.3",
      dst: "10.4.5.6",
      srcPort: 40000,
      dstPort: 443,
      incompleteTransport: false,
      ttl: 61,
      tcpSeq: 7,
    });
    expect(q?.tcpFlags).toBeNull(); // only 8 transport bytes quoted: no flags
  });
  it("a quote with only the IP header names the hosts but no ports", () => {
    const f = icmpErrorFrame({
      src: "10.9.9.9",
      dst: "10.1.2.3",
      type: 3,
      code: 1,
      quoted: ip,
      quoteLen: 20,
    });
    const p = decodePacket(f, 1, newDecodedPacket());
    expect(decodeIcmpQuote(p.data, p.payloadOff, p.payloadCap)).toMatchObject({
      proto: "unknown_transport",
      src: "10.1.2.3",
      srcPort: 0,
      incompleteTransport: true,
    });
  });
  it("an empty quote is no quote", () => {
    const f = icmpErrorFrame({ src: "10.9.9.9", dst: "10.1.2.3", type: 3, code: 0, quoted: ip, quoteLen: 0 });
    const p = decodePacket(f, 1, newDecodedPacket());
    expect(decodeIcmpQuote(p.data, p.payloadOff, p.payloadCap)).toBeNull();
  });
});

describe("TCP options cut by the snap length", () => {
  // Options: MSS (4) SACK-permitted (2) timestamps (10) NOP+wscale (4) = 20 bytes after offset 54.
  it("an options end past the captured bytes reads what is there and never gives NaN or 0 for absent", () => {
    const cut = syn.subarray(0, 14 + 20 + 20 + 6);
    const o = parseTcpOptions(cut, 34 + 20, 34 + 40);
    expect(o.mss).toBe(1460);
    expect(o.windowScale).toBeNull();
    expect(o.malformed).toBe(true);
    const inMss = parseTcpOptions(syn.subarray(0, 14 + 20 + 20 + 2), 54, 74);
    expect(inMss.mss).toBeNull();
    const sack = Buffer.from([5]);
    expect(parseTcpOptions(sack, 0, 10).sackBlocks).toBe(0);
  });
});
