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
    // Two buffers for the whole file: the next chunk is read (in libuv's thread pool) while the
    // analyzer works on this one. The analyzer copies what it keeps and holds no view of a chunk
    // once push() returns.
    const bufs = [new Uint8Array(chunkSize), new Uint8Array(chunkSize)];
    let next = fh.read(bufs[0]!, 0, chunkSize, 0);
    try {
      for (let i = 0; ; i++) {
        if (signal?.aborted) return { bytes: read, format: analyzer.format, embeddedSecrets: analyzer.embeddedSecrets, aborted: true };
        await beforeChunk?.();
        const { bytesRead } = await next;
        if (bytesRead === 0) break;
        const buf = bufs[i & 1]!;
        next = fh.read(bufs[(i + 1) & 1]!, 0, chunkSize, read + bytesRead);
        analyzer.push(bytesRead === chunkSize ? buf : buf.subarray(0, bytesRead));
        read += bytesRead;
        onProgress?.(read, total);
      }
    } finally {
      // A read still in flight must end before the file is closed.
      await next.catch(() => undefined);
    }
    analyzer.end();
    return { bytes: read, format: analyzer.format, embeddedSecrets: analyzer.embeddedSecrets, aborted: false };
  } finally {
    await fh.close();
  }
}
