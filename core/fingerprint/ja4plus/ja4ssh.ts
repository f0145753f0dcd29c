// JA4SSH: SSH traffic fingerprint per window of packets (interactive vs file transfer, reverse shells).
// JA4+ method by FoxIO, licensed under the FoxIO License 1.1 (non-commercial use only);
// see ./LICENSE-NOTICE.md and LICENSE. Written by Helloscope from the specification; no FoxIO code.
import { TCP_ACK, type TcpSegment } from '../../capture/packet.js';

export interface SshBanner {
  /** The identification line without CR LF (`SSH-2.0-OpenSSH_8.7`). */
  line: string;
  protoVersion: string;
  softwareVersion: string;
  comments?: string;
}

/** The SSH identification string (RFC 4253 section 4.2) at the start of a payload, if there is one. */
export function parseSshBanner(payload: Uint8Array): SshBanner | undefined {
  if (payload.length < 8 || payload[0] !== 0x53 || payload[1] !== 0x53 || payload[2] !== 0x48 || payload[3] !== 0x2d) return undefined;
  let end = 4;
  while (end < payload.length && end < 255 && payload[end] !== 0x0a && payload[end] !== 0x0d) end++;
  const line = String.fromCharCode(...payload.subarray(0, end));
  const m = /^SSH-([^-\s]+)-(\S+)(?: (.*))?$/.exec(line);
  if (!m) return undefined;
  return { line, protoVersion: m[1]!, softwareVersion: m[2]!, ...(m[3] !== undefined ? { comments: m[3] } : {}) };
}

/** Whether a TCP payload starts with an SSH identification string. */
export const looksLikeSsh = (payload: Uint8Array): boolean => parseSshBanner(payload) !== undefined;

/** The most frequent value; ties go to the smallest. 0 when there are none. */
function mode(values: readonly number[]): number {
  const counts = new Map<number, number>();
  let best = 0, bestCount = 0;
  for (const v of values) {
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (c > bestCount || (c === bestCount && v < best)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/**
 * The sequence ranges one direction has carried (merged, relative to its first sequence number):
 * a payload already wholly carried is a retransmission or a duplicate, which tshark does not
 * dissect as SSH again, so FoxIO's tools (which read tshark's SSH packets) do not count it.
 */
class SeenRanges {
  private base = -1;
  private readonly ranges: number[] = []; // start, end, start, end... sorted, disjoint

  /** True when [seq, seq+len) was all carried before; else records it and returns false. */
  repeat(seq: number, len: number): boolean {
    if (this.base < 0) this.base = seq;
    const s = (seq - this.base) >>> 0, e = s + len;
    const r = this.ranges, n = r.length;
    // The usual case, in-order data: after (or right at the end of) everything carried so far.
    if (n === 0 || s > r[n - 1]!) { r.push(s, e); return false; }
    if (s === r[n - 1]) { r[n - 1] = e; return false; }
    let i = 0;
    while (i < r.length && r[i + 1]! < s) i += 2;
    if (i < r.length && r[i]! <= s && e <= r[i + 1]!) return true;
    // Merge [s, e) with every range it touches.
    let ns = s, ne = e, j = i;
    while (j < r.length && r[j]! <= e) { ns = Math.min(ns, r[j]!); ne = Math.max(ne, r[j + 1]!); j += 2; }
    r.splice(i, j - i, ns, ne);
    return false;
  }
}

/** A segment's payload length as JA4SSH counts it: on the wire (a capture cut to its headers still counts whole packets). */
export const sshPayloadLength = (seg: TcpSegment): number => seg.wireLength ?? seg.payload.length;
/** A bare ACK as JA4SSH counts it (with no payload): flags exactly ACK. */
export const isBareAck = (flags: number): boolean => (flags & 0x1ff) === TCP_ACK;

/**
 * `c<mode client payload length>s<mode server length>_c<client packets>s<server packets>_c<client bare ACKs>s<server bare ACKs>`
 * for each window of `sampleSize` packets carrying TCP payload; a bare ACK (flags exactly ACK, no
 * payload) seen during a window counts in it. The last, partial window is emitted by `finish()`.
 */
export class Ja4sshTracker {
  // Made at a direction's first payload (most TCP conversations are not SSH).
  private seenC?: SeenRanges;
  private seenS?: SeenRanges;
  private client: number[] = [];
  private server: number[] = [];
  private clientAcks = 0;
  private serverAcks = 0;
  private readonly out: string[] = [];
  /** The identification strings, once seen. */
  clientBanner?: SshBanner;
  serverBanner?: SshBanner;

  constructor(private readonly sampleSize = 200) {}

  push(seg: TcpSegment, fromClient: boolean): void {
    const len = sshPayloadLength(seg);
    if (len === 0) {
      if (isBareAck(seg.flags)) {
        if (fromClient) this.clientAcks++;
        else this.serverAcks++;
      }
      return;
    }
    this.payload(seg.seq, len, fromClient, seg.payload);
  }

  /** Bare ACKs counted elsewhere (before it was known that the conversation is SSH). */
  addAcks(client: number, server: number): void {
    this.clientAcks += client;
    this.serverAcks += server;
  }

  /** A segment carrying `len` bytes of payload from `seq` on (`bytes`: what the capture kept of them). */
  payload(seq: number, len: number, fromClient: boolean, bytes: Uint8Array): void {
    const seen = fromClient ? (this.seenC ??= new SeenRanges()) : (this.seenS ??= new SeenRanges());
    if (seen.repeat(seq, len)) return;
    if (fromClient) {
      this.clientBanner ??= parseSshBanner(bytes);
      this.client.push(len);
    } else {
      this.serverBanner ??= parseSshBanner(bytes);
      this.server.push(len);
    }
    if (this.client.length + this.server.length >= this.sampleSize) this.flush();
  }

  private flush(): void {
    if (this.client.length + this.server.length === 0 && this.clientAcks + this.serverAcks === 0) return;
    this.out.push(`c${mode(this.client)}s${mode(this.server)}_c${this.client.length}s${this.server.length}_c${this.clientAcks}s${this.serverAcks}`);
    this.client = [];
    this.server = [];
    this.clientAcks = 0;
    this.serverAcks = 0;
  }

  /** Every window's fingerprint, including the last partial one. */
  finish(): string[] {
    this.flush();
    return [...this.out];
  }
}
