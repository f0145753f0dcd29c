// The capture worker: a worker thread of the main process that streams one capture file through
// the core's CaptureAnalyzer, posts table rows in batches as conversations finish, and then keeps
// the records (without the bytes the file already holds) to answer detail, export and diff
// requests. Runs off the main thread so the window and IPC stay responsive on any file size.
import { open, type FileHandle } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { CaptureFormatError } from '../../../core/capture/analyzer.js';
import type { ConnectionRecord } from '../../../core/capture/connection.js';
import { connectionRow, connectionViews, diffSideOf } from '../../../core/capture/connection-view.js';
import { formatRecords, hasFingerprints, toOutputRecord } from '../../../core/capture/output.js';
import type { ConnectionRow } from '../../../core/api.js';
import { createHttpPlugin } from '../../../core/http/http-plugin.js';
import { clientSummary, knownClient } from '../../../core/knowledge/index.js';
import { parseKeyLog } from '../../../core/tls/decrypt/keylog.js';
import { installNodeHashes } from '../../node/native-hashes.js';
import { nodeCertificateDecompressor } from '../../node/certificate-decompressor.js';
import { isGzipFile, readCaptureFile } from '../capture-file.js';
import { dropFileBytes, withFileBytes } from './file-backed.js';
import type { FromWorker, Reply, ToWorker, WorkerStart } from './protocol.js';

const port = parentPort!;
const start = workerData as WorkerStart;
const post = (m: FromWorker): void => port.postMessage(m);

installNodeHashes();
const records: ConnectionRecord[] = [];
let labels = start.labels ?? [];
const controller = new AbortController();
let pending: ConnectionRow[] = [];
let lastFlush = 0;
let warnings = 0;
let bytesRead = 0, total = 0;
let fh: FileHandle | undefined;

function flush(force: boolean): void {
  const now = Date.now();
  if (!force && now - lastFlush < 100 && pending.length < 2000) return;
  lastFlush = now;
  if (pending.length) { post({ type: 'rows', rows: pending }); pending = []; }
  post({ type: 'progress', progress: { bytesRead, total, connections: records.length, warnings, done: false } });
}

async function reply(reqId: number, work: () => Promise<Reply>): Promise<void> {
  try {
    post({ type: 'reply', reqId, ok: true, value: await work() });
  } catch (e) {
    const notFound = e instanceof RangeError;
    post({ type: 'reply', reqId, ok: false, code: notFound ? 'not_found' : 'failed', message: (e as Error).message });
  }
}

const recordOf = (id: number): ConnectionRecord => {
  const r = records[id];
  if (!r) throw new RangeError(`no connection ${id} in ${start.fileName}`);
  return r;
};

async function full(id: number): Promise<ConnectionRecord> {
  fh ??= await open(start.path, 'r');
  return withFileBytes(recordOf(id), fh);
}

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'cancel': controller.abort(); break;
    case 'labels': labels = m.labels; break;
    case 'detail': void reply(m.reqId, async () => {
      const r = await full(m.id);
      const { views, notes } = connectionViews(r, labels);
      return { type: 'detail', detail: { id: m.id, record: toOutputRecord(r, { raw: true, original: true }), views, notes } };
    }); break;
    case 'export': void reply(m.reqId, async () => {
      const out = m.ids.map((id) => toOutputRecord(recordOf(id), { raw: true, original: true }));
      return { type: 'export', text: formatRecords(out, m.format), count: out.length };
    }); break;
    case 'side': void reply(m.reqId, async () => {
      const r = recordOf(m.id);
      return { type: 'side', side: diffSideOf(r, `${start.fileName}#${r.transport === 'udp' ? 'udp/' : ''}${r.stream}`) };
    }); break;
  }
});

async function run(): Promise<void> {
  const keylog = start.keylog ? parseKeyLog(start.keylog, 'key log') : undefined;
  try {
    // Bytes are read back from the file by their offsets; in a gzipped file those are offsets of the decompressed capture, so its records keep their bytes.
    const gzipped = await isGzipFile(start.path);
    const summary = await readCaptureFile(start.path, {
      fileName: start.fileName, keepBytes: true, signal: controller.signal,
      ...(start.chunkSize ? { chunkSize: start.chunkSize } : {}),
      plugins: [createHttpPlugin({ keepBytes: true, decompressCertificate: nodeCertificateDecompressor, ...(keylog ? { keylog } : {}) })],
      onConnection: (r) => {
        if (!hasFingerprints(r)) return;
        for (const h of r.hellos) { const c = clientSummary(knownClient(h, labels)); if (c) h.client = c; }
        if (!gzipped) dropFileBytes(r);
        pending.push(connectionRow(r, records.length));
        records.push(r);
        flush(false);
      },
      onWarning: (w) => { warnings++; post({ type: 'warning', message: `${w.file ?? start.fileName}: offset ${w.offset}${w.frame ? ` (frame ${w.frame})` : ''}: ${w.message}`, offset: w.offset }); },
      onProgress: (read, size) => { bytesRead = read; total = size; flush(false); },
      // Let requests and cancel messages in between chunks.
      beforeChunk: () => new Promise<void>((res) => setImmediate(res)),
    });
    flush(true);
    post({ type: 'progress', progress: { bytesRead: summary.bytes, total: Math.max(total, summary.bytes), connections: records.length, warnings, done: true, ...(summary.aborted ? { cancelled: true } : {}) } });
  } catch (e) {
    flush(true);
    const code = (e as NodeJS.ErrnoException).code;
    const message = e instanceof CaptureFormatError ? e.message
      : code === 'ENOENT' ? `${start.fileName}: no such file`
      : code === 'EISDIR' ? `${start.fileName}: is a directory`
      : code === 'EACCES' ? `${start.fileName}: permission denied`
      : `${start.fileName}: ${(e as Error).message}`;
    post({ type: 'progress', progress: { bytesRead, total, connections: records.length, warnings, done: true, error: message } });
  }
}

void run();
