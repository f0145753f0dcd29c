// `helloscope read` on a large file uses both cores: this thread reads the file, decodes
// packets and reassembles conversations (the CaptureAnalyzer), and hands each ended TCP
// conversation to a finishing thread (finisher-worker.ts) that parses its TLS, computes the
// fingerprints and formats the record. Jobs go in finishing order and come back in that order,
// so the output is the same bytes as the single-threaded path (test/electron/cli/read-pipeline.test.ts).
// Warnings are written by this thread as they happen, so on a terminal a warning may now show
// before the records of conversations that ended earlier (they are on different streams).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CaptureWarning } from '../../../core/capture/analyzer.js';
import type { OutputRecord } from '../../../core/capture/output.js';
import type { ConversationPlugin } from '../../../core/capture/plugin.js';
import { readCaptureFile, type ReadCaptureSummary } from '../../services/capture-file.js';
import { JobBatchWriter } from './job-codec.js';
import type { FinishStep, FinisherInit, FromFinisher, ToFinisher } from './protocol.js';

const BATCH_JOBS = 256;
const BATCH_BYTES = 1 << 20;

/**
 * How long `read` lets a conversation closed by FIN/RST wait for late packets (capture time, µs;
 * the engine's default is 2 s). `read` prints no packet counts, and what it prints comes before
 * the FIN; waiting 2 s kept ~2,000 conversations alive at once on a handshake-dense capture, whose
 * objects the garbage collector then copied and promoted: 0.1 s cut ~9 % of the CPU there
 * (BENCHMARKS.md). The same records, possibly in another order. SSH conversations still wait 2 s.
 */
export const READ_LINGER_US = 100_000;

/** Files from this size on are read with a finishing thread (a thread costs ~50 ms to start). */
export const PIPELINE_MIN_BYTES = 16 * 1024 * 1024;
/**
 * Batches posted and not yet answered before the packet thread waits. It bounds memory: each
 * batch holds a chunk's jobs and then its text. On a handshake-dense capture 3 were ~3 % faster
 * than 2 (fewer waits of either thread for the other) for ~5 MB more RSS; 4 no faster than 3
 * and ~20 MB more than 2 (BENCHMARKS.md).
 */
const MAX_IN_FLIGHT = 3;

/** The bundled finishing thread next to the CLI bundle, or undefined (e.g. when run from sources). */
export function finisherScript(): string | undefined {
  try {
    const p = fileURLToPath(new URL('./read-finisher.mjs', import.meta.url));
    return existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

export interface PipelineOptions {
  script: string;
  init: FinisherInit;
  plugins: ConversationPlugin[];
  /** ndjson lines as UTF-8; `written` once they are (their buffer goes back to be reused). */
  onNdjson: (bytes: Uint8Array, written: () => void) => void;
  onRecords: (records: OutputRecord[]) => void;
  onWarning: (w: CaptureWarning) => void;
  onProgress: (read: number, total: number) => void;
  /** Awaited before each chunk, after this thread's own backpressure (e.g. stdout drain). */
  beforeChunk: () => Promise<void> | void;
}

export async function readWithFinisherThread(path: string, o: PipelineOptions): Promise<ReadCaptureSummary> {
  const worker = new Worker(o.script, { workerData: o.init, resourceLimits: workerLimits() });
  const jobs = new JobBatchWriter();
  let order: FinishStep[] = [];
  /** Jobs added since the last step of `order`. */
  let run = 0;
  const endRun = (): void => { if (run) order.push(run); run = 0; };
  let posted = 0, answered = 0, sentSecrets = 0;
  let failure: Error | undefined;
  /** 'end' was posted (or the thread stopped): nothing more goes to it. */
  let ended = false;
  let wake: (() => void) | undefined;
  const poke = (): void => { const w = wake; wake = undefined; w?.(); };
  worker.on('message', (m: FromFinisher) => {
    if (m.t === 'failed') failure ??= new Error(`finishing thread failed: ${m.message}`);
    else {
      answered++;
      if (m.back) jobs.recycle(m.back[0], m.back[1]);
      if (m.ndjson) {
        const buf = m.ndjson.buffer as ArrayBuffer;
        o.onNdjson(m.ndjson, () => { if (!ended) worker.postMessage({ t: 'spare', buf } satisfies ToFinisher, [buf]); });
      }
      if (m.records.length) o.onRecords(m.records);
    }
    poke();
  });
  worker.on('error', (e) => { failure ??= e; poke(); });
  worker.on('exit', (code) => { if (answered < posted) failure ??= new Error(`finishing thread exited (code ${code}) with ${posted - answered} batches unanswered`); poke(); });
  const post = (): void => {
    endRun();
    if (!order.length) return;
    const { batch, transfer } = jobs.take();
    worker.postMessage({ t: 'items', batch, order } satisfies ToFinisher, transfer);
    posted++;
    order = [];
  };
  const until = async (done: () => boolean): Promise<void> => {
    while (!done() && !failure) await new Promise<void>((res) => { wake = res; });
    if (failure) throw failure;
  };
  try {
    const summary = await readCaptureFile(path, {
      plugins: o.plugins,
      // UDP records are finished here and posted: plain objects, not lazy getters, survive the copy.
      lazyFingerprints: false,
      lingerUs: READ_LINGER_US,
      handOffTcp: (job, secrets) => {
        if (sentSecrets < secrets.length) {
          endRun();
          while (sentSecrets < secrets.length) order.push({ secret: secrets[sentSecrets++]! });
        }
        jobs.add(job);
        run++;
      },
      onConnection: (record) => { endRun(); order.push({ record }); },
      onWarning: o.onWarning,
      onProgress: o.onProgress,
      beforeChunk: async () => {
        // A message per few hundred conversations: one per chunk cost more than the finishing on
        // a capture of large downloads (a few conversations per chunk).
        if (jobs.size >= BATCH_JOBS || jobs.byteCount >= BATCH_BYTES || order.length >= BATCH_JOBS) post();
        await o.beforeChunk();
        await until(() => posted - answered < MAX_IN_FLIGHT);
      },
    });
    post();
    await until(() => answered === posted);
    return summary;
  } finally {
    // The thread ends by itself after 'end'; a failed one is stopped.
    const exited = new Promise<void>((res) => worker.once('exit', () => res()));
    ended = true;
    if (failure) await worker.terminate();
    else worker.postMessage({ t: 'end' } satisfies ToFinisher);
    await exited;
  }
}

/**
 * The finishing thread allocates a lot and keeps little (a batch at a time): a young generation
 * of 24 MB lets most of it die there, scavenges being cheap when little survives. On 1 GiB of
 * handshake-dense capture (2026-12-04, with the ndjson text kept per fingerprint, so less
 * garbage than before): 16, 24 and 32 MB took the same time, 32 MB ~25 MB more peak RSS than
 * 24; 64 MB was slower and put peak RSS at 255-273 MB, over the 256 MB the issue allows.
 */
function workerLimits(): { maxYoungGenerationSizeMb?: number } {
  const y = Number(process.env.HELLOSCOPE_FINISHER_YOUNG_MB ?? 24);
  return y > 0 ? { maxYoungGenerationSizeMb: y } : {};
}
