// JA4L / JA4LS: light-distance (latency) fingerprints of a TCP or QUIC conversation.
// JA4+ method by FoxIO, licensed under the FoxIO License 1.1 (non-commercial use only);
// see ./LICENSE-NOTICE.md and LICENSE. Written by Helloscope from the specification; no FoxIO code.
import { TCP_ACK, TCP_SYN, type PacketMeta, type TcpSegment, type UdpDatagram } from '../../capture/packet.js';

/**
 * The record keys:
 * - `ja4l_c` / `ja4l_s`: `latency_ttl`, as FoxIO's `ja4` command-line tool (Rust) prints them.
 * - `ja4l` / `ja4ls`: the three-part form of the JA4L slide and FoxIO's Wireshark plugin,
 *   `latency_ttl_applicationLatency` (TCP only, when the application exchange was seen).
 * Latencies are one-way estimates in whole microseconds (half a round trip, truncated).
 */
export interface Ja4lResult {
  ja4l_c?: string;
  ja4l_s?: string;
  ja4l?: string;
  ja4ls?: string;
}

const half = (a: number, b: number): number => Math.max(0, Math.floor((b - a) / 2));
/**
 * Time 0 is no time: pcapng Simple Packet Blocks carry no timestamp (they are read at 0), and
 * some tools write captures with zero times. A latency from such packets would be invented.
 */
const timed = (a: number, b: number, c = 1): boolean => a > 0 && b > 0 && c > 0;

/**
 * TCP: A = client SYN, B = server SYN-ACK, C = the client's next ACK (the handshake's third
 * packet). `ja4l_c = (C-B)/2 _ client TTL`, `ja4l_s = (B-A)/2 _ server TTL`. The application part:
 * D = first client payload, E = first server payload after D, F = first client payload after E;
 * client `(F-E)/2`, server `(E-D)/2`.
 */
/** What latency needs of a packet: its time and TTL (not the packet, which would pin its buffer). */
interface Stamp { timestampUs: number; ttl: number }
const stamp = (p: PacketMeta): Stamp => ({ timestampUs: p.timestampUs, ttl: p.ttl });

export class Ja4lTcpTracker {
  // A, B and C as plain numbers (time, and the TTL where it is read): an object per stamp was
  // garbage on every TCP conversation.
  private aTime?: number;
  private bTime?: number;
  private bTtl = 0;
  private cTime?: number;
  private cTtl = 0;
  private d?: number;
  private e?: number;
  private f?: number;

  push(seg: TcpSegment, fromClient: boolean): void {
    const syn = (seg.flags & TCP_SYN) !== 0, ack = (seg.flags & TCP_ACK) !== 0;
    if (fromClient) {
      // The first SYN; a retransmitted SYN (before any SYN-ACK) does not move A.
      if (syn && !ack) this.aTime ??= seg.timestampUs;
      else if (this.bTime !== undefined && this.cTime === undefined && ack && !syn) { this.cTime = seg.timestampUs; this.cTtl = seg.ttl; }
      if (this.cTime !== undefined && seg.payload.length > 0) {
        if (this.d === undefined) this.d = seg.timestampUs;
        else if (this.e !== undefined && this.f === undefined) this.f = seg.timestampUs;
      }
    } else {
      if (syn && ack) {
        if (this.aTime !== undefined && this.bTime === undefined) { this.bTime = seg.timestampUs; this.bTtl = seg.ttl; }
      } else if (this.d !== undefined && this.e === undefined && seg.payload.length > 0) this.e = seg.timestampUs;
    }
  }

  /** True when a segment without SYN would change nothing (no SYN-ACK yet, or every time taken). */
  get settled(): boolean {
    return this.bTime === undefined || (this.cTime !== undefined && this.d !== undefined && this.e !== undefined && this.f !== undefined);
  }

  /** The results, written into `out` (a new object by default). */
  result<T extends Ja4lResult>(out: T = {} as T): T {
    const a = this.aTime, b = this.bTime, c = this.cTime;
    if (a === undefined || b === undefined || c === undefined || !timed(a, b, c)) return out;
    out.ja4l_c = `${half(b, c)}_${this.cTtl}`;
    out.ja4l_s = `${half(a, b)}_${this.bTtl}`;
    if (this.d !== undefined && this.e !== undefined && this.f !== undefined && timed(this.d, this.e, this.f)) {
      out.ja4l = `${out.ja4l_c}_${half(this.e, this.f)}`;
      out.ja4ls = `${out.ja4l_s}_${half(this.d, this.e)}`;
    }
    return out;
  }
}

/** Long-header packet types in a datagram, for QUIC v1 and v2 (the type bits differ). */
function longTypes(p: Uint8Array): { initial: boolean; handshake: boolean } {
  const r = { initial: false, handshake: false };
  if (p.length < 5 || (p[0]! & 0x80) === 0) return r;
  const version = ((p[1]! << 24) >>> 0) + ((p[2]! << 16) | (p[3]! << 8) | p[4]!);
  const bits = (p[0]! >> 4) & 3;
  const v2 = version === 0x6b3343cf;
  // Coalesced packets: look at the first one and any later long header we can walk to cheaply.
  if (bits === (v2 ? 1 : 0)) r.initial = true;
  if (bits === (v2 ? 3 : 2)) r.handshake = true;
  if (r.initial) r.handshake = containsHandshakeAfterInitial(p, v2);
  return r;
}

function varint(b: Uint8Array, at: number): [number, number] | undefined {
  if (at >= b.length) return undefined;
  const n = 1 << (b[at]! >> 6);
  if (at + n > b.length) return undefined;
  let v = b[at]! & 0x3f;
  for (let i = 1; i < n; i++) v = v * 256 + b[at + i]!;
  return [v, n];
}

function containsHandshakeAfterInitial(p: Uint8Array, v2: boolean): boolean {
  let at = 0;
  for (let guard = 0; guard < 8 && at + 7 <= p.length && (p[at]! & 0x80); guard++) {
    const bits = (p[at]! >> 4) & 3;
    if (bits === (v2 ? 3 : 2)) return true;
    let q = at + 5;
    q += 1 + p[q]!;
    if (q >= p.length) return false;
    q += 1 + p[q]!;
    if (bits === (v2 ? 1 : 0)) {
      const t = varint(p, q);
      if (!t) return false;
      q += t[1] + t[0];
    }
    const len = varint(p, q);
    if (!len) return false;
    at = q + len[1] + len[0];
  }
  return false;
}

/**
 * QUIC, as FoxIO's tool defines it: A = first client Initial, B = first server Initial,
 * C = the last server Handshake packet before D, D = the client's first Handshake packet.
 * `ja4l_s = (B-A)/2 _ server TTL`, `ja4l_c = (D-C)/2 _ client TTL`.
 */
export class Ja4lQuicTracker {
  private a?: Stamp;
  private b?: Stamp;
  private c?: Stamp;
  private d?: Stamp;

  push(dgram: UdpDatagram, fromClient: boolean): void {
    const t = longTypes(dgram.payload);
    if (fromClient) {
      if (t.initial) this.a ??= stamp(dgram);
      if (t.handshake && this.c && !this.d) this.d = stamp(dgram);
    } else {
      if (t.initial && this.a) this.b ??= stamp(dgram);
      if (t.handshake && this.b && !this.d) this.c = stamp(dgram);
    }
  }

  result(): Ja4lResult {
    const out: Ja4lResult = {};
    if (this.a && this.b && timed(this.a.timestampUs, this.b.timestampUs)) out.ja4l_s = `${half(this.a.timestampUs, this.b.timestampUs)}_${this.b.ttl}`;
    if (this.c && this.d && timed(this.c.timestampUs, this.d.timestampUs)) out.ja4l_c = `${half(this.c.timestampUs, this.d.timestampUs)}_${this.d.ttl}`;
    return out;
  }
}
