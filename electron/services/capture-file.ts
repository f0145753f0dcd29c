// Reads a capture file from disk in chunks through the core's CaptureAnalyzer. Used by the CLI
// and by the desktop app's capture worker; memory stays flat whatever the file size.
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CaptureAnalyzer, type CaptureAnalyzerOptions } from '../../core/capture/analyzer.js';

export interface ReadCaptureOptions extends Omit<CaptureAnalyzerOptions, 'fileName'> {
  /** Name used in warnings (default: the path). */
  fileName?: string;
  chunkSize?: number;
  onProgress?: (bytesRead: number, total: number) => void;
  signal?: AbortSignal;
  /** Awaited before each chunk: lets a consumer apply backpressure (e.g. a slow stdout pipe). */
  beforeChunk?: () => Promise<void> | void;
}

export interface ReadCaptureSummary {
  bytes: number;
  format: 'pcap' | 'pcapng' | undefined;
  embeddedSecrets: readonly string[];
  aborted: boolean;
}

/** Bytes that start with the gzip magic (1f 8b). */
export const startsWithGzipMagic = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** The first two bytes of an open file say gzip. */
async function gzipped(fh: FileHandle): Promise<boolean> {
  const head = new Uint8Array(2);
  return startsWithGzipMagic(head.subarray(0, (await fh.read(head, 0, 2, 0)).bytesRead));
}

/** True when the file is gzipped: readCaptureFile decompresses it as it reads (file offsets are then of the decompressed capture). */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    return await gzipped(fh);
  } finally {
    await fh.close();
  }
}

export async function readCaptureFile(path: string, opts: ReadCaptureOptions): Promise<ReadCaptureSummary> {
  const { chunkSize = 2 << 20, onProgress, signal, beforeChunk, ...rest } = opts;
  const analyzer = new CaptureAnalyzer({ ...rest, fileName: rest.fileName ?? path });
  const fh = await open(path, 'r');
  try {
    const total = (await fh.stat()).size;
    // Captures are often shipped gzipped (Wireshark reads .pcap.gz as it is): decompressed as read.
    if (await gzipped(fh)) {
      let packed = 0;
      const file = fh.createReadStream({ start: 0, highWaterMark: 1 << 20, autoClose: false });
      file.on('data', (c) => { packed += c.length; });
      return await readStream(analyzer, file.pipe(createGunzip({ chunkSize: 1 << 20 })), { ...opts, onProgress: onProgress && (() => onProgress(packed, total)) }, path, () => packed);
    }
    let read = 0;
    // Three buffers for the whole file: while the analyzer works on one chunk, the next two are
    // being read (in libuv's thread pool), so a read that is slow for a moment (copying from the
    // page cache costs about as much as analysing a chunk of large downloads) does not stop it.
    // The analyzer copies what it keeps and holds no view of a chunk once push() returns.
    const bufs = [new Uint8Array(chunkSize), new Uint8Array(chunkSize), new Uint8Array(chunkSize)];
    type Pending = { done: Promise<{ bytesRead: number }>; buf: Uint8Array; at: number };
    const inflight: Pending[] = [];
    let pos = 0;
    const issue = (buf: Uint8Array): void => {
      inflight.push({ done: fh.read(buf, 0, chunkSize, pos), buf, at: pos });
      pos += chunkSize;
    };
    for (const b of bufs) issue(b);
    try {
      for (;;) {
        if (signal?.aborted) return { bytes: read, format: analyzer.format, embeddedSecrets: analyzer.embeddedSecrets, aborted: true };
        await beforeChunk?.();
        const r = inflight.shift()!;
        const { bytesRead } = await r.done;
        if (bytesRead === 0) break;
        if (bytesRead < chunkSize) {
          // A short read: the file ends here (or was cut while being read). Reads issued beyond
          // it are dropped, and reading goes on from here until a read returns nothing.
          await Promise.all(inflight.map((x) => x.done.catch(() => undefined)));
          const free = inflight.map((x) => x.buf);
          inflight.length = 0;
          pos = r.at + bytesRead;
          for (const b of free) issue(b);
        }
        analyzer.push(bytesRead === chunkSize ? r.buf : r.buf.subarray(0, bytesRead));
        read += bytesRead;
        onProgress?.(read, total);
        issue(r.buf);
      }
    } finally {
      // Reads still in flight must end before the file is closed.
      await Promise.all(inflight.map((x) => x.done.catch(() => undefined)));
    }
    analyzer.end();
    return { bytes: read, format: analyzer.format, embeddedSecrets: analyzer.embeddedSecrets, aborted: false };
  } finally {
    await fh.close();
  }
}

export interface LiveStreamOptions {
  /**
   * A live source: once no bytes have come for this long (wall time, ms), conversations that
   * ended before the pause (their linger or idle timeout passed, counting the pause as capture
   * time) are finished without waiting for the next packet (CaptureAnalyzer.quiet).
   */
  quietMs?: number;
  /** Called after such a finishing, e.g. to write out the records it made. */
  afterQuiet?: () => void;
}

/**
 * A capture from a stream (standard input for `read -`: `tcpdump -w - …`, `zcat …`), gzip or
 * not, read as it arrives. Records come as conversations end, as for a file.
 */
export async function readCaptureStream(input: Readable, opts: ReadCaptureOptions & LiveStreamOptions & { fileName: string }): Promise<ReadCaptureSummary> {
  const { onProgress: _p, chunkSize: _c, signal: _s, beforeChunk: _b, quietMs: _q, afterQuiet: _a, ...analyzerOpts } = opts;
  const analyzer = new CaptureAnalyzer(analyzerOpts);
  // The first chunk says whether it is gzip; it is read again with the rest.
  const it = input[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) { analyzer.end(); return { bytes: 0, format: analyzer.format, embeddedSecrets: analyzer.embeddedSecrets, aborted: false }; }
  const head = first.value as Buffer;
  let packed = 0;
  const raw = Readable.from((async function* () {
    packed += head.length;
    yield head;
    for (let r = await it.next(); !r.done; r = await it.next()) { packed += (r.value as Buffer).length; yield r.value as Buffer; }
  })());
  return readStream(analyzer, startsWithGzipMagic(head) ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw, opts, opts.fileName, () => packed);
}

/**
 * Pushes a stream's chunks through the analyzer. A damaged gzip stream ends the reading with a
 * warning at the compressed offset where it was found: what came before is kept and finished.
 */
async function readStream(analyzer: CaptureAnalyzer, stream: Readable, opts: ReadCaptureOptions & LiveStreamOptions, name: string, packedSoFar: () => number): Promise<ReadCaptureSummary> {
  let read = 0;
  // Since when the loop has been waiting for input (undefined while it works or waits for the
  // consumer: a slow stdout is not a quiet link).
  let waitingSince: number | undefined;
  const quietMs = opts.quietMs;
  const timer = quietMs ? setInterval(() => {
    if (waitingSince === undefined) return;
    const idle = Date.now() - waitingSince;
    if (idle < quietMs) return;
    analyzer.quiet(idle * 1000);
    opts.afterQuiet?.();
  }, Math.max(25, quietMs / 2)) : undefined;
  timer?.unref();
  try {
    waitingSince = Date.now();
    for await (const chunk of stream) {
      waitingSince = undefined;
      if (opts.signal?.aborted) { stream.destroy(); return { bytes: read, format: analyzer.format, embeddedSecrets: analyzer.embeddedSecrets, aborted: true }; }
      await opts.beforeChunk?.();
      const c = chunk as Buffer;
      analyzer.push(new Uint8Array(c.buffer, c.byteOffset, c.length));
      read += c.length;
      opts.onProgress?.(read, 0);
      waitingSince = Date.now();
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code !== 'string' || !code.startsWith('Z_')) throw e;
    // zlib: the rest of the file cannot be decompressed.
    // A checksum error is only found at the end of a gzip member: the bytes before it may hold the damage already.
    const check = code === 'Z_DATA_ERROR' && /check/.test((e as Error).message) ? ' (a checksum: the capture bytes before it may already be damaged)' : '';
    opts.onWarning?.({ code: 'gzip_damaged', message: `gzip data damaged, found at compressed byte ${packedSoFar()}: ${(e as Error).message}${check}; the ${read} bytes of capture decompressed before it are kept`, offset: read, file: opts.fileName ?? name });
  } finally {
    clearInterval(timer);
  }
  analyzer.end();
  return { bytes: read, format: analyzer.format, embeddedSecrets: analyzer.embeddedSecrets, aborted: false };
}
