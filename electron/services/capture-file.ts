// Reads a capture file from disk in chunks through the core's CaptureAnalyzer. Used by the CLI
// and by the desktop app's capture worker; memory stays flat whatever the file size.
import { open } from 'node:fs/promises';
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

export async function readCaptureFile(path: string, opts: ReadCaptureOptions): Promise<ReadCaptureSummary> {
  const { chunkSize = 2 << 20, onProgress, signal, beforeChunk, ...rest } = opts;
  const analyzer = new CaptureAnalyzer({ ...rest, fileName: rest.fileName ?? path });
  const fh = await open(path, 'r');
  try {
    const total = (await fh.stat()).size;
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
