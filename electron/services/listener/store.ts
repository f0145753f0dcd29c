// Observations: an append-only NDJSON log in the data directory, written in small batches with
// fsync (a killed process loses at most the last batch), read back on start (a damaged last line
// is skipped with a warning), rotated at a size limit; and an in-memory window of the most recent
// records (by their encoded size, 50 MB by default, like the seed API) for /fps and /stats.
import { closeSync, existsSync, fsync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, write, writeSync } from 'node:fs';
import { join } from 'node:path';

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

export class ObservationStore {
  readonly window: { obs: ObservationSummary; line: string }[] = [];
  private windowSize = 0;
  /** Window records by client address, for /fps?all=1 without scanning the window. */
  private readonly ipIndex = new Map<string, { obs: ObservationSummary; line: string }[]>();
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
    this.path = join(o.dataDir, 'observations.ndjson');
    this.load();
    this.fd = openSync(this.path, 'a');
    this.logSize = existsSync(this.path) ? statSync(this.path).size : 0;
  }

  private load(): void {
    if (!existsSync(this.path)) return;
    const text = readFileSync(this.path, 'utf8');
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const obs = JSON.parse(line) as StoredObservation;
        this.remember(obs, line);
        this.nextId = Math.max(this.nextId, obs.id + 1);
      } catch {
        this.o.warn?.(`${this.path}: line ${i + 1} is damaged and was skipped${i >= lines.length - 2 ? ' (the process probably stopped while writing it)' : ''}`);
      }
    });
  }

  private remember(full: StoredObservation, line: string): void {
    const w = { obs: summarize(full), line };
    this.window.push(w);
    this.windowSize += line.length + 1;
    const list = this.ipIndex.get(full.ip);
    if (list) list.push(w); else this.ipIndex.set(full.ip, [w]);
    const max = this.o.windowBytes ?? 50 * 1024 * 1024;
    while (this.windowSize > max && this.window.length > 1) {
      const old = this.window.shift()!;
      this.windowSize -= old.line.length + 1;
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
    return (this.ipIndex.get(ip) ?? []).map((w) => JSON.parse(w.line) as StoredObservation);
  }

  countByIp(ip: string): number {
    return this.ipIndex.get(ip)?.length ?? 0;
  }

  all(): ObservationSummary[] {
    return this.window.map((w) => w.obs);
  }
}
