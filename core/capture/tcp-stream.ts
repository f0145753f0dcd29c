// Reassembly of one direction of a TCP connection: segments arrive in any order, repeated or
// overlapping; the stream is rebuilt from its first byte (the byte after the SYN, or the first
// payload seen when the capture starts mid-connection) up to a byte limit, remembering which
// frame each run of bytes came from. Overlaps keep the bytes that arrived first (as Wireshark
// does by default).
import type { ReassembledDirection } from './finish-tcp.js';

interface Pending { rel: number; data: Uint8Array; frame: number; fileOffset: number; time: number }

/** Relative offsets beyond this are treated as "before the start" (sequence wrap-around). */
const HALF = 0x80000000;
/** Out-of-order segments held while waiting for a gap to fill. */
const MAX_PENDING = 64;
const EMPTY = new Uint8Array(0);

/**
 * Small stream buffers are carved from shared 4 MiB slabs instead of each being its own
 * allocation (most streams hold a few KB for a short while, and separate ArrayBuffers cost a
 * system allocation and GC work each). Slab memory is never handed out twice: a slab is freed
 * when the last view into it is gone.
 */
const SLAB = 1 << 20;
const SLAB_PIECE_MAX = 64 * 1024;
let slab = EMPTY;
let slabAt = 0;
function allocBytes(n: number): Uint8Array {
  if (n > SLAB_PIECE_MAX) return new Uint8Array(n);
  if (slabAt + n > slab.length) {
    slab = new Uint8Array(SLAB);
    slabAt = 0;
  }
  const b = slab.subarray(slabAt, slabAt + n);
  slabAt += (n + 7) & ~7;
  return b;
}

export class TcpDirectionStream {
  private isn: number | undefined;
  private buf: Uint8Array;
  private len = 0;
  /**
   * Runs of bytes as flat numbers (at, length, frame, fileOffset per run), made into objects only
   * when the conversation is finished: a conversation lives for thousands of packets, and an
   * object per segment kept that long is copied by every young-generation collection until it
   * is promoted.
   */
  private runs: number[] = [];
  readonly times: number[] = [];
  /** Out-of-order segments, allocated when the first one arrives. */
  private pending: Pending[] | undefined;
  /** Bytes beyond `limit` or behind a gap that never filled. */
  truncated = false;
  /** Payload bytes seen in this direction (including retransmissions). */
  bytesSeen = 0;
  /** No more bytes are kept (see seal()). */
  sealed = false;
  /** Where the TLS record walk of tlsHandshakeDone() stopped; -1 once the stream cannot be TLS from its start. */
  private walk = 0;

  constructor(private limit: number) {
    // Allocated on the first byte: most directions of most conversations carry a few KB or none.
    this.buf = EMPTY;
  }

  /** The first sequence number of the stream's data (SYN's sequence number + 1). */
  setStart(seq: number): void {
    if (this.isn === undefined && this.len === 0) this.isn = seq >>> 0;
  }

  get started(): boolean {
    return this.isn !== undefined;
  }

  /** The sequence number the stream started at (see setStart), if it has. */
  get startSeq(): number | undefined {
    return this.isn;
  }

  get length(): number {
    return this.len;
  }

  /** False when a push can change nothing but bytesSeen: sealed, or full and already marked truncated. */
  get accepting(): boolean {
    return !this.sealed && !(this.len >= this.limit && this.truncated);
  }

  /** Counts bytes that are not kept (what push does when not accepting). */
  skip(n: number): void {
    this.bytesSeen += n;
  }

  /** Keep no more bytes: the consumer has all it needs. */
  seal(): void {
    this.sealed = true;
  }

  /**
   * True when the stream starts with a TLS handshake record holding a hello of `helloType` (1
   * ClientHello, 2 ServerHello) and the run of cleartext records (types 20-22) that follows has
   * ended at a record header already here (application data, usually): later bytes cannot change
   * that run. Walks each record header once over successive calls.
   */
  tlsHandshakeDone(helloType: number): boolean {
    const b = this.buf, len = this.len;
    if (this.walk < 0 || len < 6) return false;
    if (this.walk === 0 && !(b[0] === 22 && b[1] === 3 && b[2]! <= 4 && b[5] === helloType)) {
      this.walk = -1;
      return false;
    }
    let off = this.walk;
    while (off + 5 <= len) {
      const type = b[off]!;
      if (type < 20 || type > 22 || b[off + 1] !== 3) return true;
      off += 5 + ((b[off + 3]! << 8) | b[off + 4]!);
    }
    this.walk = off;
    return false;
  }

  raiseLimit(n: number): void {
    this.limit = Math.max(this.limit, n);
  }

  push(seq: number, data: Uint8Array, frame: number, fileOffset: number, time: number): void {
    if (data.length === 0) return;
    this.bytesSeen += data.length;
    if (this.sealed) return;
    this.isn ??= seq >>> 0;
    const rel = ((seq >>> 0) - this.isn) >>> 0;
    if (rel >= HALF) {
      // Starts before the stream start: keep the part after it, if any.
      const skip = (0x100000000 - rel) >>> 0;
      if (skip >= data.length) return;
      return this.place(0, data.subarray(skip), frame, fileOffset + skip, time);
    }
    this.place(rel, data, frame, fileOffset, time);
  }

  private place(rel: number, data: Uint8Array, frame: number, fileOffset: number, time: number): void {
    if (this.len >= this.limit) {
      this.truncated = true;
      return;
    }
    const end = rel + data.length;
    if (end <= this.len) return; // retransmission of what we have
    if (rel > this.len) {
      // A gap: hold the segment until the missing bytes arrive.
      if (rel >= this.limit) { this.truncated = true; return; }
      const pending = (this.pending ??= []);
      if (pending.length >= MAX_PENDING) { this.truncated = true; return; }
      pending.push({ rel, data: data.slice(), frame, fileOffset, time });
      return;
    }
    const skip = this.len - rel;
    // In-order data (the usual case) is appended as it is: a view per segment is garbage.
    this.append(skip === 0 ? data : data.subarray(skip), frame, fileOffset + skip, time);
    this.drainPending();
  }

  private append(data: Uint8Array, frame: number, fileOffset: number, time: number): void {
    const room = this.limit - this.len;
    if (room <= 0) { this.truncated = true; return; }
    if (data.length > room) {
      this.truncated = true;
      data = data.subarray(0, room);
    }
    if (this.len + data.length > this.buf.length) {
      const nb = allocBytes(Math.min(this.limit, Math.max(this.buf.length * 2, this.len + data.length, 512)));
      // The whole old buffer (no view of its used part): nb is larger, the bytes past len are never read.
      if (this.len) nb.set(this.buf);
      this.buf = nb;
    }
    this.buf.set(data, this.len);
    this.runs.push(this.len, data.length, frame, fileOffset);
    this.times.push(time);
    this.len += data.length;
  }

  private drainPending(): void {
    const pending = this.pending;
    if (!pending || pending.length === 0) return;
    let progressed = true;
    while (progressed && pending.length) {
      progressed = false;
      for (let i = 0; i < pending.length; i++) {
        const p = pending[i]!;
        if (p.rel <= this.len) {
          pending.splice(i, 1);
          const skip = this.len - p.rel;
          if (skip < p.data.length) this.append(p.data.subarray(skip), p.frame, p.fileOffset + skip, p.time);
          progressed = true;
          break;
        }
      }
    }
  }

  /**
   * Bytes rebuilt so far (a view), with the runs as they are kept (flat numbers; see
   * piecesFromRuns) and their times. A gap still open at the end marks the stream truncated.
   * `into`: an object to fill instead of a new one.
   */
  reassembled(into?: ReassembledDirection): ReassembledDirection {
    if (this.pending?.length) this.truncated = true;
    if (!into) return { bytes: this.buf.subarray(0, this.len), runs: this.runs, times: this.times, truncated: this.truncated };
    into.bytes = this.buf.subarray(0, this.len);
    into.runs = this.runs;
    into.times = this.times;
    into.truncated = this.truncated;
    return into;
  }
}
