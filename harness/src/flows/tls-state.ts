/**
 * TLS on one TCP connection, any port: detected from the first payload of either side, then
 * records are walked per direction (decode/tls.ts). Alerts before a side's ChangeCipherSpec are
 * plaintext (level + description); after it they are encrypted and only their presence is known.
 */
import {
  clientHelloServerName,
  looksLikeTlsRecord,
  scanTlsRecords,
  TLS_CONTENT,
  tlsAlertName,
  tlsHandshakeName,
  type TlsCursor,
  type TlsRecordView,
} from "../decode/tls.js";
import type { Direction, PacketRef, TlsInfo } from "./types.js";

interface Side {
  cur: TlsCursor;
  decided: boolean;
  isTls: boolean;
  ccs: boolean;
  appData: boolean;
  /** Application-data records larger than an encrypted alert. */
  bigData: number;
}

/**
 * The largest TLS 1.3 record body that is an alert and nothing more: 2 bytes of alert, 1 of inner
 * content type and a 16-byte AEAD tag (RFC 8446 section 5.2). In TLS 1.2 alerts keep their own
 * content type, so any application-data record there is data.
 */
const ENCRYPTED_ALERT_BODY = 19;

export class TlsState {
  readonly info: TlsInfo;
  private sides: Record<Direction, Side> = {
    orig: {
      cur: { skip: 0, lost: false },
      decided: false,
      isTls: false,
      ccs: false,
      appData: false,
      bigData: 0,
    },
    resp: {
      cur: { skip: 0, lost: false },
      decided: false,
      isTls: false,
      ccs: false,
      appData: false,
      bigData: 0,
    },
  };
  private serverHello = false;
  /**
   * TLS 1.3: the server encrypted its flight before the client sent anything encrypted, or the
   * client's first record after its ClientHello (ChangeCipherSpec aside) is application data,
   * where TLS 1.2 sends a handshake record (ClientKeyExchange, or its encrypted Finished).
   */
  private tls13 = false;
  /** The client's first record after its ClientHello has been seen. */
  private clientFollowed = false;
  private clientHello = false;
  /** The packet of the client's first application-data record: its encrypted flight (TLS 1.3). */
  private clientFlightN = -1;
  /** Stays false until one side's first payload looks like TLS. */
  active = false;

  constructor(uid: string) {
    this.info = {
      uid,
      version: null,
      serverName: null,
      alerts: [],
      handshake: [],
      lastAlert: null,
      established: false,
      clientDataAt: null,
      exchangedAt: null,
    };
  }

  /** Flip: the directions swap with the connection's roles. */
  flip(): void {
    [this.sides.orig, this.sides.resp] = [this.sides.resp, this.sides.orig];
    const sw = (d: Direction): Direction => (d === "orig" ? "resp" : "orig");
    for (const a of this.info.alerts) a.dir = sw(a.dir);
    for (const h of this.info.handshake) h.dir = sw(h.dir);
  }

  /**
   * Feed one segment's payload: `len` bytes captured of the `wire` it carried. Returns a problem
   * message when framing was lost.
   */
  segment(
    dir: Direction,
    b: Uint8Array,
    off: number,
    len: number,
    ref: PacketRef,
    wire = len,
  ): string | null {
    const side = this.sides[dir];
    if (!side.decided) {
      side.decided = true;
      side.isTls = looksLikeTlsRecord(b, off, len);
      if (side.isTls) this.active = true;
    }
    if (!side.isTls) return null;
    if (side.cur.cut) {
      this.blind(dir, side, wire, ref);
      return null;
    }
    return scanTlsRecords(b, off, len, side.cur, (r) => this.record(dir, side, b, r, ref), wire);
  }

  /** One record of a side, as scanTlsRecords walks it. */
  private record(dir: Direction, side: Side, b: Uint8Array, r: TlsRecordView, ref: PacketRef): void {
    if (this.info.version === null) this.info.version = r.version;
    if (dir === "orig") this.clientRecord(r.contentType, ref.n);
    switch (r.contentType) {
      case TLS_CONTENT.CHANGE_CIPHER_SPEC:
        side.ccs = true;
        break;
      case TLS_CONTENT.ALERT: {
        const plain = !side.ccs && r.bodyAvail >= 2 && r.length === 2;
        const desc = plain ? b[r.bodyOff + 1] : null;
        const name = desc === null ? null : tlsAlertName(desc);
        this.info.alerts.push({
          capture: ref.capture,
          n: ref.n,
          ts: ref.ts,
          dir,
          level: plain ? b[r.bodyOff] : null,
          description: desc,
          descriptionName: name,
        });
        if (name) this.info.lastAlert = name;
        break;
      }
      case TLS_CONTENT.HANDSHAKE:
        if (side.ccs) {
          this.info.handshake.push({
            capture: ref.capture,
            n: ref.n,
            ts: ref.ts,
            dir,
            type: -1,
            typeName: "encrypted",
          });
          break;
        }
        this.handshake(dir, b, r.bodyOff, r.bodyAvail, ref);
        break;
      case TLS_CONTENT.APPLICATION_DATA:
        if (dir === "resp" && this.serverHello && !this.sides.orig.appData) this.tls13 = true;
        side.appData = true;
        if (r.length > ENCRYPTED_ALERT_BODY) this.data(dir, side, ref);
        break;
    }
    this.settle();
  }

  private settle(): void {
    const o = this.sides.orig;
    const s = this.sides.resp;
    if (this.serverHello && (o.ccs || o.appData) && (s.ccs || s.appData)) this.info.established = true;
  }

  /**
   * A side whose records the capture's snap length cut from view still shows its segments' sizes. Each later segment is one more flight: one
   * larger than an encrypted alert record carried data, a smaller one may be an alert. Alerts are
   * then known only by their size, which the connection's reading does by segment.
   */
  private blind(dir: Direction, side: Side, wire: number, ref: PacketRef): void {
    side.appData = true;
    if (wire > 5 + ENCRYPTED_ALERT_BODY) this.data(dir, side, ref);
    this.settle();
  }

  private clientRecord(type: number, n: number): void {
    if (type === TLS_CONTENT.HANDSHAKE && !this.clientHello) {
      this.clientHello = true;
      return;
    }
    if (!this.clientHello || type === TLS_CONTENT.CHANGE_CIPHER_SPEC) return;
    if (!this.clientFollowed && type === TLS_CONTENT.APPLICATION_DATA) this.tls13 = true;
    this.clientFollowed = true;
    if (type === TLS_CONTENT.APPLICATION_DATA && this.clientFlightN < 0) this.clientFlightN = n;
  }

  private data(dir: Direction, side: Side, ref: PacketRef): void {
    side.bigData++;
    const i = this.info;
    // TLS 1.3's Finished (and a client certificate before it) is the client's first encrypted
    // flight, sent in one go: data is what follows.
    const flight = this.tls13 && (side.bigData === 1 || ref.n === this.clientFlightN);
    if (dir === "orig" && i.clientDataAt === null && !flight) i.clientDataAt = ref.ts;
    if (dir === "resp" && i.clientDataAt !== null && i.exchangedAt === null) i.exchangedAt = ref.ts;
  }

  private handshake(dir: Direction, b: Uint8Array, off: number, avail: number, ref: PacketRef): void {
    let p = off;
    const end = off + avail;
    // Bounded: each message advances by at least its 4-byte header; cap the count per record.
    for (let i = 0; i < 16 && p + 4 <= end; i++) {
      const type = b[p];
      const mlen = (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
      this.info.handshake.push({
        capture: ref.capture,
        n: ref.n,
        ts: ref.ts,
        dir,
        type,
        typeName: tlsHandshakeName(type),
      });
      if (type === 1 && this.info.serverName === null)
        this.info.serverName = clientHelloServerName(b, p + 4, Math.min(mlen, end - p - 4));
      if (type === 2) {
        this.serverHello = true;
        if (p + 6 <= end) this.info.version = (b[p + 4] << 8) | b[p + 5];
      }
      p += 4 + mlen;
    }
  }
}
