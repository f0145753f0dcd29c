// Observations: an append-only NDJSON log in the data directory, written in small batches with
// fsync (a killed process loses at most the last batch), read back on start (a damaged last line
// is skipped with a warning), rotated at a size limit; and an in-memory window of the most recent
// records (by the size of their log lines, 50 MB by default, like the seed API) for /fps and /stats.
import { closeSync, existsSync, fchmodSync, fstatSync, fsync, fsyncSync, mkdirSync, openSync, readSync, renameSync, writeSync, writev, writevSync } from 'node:fs';
import { join } from 'node:path';
import { Fifo } from './fifo.js';

export interface StoredObservation {
  id: number;
  ip: string;
  port: number;
  /** Milliseconds since the epoch. */
  time_ms: number;
  [key: string]: unknown;
}

/** What /stats needs of an observation. */
export interface ObservationSummary {
  id: number;
  ip: string;
  time_ms: number;
  sha3_384: unknown;
  ja4: unknown;
  ja3: unknown;
  user_agent: unknown;
}

/**
 * A record of the window: the summary and the log line's bytes (with its newline). The line is
 * kept as bytes, outside the JavaScript heap: the window holds up to 50 MB of lines, which as
 * strings the garbage collector would copy from the young generation and walk on every full
 * collection; as bytes each record is one small object, and the same bytes are what the log gets.
 */
interface WindowRecord extends ObservationSummary {
  line: Buffer;
}

const recordOf = (o: StoredObservation, line: Buffer): WindowRecord => ({ id: o.id, ip: o.ip, time_ms: o.time_ms, sha3_384: o.sha3_384, ja4: o.ja4, ja3: o.ja3, user_agent: o.user_agent ?? null, line });

export interface StoreOptions {
  dataDir: string;
  /** The window's size: the bytes of the most recent log lines it holds (50 MB). */
  windowBytes?: number;
  rotateBytes?: number;
  flushMs?: number;
  warn?: (msg: string) => void;
}

const NEWLINE = 0x0a;

function readAt(fd: number, start: number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  let got = 0;
  while (got < n) {
    const r = readSync(fd, b, got, n - got, start + got);
    if (r === 0) break;
    got += r;
  }
  return b.subarray(0, got);
}

/**
 * The whole lines of `tail` (bytes of the log from byte `start`; a first line cut by where the
 * reading started is left out), parsed, each line copied with its newline (so the read buffer is
 * not kept alive by them), and the offsets of the lines that do not parse.
 */
function linesOf(tail: Buffer, start: number, slabs: LineSlabs): { whole: WindowRecord[]; damaged: { offset: number; last: boolean }[] } {
  // Records only (the summary and the line's bytes): the parsed observations, 50 MB of them for a
  // full window, are dropped as soon as they are read.
  const whole: WindowRecord[] = [], damaged: { offset: number; last: boolean }[] = [];
  let at = start === 0 ? 0 : tail.indexOf(NEWLINE) + 1;
  if (start !== 0 && at === 0) return { whole, damaged };
  while (at < tail.length) {
    let end = tail.indexOf(NEWLINE, at);
    if (end < 0) end = tail.length;
    const text = tail.toString('utf8', at, end);
    if (text.trim()) {
      try {
        const obs = JSON.parse(text) as StoredObservation;
        whole.push(recordOf(obs, slabs.copy(tail, at, end)));
      } catch {
        damaged.push({ offset: start + at, last: end >= tail.length - 1 });
      }
    }
    at = end + 1;
  }
  return { whole, damaged };
}

/**
 * The window's line bytes, carved from 1 MiB slabs in the order they are made (so they leave the
 * window, and a slab is freed, in that order too). Buffer.from would put each line in Node's
 * 8 KiB pools: the window's 50 MB as thousands of small heap chunks, freed one by one as records
 * leave, fragmenting the C heap that OpenSSL allocates from on every handshake.
 */
class LineSlabs {
  private slab = Buffer.allocUnsafeSlow(0);
  private at = 0;

  /** `text` and a newline as UTF-8 bytes. */
  line(text: string): Buffer {
    const n = Buffer.byteLength(text) + 1;
    const b = this.take(n);
    b.write(text, 0, n - 1, 'utf8');
    b[n - 1] = NEWLINE;
    return b;
  }

  /**
   * The pieces one after the other and a newline: what `line` makes of their texts joined,
   * without the joined text (a per-connection string of several KB the garbage collector would
   * have to deal with; the pieces are mostly kept bytes).
   */
  pieces(pieces: readonly LinePiece[]): Buffer {
    let n = 1;
    for (const x of pieces) n += typeof x === 'string' ? Buffer.byteLength(x) : x instanceof HexPiece ? 2 * x.bytes.length : x.length;
    const b = this.take(n);
    let at = 0;
    for (const x of pieces) {
      if (typeof x === 'string') at += b.write(x, at, 'utf8');
      else if (x instanceof HexPiece) at = writeHex(b, at, x.bytes);
      else { b.set(x, at); at += x.length; }
    }
    b[at] = NEWLINE;
    return b;
  }

  /** A copy of `src[start, end)` and a newline. */
  copy(src: Buffer, start: number, end: number): Buffer {
    const b = this.take(end - start + 1);
    src.copy(b, 0, start, end);
    b[b.length - 1] = NEWLINE;
    return b;
  }

  private take(n: number): Buffer {
    let b: Buffer;
    if (n > SLAB_BYTES >> 3) b = Buffer.allocUnsafeSlow(n);
    else {
      if (this.at + n > this.slab.length) { this.slab = Buffer.allocUnsafeSlow(SLAB_BYTES); this.at = 0; }
      b = this.slab.subarray(this.at, this.at + n);
      this.at += n;
    }
    return b;
  }
}
const SLAB_BYTES = 1 << 20;

/** A piece of a log line: text (written as UTF-8), bytes (copied as they are), or bytes to write as lowercase hex digits. */
export type LinePiece = string | Uint8Array | HexPiece;
export class HexPiece {
  constructor(readonly bytes: Uint8Array) {}
}
/** The two hex digits of each byte value, as their character codes (high digit in the high byte). */
const HEX_PAIRS = Uint16Array.from({ length: 256 }, (_, i) => (i.toString(16).padStart(2, '0').charCodeAt(0) << 8) | i.toString(16).padStart(2, '0').charCodeAt(1));
function writeHex(b: Buffer, at: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    const d = HEX_PAIRS[bytes[i]!]!;
    b[at++] = d >> 8;
    b[at++] = d & 0xff;
  }
  return at;
}

export class ObservationStore {
  private readonly slabs = new LineSlabs();
  readonly window = new Fifo<WindowRecord>();
  private windowSize = 0;
  private readonly windowMax: number;
  /** Window records by client address, for /fps?all=1 without scanning the window. */
  private readonly ipIndex = new Map<string, Fifo<WindowRecord>>();
  /** Lines made and not yet written, each with its newline. */
  private pending: Buffer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private fd: number;
  private logSize = 0;
  private nextId = 1;
  readonly path: string;
  /** Observations made and lines written (for the load test: nothing may be lost). */
  made = 0;
  written = 0;

  constructor(private readonly o: StoreOptions) {
    mkdirSync(o.dataDir, { recursive: true });
    this.windowMax = o.windowBytes ?? 50 * 1024 * 1024;
    this.path = join(o.dataDir, 'observations.ndjson');
    const endsCut = this.load();
    this.fd = openSync(this.path, 'a', 0o600);
    // (A log made before the mode was set keeps its own: made the owner's only here too.)
    fchmodSync(this.fd, 0o600);
    // A log whose last line was cut off (a killed process) ends without a newline: end it, or
    // the next line written would be glued to the damaged one and be lost with it.
    if (endsCut) writeSync(this.fd, '\n');
    this.logSize = fstatSync(this.fd).size;
  }

  /**
   * Reads the log back: only its end, as much as the window holds (the log may be 256 MB before
   * it rotates; the window is 50 MB by default), and the end of the previous generation
   * (`observations.ndjson.1`) when the current one holds less than the window (just after a
   * rotation). True when the current log does not end with a newline.
   */
  private load(): boolean {
    const cur = existsSync(this.path) ? this.tailOf(this.path, this.windowMax) : undefined;
    const have = cur ? cur.whole.reduce((n, x) => n + x.line.length, 0) : 0;
    const prevPath = `${this.path}.1`;
    const prev = have < this.windowMax && existsSync(prevPath) ? this.tailOf(prevPath, this.windowMax - have) : undefined;
    for (const t of [prev, cur]) {
      if (!t) continue;
      for (const d of t.damaged) this.o.warn?.(`${t.file}: the line at byte offset ${d.offset} is damaged and was skipped${d.last ? ' (the process probably stopped while writing it)' : ''}`);
      for (const w of t.whole) {
        this.remember(w);
        this.nextId = Math.max(this.nextId, w.id + 1);
      }
    }
    // Ids go on from the previous generation's even when none of its records is in the window.
    if (!prev && existsSync(prevPath) && this.nextId === 1) {
      const last = this.tailOf(prevPath, 1).whole.at(-1);
      if (last) this.nextId = last.id + 1;
    }
    return cur !== undefined && cur.endsCut;
  }

  /** The whole records at the end of a log file holding at least `bytes` of lines (all of them when it has fewer), and the damaged lines among them. */
  private tailOf(file: string, bytes: number): { file: string; whole: WindowRecord[]; damaged: { offset: number; last: boolean }[]; endsCut: boolean } {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      // The bytes, the newline before the first line (which says that line is whole), and a
      // margin; more when damaged lines in that part leave it short.
      let want = Math.min(size, bytes + 1 + 64 * 1024);
      for (;;) {
        const start = size - want;
        const tail = readAt(fd, start, want);
        const { whole, damaged } = linesOf(tail, start, this.slabs);
        if (start === 0 || whole.reduce((n, x) => n + x.line.length, 0) > bytes) {
          return { file, whole, damaged, endsCut: tail.length > 0 && tail[tail.length - 1] !== NEWLINE };
        }
        want = Math.min(size, want * 2);
      }
    } finally {
      closeSync(fd);
    }
  }

  private remember(w: WindowRecord): void {
    this.window.push(w);
    this.windowSize += w.line.length;
    const list = this.ipIndex.get(w.ip);
    if (list) list.push(w);
    else {
      const l = new Fifo<WindowRecord>();
      l.push(w);
      this.ipIndex.set(w.ip, l);
    }
    while (this.windowSize > this.windowMax && this.window.length > 1) {
      const old = this.window.shift()!;
      this.windowSize -= old.line.length;
      // The oldest record of the window is the oldest of its address too.
      const l = this.ipIndex.get(old.ip);
      if (l) { l.shift(); if (!l.length) this.ipIndex.delete(old.ip); }
    }
  }

  add(partial: Omit<StoredObservation, 'id'>): StoredObservation {
    const obs = { id: this.nextId++, ...partial } as StoredObservation;
    return this.keep(obs, JSON.stringify(obs));
  }

  /**
   * Like add, for a caller that has the line's text in pieces already: `obs` has an `id` member
   * first (its value is set here) and the pieces are what `JSON.stringify(obs)` writes after the
   * id (`"ip":…` and the closing brace), so the line is the same as add's.
   */
  addPieces(obs: StoredObservation, afterId: LinePiece[]): StoredObservation {
    obs.id = this.nextId++;
    afterId.unshift(`{"id":${obs.id},`);
    return this.keepLine(obs, this.slabs.pieces(afterId));
  }

  private keep(obs: StoredObservation, text: string): StoredObservation {
    return this.keepLine(obs, this.slabs.line(text));
  }

  private keepLine(obs: StoredObservation, line: Buffer): StoredObservation {
    this.made++;
    if (this.closed) {
      // (Its file descriptor may be another file's by now.)
      this.o.warn?.(`${this.path}: observation ${obs.id} came after the log was closed; not logged`);
      return obs;
    }
    this.remember(recordOf(obs, line));
    this.pending.push(line);
    this.timer ??= setTimeout(() => this.flushAsync(), this.o.flushMs ?? 200);
    return obs;
  }

  private writing = false;
  /** The periodic flush: write and fsync on libuv's thread pool, so requests are not blocked by the disk. */
  private flushAsync(): void {
    this.timer = undefined;
    if (this.writing || !this.pending.length) {
      if (this.pending.length) this.timer = setTimeout(() => this.flushAsync(), this.o.flushMs ?? 200);
      return;
    }
    const lines = this.pending;
    this.pending = [];
    this.writing = true;
    writev(this.fd, lines, (err, bytes) => {
      if (err) { this.pending.unshift(...lines); this.writing = false; this.o.warn?.(`${this.path}: write failed: ${err.message}`); return; }
      fsync(this.fd, () => {
        this.writing = false;
        this.wrote(lines.length, bytes);
        if (this.pending.length && !this.timer) this.timer = setTimeout(() => this.flushAsync(), this.o.flushMs ?? 200);
      });
    });
  }

  /** After a write and its fsync: count the lines, and rotate the log at its size limit. */
  private wrote(lines: number, bytes: number): void {
    this.written += lines;
    this.logSize += bytes;
    if (this.logSize <= (this.o.rotateBytes ?? 256 * 1024 * 1024)) return;
    closeSync(this.fd);
    renameSync(this.path, `${this.path}.1`);
    this.fd = openSync(this.path, 'a', 0o600);
    // (A log made before the mode was set keeps its own: made the owner's only here too.)
    fchmodSync(this.fd, 0o600);
    this.logSize = 0;
  }

  /** Writes everything pending now, synchronously (on stop, and for tests). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.length) return;
    const lines = this.pending;
    this.pending = [];
    const bytes = writevSync(this.fd, lines);
    fsyncSync(this.fd);
    this.wrote(lines.length, bytes);
  }

  /** Waits for a write in flight, then writes what is pending: afterwards the log holds every observation made. */
  async settle(): Promise<void> {
    while (this.writing) await new Promise((r) => setTimeout(r, 5));
    this.flush();
  }

  private closed = false;
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing) await new Promise((r) => setTimeout(r, 5));
    this.flush();
    this.closed = true;
    closeSync(this.fd);
  }

  /** Observations of one address in the window, most recent last (read back from their log lines). */
  byIp(ip: string): StoredObservation[] {
    return this.ipIndex.get(ip)?.map((w) => this.full(w)) ?? [];
  }

  countByIp(ip: string): number {
    return this.ipIndex.get(ip)?.length ?? 0;
  }

  all(): ObservationSummary[] {
    return this.window.map((w) => w);
  }

  /** The whole observation of a record all() returned (read back from its log line). */
  full(r: ObservationSummary): StoredObservation {
    return JSON.parse((r as WindowRecord).line.toString('utf8')) as StoredObservation;
  }
}
