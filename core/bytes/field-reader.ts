import type { FieldValue, Problem } from '../dissect/field.js';
import type { TreeSink } from '../dissect/tree-builder.js';
import { toHex } from './hex.js';

/**
 * Thrown inside parsers when a read runs past the end of its bounds. It never leaves core's
 * public functions: the structure that catches it records a problem and keeps what it has.
 */
export class OutOfBytes extends Error {
  override readonly name = 'OutOfBytes';
  constructor(readonly what: string, readonly offset: number, readonly needed: number, readonly left: number) {
    super(`${what} needs ${needed} byte${needed === 1 ? '' : 's'} at offset ${offset} but only ${left} ${left === 1 ? 'is' : 'are'} left`);
  }
}

export type Fmt = (v: number) => string;
/** What a structure is called in problem messages; a function when the name costs something to build (made only if a problem is reported). */
export type What = string | (() => string);
const whatText = (w: What): string => (typeof w === 'string' ? w : w());
const dec: Fmt = (v) => String(v);

/**
 * A cursor over a byte range that records a field for each read, the way a Wireshark
 * dissector calls proto_tree_add_item and then advances its offset. Sub-readers for
 * length-prefixed vectors share the sink and source; their `end` is the vector's end.
 */
export class FieldReader {
  constructor(
    readonly buf: Uint8Array,
    readonly source: string,
    public pos: number,
    public end: number,
    readonly sink: TreeSink,
  ) {}

  get left(): number {
    return this.end - this.pos;
  }

  get tree(): boolean {
    return this.sink.enabled;
  }

  need(n: number, what: string): void {
    if (this.pos + n > this.end) throw new OutOfBytes(what, this.pos, n, Math.max(0, this.end - this.pos));
  }

  problem(severity: Problem['severity'], code: string, message: string, offset = this.pos): void {
    this.sink.problem({ severity, code, message, source: this.source, offset });
  }

  peekU8(at = this.pos): number {
    return this.buf[at]!;
  }

  peekU16(at = this.pos): number {
    return (this.buf[at]! << 8) | this.buf[at + 1]!;
  }

  private leaf(key: string, label: string, start: number, length: number, value: FieldValue, display: string, grease?: boolean): void {
    this.sink.leaf(key, label, this.source, start, length, value, display, grease);
  }

  u8(key: string, label: string, fmt: Fmt = dec, grease?: (v: number) => boolean): number {
    this.need(1, label);
    const v = this.buf[this.pos]!;
    if (this.sink.enabled) this.leaf(key, label, this.pos, 1, v, fmt(v), grease?.(v));
    this.pos += 1;
    return v;
  }

  u16(key: string, label: string, fmt: Fmt = dec, grease?: (v: number) => boolean): number {
    this.need(2, label);
    const b = this.buf, p = this.pos;
    const v = (b[p]! << 8) | b[p + 1]!;
    if (this.sink.enabled) this.leaf(key, label, p, 2, v, fmt(v), grease?.(v));
    this.pos = p + 2;
    return v;
  }

  u24(key: string, label: string, fmt: Fmt = dec): number {
    this.need(3, label);
    const b = this.buf, p = this.pos;
    const v = (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
    if (this.sink.enabled) this.leaf(key, label, p, 3, v, fmt(v));
    this.pos = p + 3;
    return v;
  }

  u32(key: string, label: string, fmt: Fmt = dec): number {
    this.need(4, label);
    const b = this.buf, p = this.pos;
    const v = ((b[p]! << 24) >>> 0) + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
    if (this.sink.enabled) this.leaf(key, label, p, 4, v, fmt(v));
    this.pos = p + 4;
    return v;
  }

  /** Big-endian unsigned integer of 1..6 bytes (DTLS sequence numbers are 48 bits). */
  uint(n: number, key: string, label: string, fmt: Fmt = dec): number {
    this.need(n, label);
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.buf[this.pos + i]!;
    if (this.sink.enabled) this.leaf(key, label, this.pos, n, v, fmt(v));
    this.pos += n;
    return v;
  }

  /** QUIC variable-length integer (RFC 9000 section 16); 8-byte values above 2^53 lose precision. */
  varint(key: string, label: string, fmt: Fmt = dec): number {
    this.need(1, label);
    const first = this.buf[this.pos]!;
    const n = 1 << (first >> 6);
    this.need(n, label);
    let v = first & 0x3f;
    for (let i = 1; i < n; i++) v = v * 256 + this.buf[this.pos + i]!;
    if (this.sink.enabled) this.leaf(key, label, this.pos, n, v, fmt(v));
    this.pos += n;
    return v;
  }

  /** Opaque bytes; the field value is their hex. `display` overrides the hex display. */
  bytes(key: string, label: string, n: number, display?: (b: Uint8Array) => string): Uint8Array {
    this.need(n, label);
    const v = this.buf.subarray(this.pos, this.pos + n);
    if (this.sink.enabled) {
      const h = toHex(v);
      this.leaf(key, label, this.pos, n, h, display ? display(v) : n === 0 ? '(empty)' : h.length > 96 ? h.slice(0, 96) + '…' : h);
    }
    this.pos += n;
    return v;
  }

  /** Bytes decoded as text (UTF-8 with replacement, so any input is safe). */
  text(key: string, label: string, n: number): string {
    this.need(n, label);
    const s = decodeUtf8(this.buf.subarray(this.pos, this.pos + n));
    if (this.sink.enabled) this.leaf(key, label, this.pos, n, s, JSON.stringify(s));
    this.pos += n;
    return s;
  }

  /** A generated field (computed, not read): zero length at the current position. */
  generated(key: string, label: string, value: FieldValue, display = String(value)): void {
    if (!this.sink.enabled) return;
    this.sink.leaf(key, label, this.source, this.pos, 0, value, display);
  }

  open(key: string, label: string, display = '', at = this.pos, grease?: boolean): void {
    if (this.sink.enabled) this.sink.open(key, label, this.source, at, display, grease);
  }

  close(display?: string, value?: FieldValue, end = this.pos): void {
    if (this.sink.enabled) this.sink.close(end, display, value);
  }

  /**
   * Reads a `lenBytes` length prefix and returns a reader bounded to the vector's body.
   * A length beyond what is left is reported ("cipher_suites length 32 exceeds the 10 bytes
   * left at offset 43") and clamped, so the caller still parses what is there.
   * The caller advances past the body with `finish(sub)`.
   */
  vector(lenBytes: 1 | 2 | 3, key: string, label: string, what: What): FieldReader {
    const len = lenBytes === 1 ? this.u8(key, label) : lenBytes === 2 ? this.u16(key, label) : this.u24(key, label);
    let end = this.pos + len;
    if (end > this.end) {
      this.problem('error', 'length_exceeds', `${whatText(what)} length ${len} exceeds the ${this.end - this.pos} bytes left at offset ${this.pos}`);
      end = this.end;
    }
    return new FieldReader(this.buf, this.source, this.pos, end, this.sink);
  }

  /** Moves past a sub-reader's range, reporting bytes it left unread. */
  finish(sub: FieldReader, what: What): void {
    if (sub.pos < sub.end) {
      sub.problem('warning', 'trailing_bytes', `${sub.end - sub.pos} unparsed byte${sub.end - sub.pos === 1 ? '' : 's'} at the end of ${whatText(what)} at offset ${sub.pos}`);
      if (this.sink.enabled) this.sink.leaf('_ws.unparsed', 'Unparsed bytes', this.source, sub.pos, sub.end - sub.pos, toHex(this.buf, sub.pos, sub.end), `${sub.end - sub.pos} bytes`);
    }
    this.pos = sub.end;
  }

  /** A reader over the next `n` bytes (clamped to what is left), without a length field. */
  sub(n: number): FieldReader {
    return new FieldReader(this.buf, this.source, this.pos, Math.min(this.end, this.pos + n), this.sink);
  }
}

// TextDecoder exists in browsers, workers and Node; core declares the little it uses (see core/env.d.ts).
let utf8: TextDecoder | undefined;
export function decodeUtf8(b: Uint8Array): string {
  utf8 ??= new TextDecoder('utf-8', { fatal: false });
  return utf8.decode(b);
}

/**
 * ASCII (Latin-1) decoding, byte for byte: header names and other protocol tokens. One string
 * per 4 KB run instead of one per byte (header parsing made most of its garbage here).
 */
export function decodeLatin1(b: Uint8Array, start = 0, end = b.length): string {
  if (end - start <= 4096) return latin1Chunk(b, start, end);
  let s = '';
  for (let i = start; i < end; i += 4096) s += latin1Chunk(b, i, Math.min(end, i + 4096));
  return s;
}

/**
 * Up to 256 bytes are copied into a plain array first, one reused array per length: apply on
 * a typed array takes a slow generic path (about twice the time for the short strings of
 * headers and names), and setting a shared array's length is a runtime call too.
 */
const LATIN1_SCRATCH_MAX = 256;
const latin1Scratch: number[][] = [];
function latin1Chunk(b: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n > LATIN1_SCRATCH_MAX || start < 0 || end > b.length) return String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[]);
  if (n <= 0) return '';
  const a = (latin1Scratch[n] ??= new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) a[i] = b[start + i]!;
  return String.fromCharCode.apply(null, a);
}

/** The same bytes, in the same order. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
