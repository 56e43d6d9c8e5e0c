/**
 * UDP, ICMP (non-error) and other-protocol flows as Zeek's conn.log shows them: history `D`/`d`
 * once per side (packet_analysis/protocol/udp/UDP.cc), `C`/`c` for bad checksums (the packet is
 * then not counted), and conn_state from conn/main.zeek: S0, SF, SHR or OTH.
 */
import type { ConnState, DatagramConnection, PacketRef, TransportProto } from "./types.js";

export class DatagramSession {
  origH: string;
  origP: number;
  respH: string;
  respP: number;
  history = "";
  private seen = { orig: false, resp: false };
  private badCk = { orig: 0, resp: 0 };
  private badThresh = { orig: 1, resp: 1 };
  origPkts = 0;
  respPkts = 0;
  origBytes = 0;
  respBytes = 0;
  origTtls: number[] = [];
  respTtls: number[] = [];
  first: PacketRef | null = null;
  lastRef: PacketRef | null = null;
  start: number;
  last: number;

  constructor(
    readonly proto: TransportProto,
    readonly ipProto: number,
    srcH: string,
    srcP: number,
    dstH: string,
    dstP: number,
    ts: number,
  ) {
    this.origH = srcH;
    this.origP = srcP;
    this.respH = dstH;
    this.respP = dstP;
    this.start = ts;
    this.last = ts;
  }

  isFromOrig(h: string, p: number): boolean {
    return h === this.origH && p === this.origP;
  }

  flip(): void {
    [this.origH, this.respH] = [this.respH, this.origH];
    [this.origP, this.respP] = [this.respP, this.origP];
    this.history += "^";
  }

  add(isOrig: boolean, ref: PacketRef, payloadLen: number, ttl: number, badChecksum: boolean): void {
    const side = isOrig ? "orig" : "resp";
    if (badChecksum) {
      const n = ++this.badCk[side];
      if (n === this.badThresh[side]) {
        this.history += isOrig ? "C" : "c";
        this.badThresh[side] *= 10;
      }
      return;
    }
    this.last = ref.ts;
    if (!this.first) this.first = ref;
    this.lastRef = ref;
    if (this.proto !== "unknown_transport" && !this.seen[side]) this.history += isOrig ? "D" : "d";
    this.seen[side] = true;
    const ttls = isOrig ? this.origTtls : this.respTtls;
    if (ttls.length < 16 && !ttls.includes(ttl)) ttls.push(ttl);
    if (isOrig) {
      this.origPkts++;
      this.origBytes += payloadLen;
    } else {
      this.respPkts++;
      this.respBytes += payloadLen;
    }
  }

  connState(): ConnState {
    if (this.proto !== "udp") return "OTH";
    if (this.origPkts > 0) return this.respPkts > 0 ? "SF" : "S0";
    return this.respPkts > 0 ? "SHR" : "OTH";
  }

  toRecord(uid: string, capture: number): DatagramConnection {
    const first = this.first ?? { capture, n: 0, ts: this.start };
    return {
      uid,
      capture,
      id: { proto: this.proto, origH: this.origH, origP: this.origP, respH: this.respH, respP: this.respP },
      connState: this.connState(),
      history: this.history,
      start: this.start,
      duration: this.last - this.start,
      origPkts: this.origPkts,
      respPkts: this.respPkts,
      origBytes: this.origBytes,
      respBytes: this.respBytes,
      first,
      last: this.lastRef ?? first,
      // Exact-size copies: arrays filled by push keep spare capacity.
      origTtls: this.origTtls.slice(),
      respTtls: this.respTtls.slice(),
      icmpErrors: [],
    };
  }
}
