// The client side of an HTTP/2 connection: the connection preface, frames with their byte
// ranges, HEADERS + CONTINUATION decoded with HPACK (one dynamic table per direction), and what
// the client sent before its first request (SETTINGS, WINDOW_UPDATE, PRIORITY) for Akamai.
import { concatBytes } from '../../bytes/concat.js';
import type { Problem } from '../../dissect/field.js';
import type { Http2Preface, HttpRequest } from '../model.js';
import { HpackDecoder, HpackError } from './hpack.js';

export const H2_PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';
/** Whether `b` starts with the client connection preface (which also reads as an HTTP/1 request line). */
export const startsWithH2Preface = (b: Uint8Array): boolean => b.length >= H2_PREFACE.length && [...H2_PREFACE].every((c, i) => b[i] === c.charCodeAt(0));
export const FRAME_NAMES = ['DATA', 'HEADERS', 'PRIORITY', 'RST_STREAM', 'SETTINGS', 'PUSH_PROMISE', 'PING', 'GOAWAY', 'WINDOW_UPDATE', 'CONTINUATION'];

export interface H2Frame { type: number; flags: number; streamId: number; start: number; length: number }

export class Http2ClientStream {
  readonly requests: HttpRequest[] = [];
  readonly problems: Problem[] = [];
  /** Every frame read, in order (not kept with `keepFrames: false`: a server that stays open reads without end). */
  readonly frames: H2Frame[] = [];
  preface: Http2Preface | null = null;
  /** The bytes not yet read as frames: `buf[0, len)` (the capacity doubles, so a client sending a byte at a time costs linear time). */
  private buf = new Uint8Array(0);
  private len = 0;
  /** Bytes of the stream consumed so far (offsets are stream offsets). */
  private base = 0;
  private sawPreface = false;
  private dead = false;
  private readonly hpack = new HpackDecoder();
  private pending: { streamId: number; block: Uint8Array[]; start: number; endStream: boolean } | undefined;
  /** Each request's body (DATA payloads without their padding) and whether its stream has ended. */
  private readonly bodies = new Map<number, { parts: Uint8Array[]; size: number; ended: boolean }>();
  private readonly pre: Http2Preface = { settings: [], windowUpdate: 0, priorities: [], pseudoHeaderOrder: [], frames: [] };
  /** SETTINGS_INITIAL_WINDOW_SIZE as the client last set it (65,535 until it does): a stream's window for what is sent to it. */
  initialWindow = 65535;
  /** The client's WINDOW_UPDATE increments per stream id (0: the connection), summed: more credit for what is sent to it. */
  readonly windowUpdates = new Map<number, number>();
  /** DATA payload bytes received in all, padding included: what the client's sending used of the connection's window (RFC 9113 6.9.1). */
  dataReceived = 0;
  /** Padding (and pad length bytes) of each stream's DATA, summed: window its body did not use. A reader may empty it once given back. */
  readonly padding = new Map<number, number>();
  /** Streams the client reset (RST_STREAM). */
  readonly resets = new Set<number>();
  /** The opaque data of each PING the client sent (not its ACKs), in order: each wants an ACK (RFC 9113 6.7). A reader may empty it once ACKed. */
  readonly pings: Uint8Array[] = [];
  /** PINGs the client sent in all (not ACKs). */
  pingsReceived = 0;
  /** SETTINGS frames the client sent (not ACKs): each wants an ACK (RFC 9113 6.5.3). */
  settingsFrames = 0;
  private readonly keepFrames: boolean;
  /** The highest stream the client opened. */
  private lastOpened = 0;

  constructor(o: { keepFrames?: boolean } = {}) {
    this.keepFrames = o.keepFrames ?? true;
  }

  push(bytes: Uint8Array): void {
    if (this.dead || bytes.length === 0) return;
    if (this.len + bytes.length > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.len + bytes.length, this.buf.length * 2, 4096));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    const b = this.buf.subarray(0, this.len);
    let p = 0;
    if (!this.sawPreface) {
      if (b.length < 24) return;
      for (let i = 0; i < 24; i++) {
        if (b[i] !== H2_PREFACE.charCodeAt(i)) {
          this.fail('not_h2', `the client did not send the HTTP/2 connection preface (offset ${this.base + i})`, this.base + i);
          return;
        }
      }
      this.sawPreface = true;
      p = 24;
    }
    while (p + 9 <= b.length) {
      const len = (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
      if (len > 1 << 24) { this.fail('bad_frame', `frame length ${len} at offset ${this.base + p}`, this.base + p); return; }
      if (p + 9 + len > b.length) break;
      const f: H2Frame = { type: b[p + 3]!, flags: b[p + 4]!, streamId: ((b[p + 5]! & 0x7f) << 24) | (b[p + 6]! << 16) | (b[p + 7]! << 8) | b[p + 8]!, start: this.base + p, length: 9 + len };
      if (this.keepFrames) this.frames.push(f);
      this.frame(f, b.subarray(p + 9, p + 9 + len));
      if (this.dead) return;
      p += 9 + len;
    }
    this.base += p;
    if (p > 0) {
      this.buf.copyWithin(0, p, this.len);
      this.len -= p;
    }
  }

  private fail(code: string, message: string, offset: number): void {
    this.problems.push({ severity: 'error', code, message, offset });
    this.dead = true;
  }

  private frame(f: H2Frame, payload: Uint8Array): void {
    const name = FRAME_NAMES[f.type] ?? `0x${f.type.toString(16)}`;
    // Inside a header block only its CONTINUATION frames may come (RFC 9113 6.2); RST_STREAM and
    // WINDOW_UPDATE only on a stream the client opened (5.1: an idle stream's are an error).
    if (this.pending && (f.type !== 9 || f.streamId !== this.pending.streamId)) {
      this.fail('bad_frame', `a ${name} frame (stream ${f.streamId}) at offset ${f.start} inside the header block of stream ${this.pending.streamId} (RFC 9113 6.2)`, f.start);
      return;
    }
    if ((f.type === 3 || (f.type === 8 && f.streamId !== 0)) && !this.bodies.has(f.streamId)) {
      this.fail('bad_frame', `${name} at offset ${f.start} on stream ${f.streamId}, which the client never opened (RFC 9113 5.1)`, f.start);
      return;
    }
    const beforeFirst = this.preface === null;
    if (beforeFirst) this.pre.frames.push(name);
    if (f.type === 4 && !(f.flags & 1)) this.settingsFrames++;
    else if (f.type === 6 && !(f.flags & 1) && payload.length === 8) { this.pings.push(payload.slice()); this.pingsReceived++; }
    else if (f.type === 3) this.resets.add(f.streamId);
    else if (f.type === 0) this.dataReceived += payload.length;
    if (f.type === 4 && !(f.flags & 1)) {
      for (let i = 0; i + 6 <= payload.length; i += 6) if (((payload[i]! << 8) | payload[i + 1]!) === 4) this.initialWindow = ((payload[i + 2]! << 24) >>> 0) + ((payload[i + 3]! << 16) | (payload[i + 4]! << 8) | payload[i + 5]!);
    } else if (f.type === 8 && payload.length >= 4) {
      const inc = (((payload[0]! & 0x7f) << 24) | (payload[1]! << 16) | (payload[2]! << 8) | payload[3]!) >>> 0;
      this.windowUpdates.set(f.streamId, (this.windowUpdates.get(f.streamId) ?? 0) + inc);
    }
    if (f.type === 4 && !(f.flags & 1) && beforeFirst) {
      for (let i = 0; i + 6 <= payload.length; i += 6) this.pre.settings.push([(payload[i]! << 8) | payload[i + 1]!, ((payload[i + 2]! << 24) >>> 0) + ((payload[i + 3]! << 16) | (payload[i + 4]! << 8) | payload[i + 5]!)]);
    } else if (f.type === 8 && f.streamId === 0 && beforeFirst && payload.length >= 4) {
      this.pre.windowUpdate = (((payload[0]! & 0x7f) << 24) | (payload[1]! << 16) | (payload[2]! << 8) | payload[3]!) >>> 0;
    } else if (f.type === 2 && beforeFirst && payload.length >= 5) {
      this.pre.priorities.push({ streamId: f.streamId, exclusive: (payload[0]! & 0x80) !== 0, dependsOn: (((payload[0]! & 0x7f) << 24) | (payload[1]! << 16) | (payload[2]! << 8) | payload[3]!) >>> 0, weight: payload[4]! });
    } else if (f.type === 1) {
      // A client opens odd-numbered streams, each numbered above the last (RFC 9113 5.1.1); HEADERS on an open one is its trailers.
      if (!this.bodies.has(f.streamId) && (f.streamId === 0 || f.streamId % 2 === 0 || f.streamId <= this.lastOpened)) {
        this.fail('bad_frame', `HEADERS at offset ${f.start} opens stream ${f.streamId}: ${f.streamId === 0 ? 'stream 0 is the connection' : f.streamId % 2 === 0 ? 'a client opens odd-numbered streams' : `not above stream ${this.lastOpened}, opened before`} (RFC 9113 5.1.1)`, f.start);
        return;
      }
      if (!this.bodies.has(f.streamId)) this.lastOpened = f.streamId;
      let q = 0, end = payload.length;
      if (f.flags & 0x8) { const pad = payload[0] ?? 0; q = 1; end -= pad; }
      if (f.flags & 0x20) q += 5;
      if (q > end) { this.fail('bad_frame', `HEADERS padding exceeds the frame at offset ${f.start}`, f.start); return; }
      // Copies: the buffer under `payload` is reused for the bytes that come next.
      this.pending = { streamId: f.streamId, block: [payload.slice(q, end)], start: f.start, endStream: (f.flags & 0x1) !== 0 };
      if (f.flags & 0x4) this.endHeaders();
    } else if (f.type === 0) {
      const body = this.bodies.get(f.streamId);
      if (!body || body.ended) return;
      let q = 0, end = payload.length;
      if (f.flags & 0x8) { q = 1; end -= payload[0] ?? 0; }
      if (q > end) { this.fail('bad_frame', `DATA padding exceeds the frame at offset ${f.start}`, f.start); return; }
      if (end > q) { body.parts.push(payload.slice(q, end)); body.size += end - q; }
      if (payload.length > end - q) this.padding.set(f.streamId, (this.padding.get(f.streamId) ?? 0) + payload.length - (end - q));
      if (f.flags & 0x1) body.ended = true;
    } else if (f.type === 9) {
      if (!this.pending || this.pending.streamId !== f.streamId) { this.fail('bad_frame', `CONTINUATION without HEADERS at offset ${f.start}`, f.start); return; }
      this.pending.block.push(payload.slice());
      if (f.flags & 0x4) this.endHeaders();
    }
  }

  private endHeaders(): void {
    const p = this.pending!;
    this.pending = undefined;
    const block = concatBytes(p.block);
    let fields;
    try {
      fields = this.hpack.decode(block);
    } catch (e) {
      if (e instanceof HpackError) { this.fail('hpack', `stream ${p.streamId}: ${e.message}`, p.start); return; }
      throw e;
    }
    const known = this.bodies.get(p.streamId);
    if (known) {
      // A second header block on a stream: its trailers (RFC 9113 8.1), not another request.
      if (p.endStream) known.ended = true;
      return;
    }
    this.bodies.set(p.streamId, { parts: [], size: 0, ended: p.endStream });
    const get = (n: string): string => fields.find((x) => x.name === n)?.value ?? '';
    const req: HttpRequest = {
      method: get(':method'), target: get(':path'), version: 'HTTP/2', streamId: p.streamId, complete: true, problems: [],
      headers: fields.map((x) => ({ name: x.name, value: x.value })),
    };
    if (this.preface === null) {
      this.pre.pseudoHeaderOrder = fields.filter((x) => x.name.startsWith(':')).map((x) => x.name);
      this.preface = this.pre;
    }
    this.requests.push(req);
  }

  /** The stream of a header block still being received (its HEADERS came, its END_HEADERS not yet), if any. */
  get openingStream(): number | undefined {
    return this.pending?.streamId;
  }

  /** The body a request's stream carried so far (`ended`: its END_STREAM came), or undefined for an unknown stream. */
  bodyOf(streamId: number): { bytes: Uint8Array; ended: boolean } | undefined {
    const b = this.bodies.get(streamId);
    if (!b) return undefined;
    if (b.parts.length > 1) b.parts = [concatBytes(b.parts, b.size)];
    return { bytes: b.parts[0] ?? new Uint8Array(0), ended: b.ended };
  }
}
