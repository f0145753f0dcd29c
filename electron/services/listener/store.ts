// Observations: an append-only NDJSON log in the data directory, written in small batches with
// fsync (a killed process loses at most the last batch), read back on start (a damaged last line
// is skipped with a warning), rotated at a size limit; and an in-memory window of the most recent
// records (by their encoded size, 50 MB by default, like the seed API) for /fps and /stats.
import { closeSync, existsSync, fstatSync, fsync, fsyncSync, mkdirSync, openSync, readSync, renameSync, statSync, write, writeSync } from 'node:fs';
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

/** What /stats needs of an observation; the window keeps only this and the log line (fewer objects for the GC to walk). */
export interface ObservationSummary {
  id: number;
  ip: string;
  time_ms: number;
  sha3_384: unknown;
  ja4: unknown;
  ja3: unknown;
  user_agent: unknown;
}

const summarize = (o: StoredObservation): ObservationSummary => ({ id: o.id, ip: o.ip, time_ms: o.time_ms, sha3_384: o.sha3_384, ja4: o.ja4, ja3: o.ja3, user_agent: o.user_agent ?? null });

export interface StoreOptions {
  dataDir: string;
  windowBytes?: number;
  rotateBytes?: number;
  flushMs?: number;
  /** How much of the log's end is read at a time on start (tests make it small). */
  readChunk?: number;
  warn?: (msg: string) => void;
}

/**
 * The lines, each ended by a newline, as one flat string: `join` makes a flat string, and one more
 * `+ '\n'` would make a rope that the write then copies once more to flatten.
 */
function joinLines(lines: string[]): string {
  lines.push('');
  const text = lines.join('\n');
  lines.pop();
  return text;
}

interface WindowRecord {
  obs: ObservationSummary;
  line: string;
}

/** How much of the log's end is read at a time on start. */
const TAIL_CHUNK = 4 * 1024 * 1024;

export class ObservationStore {
  readonly window = new Fifo<WindowRecord>();
  private windowSize = 0;
  private readonly windowMax: number;
  /** Window records by client address, for /fps?all=1 without scanning the window. */
  private readonly ipIndex = new Map<string, Fifo<WindowRecord>>();
  private pending: string[] = [];
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
    this.load();
    this.fd = openSync(this.path, 'a');
    this.logSize = existsSync(this.path) ? statSync(this.path).size : 0;
  }

  /**
   * Reads the log back: only its end, as much as the window holds (the log may be 256 MB before
   * it rotates; the window is 50 MB by default), from the last complete line backwards.
   */
  private load(): void {
    if (!existsSync(this.path)) return;
    const fd = openSync(this.path, 'r');
    let tail: Buffer, start: number;
    try {
      const size = fstatSync(fd).size;
      start = size;
      const chunks: Buffer[] = [];
      let got = 0;
      // A window of N characters of lines is at most N bytes of UTF-8 and may be more (a
      // character can take up to 3 bytes), so read until the whole lines read fill it.
      for (;;) {
        const n = Math.min(this.o.readChunk ?? TAIL_CHUNK, start);
        if (n === 0) break;
        const b = Buffer.allocUnsafe(n);
        readSync(fd, b, 0, n, start - n);
        chunks.unshift(b);
        start -= n;
        got += n;
        if (got > this.windowMax + 1 && this.windowChars(Buffer.concat(chunks, got), start) > this.windowMax) break;
      }
      tail = Buffer.concat(chunks, got);
    } finally {
      closeSync(fd);
    }
    // A line cut by where the reading started is not a whole line: skip it.
    let at = start === 0 ? 0 : tail.indexOf(0x0a) + 1;
    if (start !== 0 && at === 0) return;
    while (at < tail.length) {
      let end = tail.indexOf(0x0a, at);
      if (end < 0) end = tail.length;
      const line = tail.toString('utf8', at, end);
      if (line.trim()) {
        try {
          const obs = JSON.parse(line) as StoredObservation;
          this.remember(obs, line);
          this.nextId = Math.max(this.nextId, obs.id + 1);
        } catch {
          this.o.warn?.(`${this.path}: the line at byte offset ${start + at} is damaged and was skipped${end >= tail.length - 1 ? ' (the process probably stopped while writing it)' : ''}`);
        }
      }
      at = end + 1;
    }
  }

  /** The characters (plus one per newline) of the whole lines of `tail`, read from byte `start` of the log. */
  private windowChars(tail: Buffer, start: number): number {
    const from = start === 0 ? 0 : tail.indexOf(0x0a) + 1;
    return from === 0 && start !== 0 ? 0 : tail.toString('utf8', from).length;
  }

  private remember(full: StoredObservation, line: string): void {
    const w = { obs: summarize(full), line };
    this.window.push(w);
    this.windowSize += line.length + 1;
    const list = this.ipIndex.get(full.ip);
    if (list) list.push(w);
    else {
      const l = new Fifo<WindowRecord>();
      l.push(w);
      this.ipIndex.set(full.ip, l);
    }
    while (this.windowSize > this.windowMax && this.window.length > 1) {
      const old = this.window.shift()!;
      this.windowSize -= old.line.length + 1;
      // The oldest record of the window is the oldest of its address too.
      const l = this.ipIndex.get(old.obs.ip);
      if (l) { l.shift(); if (!l.length) this.ipIndex.delete(old.obs.ip); }
    }
  }

  add(partial: Omit<StoredObservation, 'id'>): StoredObservation {
    const obs = { id: this.nextId++, ...partial } as StoredObservation;
    return this.keep(obs, JSON.stringify(obs));
  }

  /**
   * Like add, for a caller that has the line's text already: `obs` has an `id` member first
   * (its value is set here) and `afterId` is what `JSON.stringify(obs)` writes after the id
   * (`"ip":…` without the closing brace), so the line is the same as add's.
   */
  addPrepared(obs: StoredObservation, afterId: string): StoredObservation {
    obs.id = this.nextId++;
    return this.keep(obs, `{"id":${obs.id},${afterId}}`);
  }

  private keep(obs: StoredObservation, line: string): StoredObservation {
    this.made++;
    this.remember(obs, line);
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
    const text = joinLines(lines);
    this.writing = true;
    write(this.fd, text, (err) => {
      if (err) { this.pending.unshift(...lines); this.writing = false; this.o.warn?.(`${this.path}: write failed: ${err.message}`); return; }
      fsync(this.fd, () => {
        this.writing = false;
        this.written += lines.length;
        this.logSize += Buffer.byteLength(text);
        this.rotateIfNeeded();
        if (this.pending.length && !this.timer) this.timer = setTimeout(() => this.flushAsync(), this.o.flushMs ?? 200);
      });
    });
  }

  private rotateIfNeeded(): void {
    if (this.logSize <= (this.o.rotateBytes ?? 256 * 1024 * 1024)) return;
    closeSync(this.fd);
    renameSync(this.path, `${this.path}.1`);
    this.fd = openSync(this.path, 'a');
    this.logSize = 0;
  }

  /** Writes everything pending now, synchronously (on stop, and for tests). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.length) return;
    const text = joinLines(this.pending);
    const n = this.pending.length;
    this.pending = [];
    writeSync(this.fd, text);
    fsyncSync(this.fd);
    this.written += n;
    this.logSize += Buffer.byteLength(text);
    this.rotateIfNeeded();
  }

  /** Waits for a write in flight, then writes what is pending: afterwards the log holds every observation made. */
  async settle(): Promise<void> {
    while (this.writing) await new Promise((r) => setTimeout(r, 5));
    this.flush();
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing) await new Promise((r) => setTimeout(r, 5));
    this.flush();
    closeSync(this.fd);
  }

  /** Observations of one address in the window, most recent last (read back from their log lines). */
  byIp(ip: string): StoredObservation[] {
    return this.ipIndex.get(ip)?.map((w) => JSON.parse(w.line) as StoredObservation) ?? [];
  }

  countByIp(ip: string): number {
    return this.ipIndex.get(ip)?.length ?? 0;
  }

  all(): ObservationSummary[] {
    return this.window.map((w) => w.obs);
  }
}
