// One opened capture in the main process: owns its worker thread, relays rows, progress and
// warnings as app events, and forwards detail/export/diff requests to the worker that holds the
// records.
import { Worker } from 'node:worker_threads';
import type { CaptureProgress, ConnectionDetail, ConnectionRow, DiffSide, ExportFormat } from '../../../core/api.js';
import { ApiCallError } from '../app/api-error.js';
import type { FromWorker, Reply, ToWorker, WorkerStart } from './protocol.js';

export interface CaptureSessionEvents {
  onRows(rows: ConnectionRow[]): void;
  onProgress(p: Omit<CaptureProgress, 'sourceId'>): void;
  onWarning(message: string, offset?: number): void;
}

export class CaptureSession {
  private readonly worker: Worker;
  private nextReq = 1;
  private readonly waiting = new Map<number, { resolve: (v: Reply) => void; reject: (e: Error) => void }>();
  private closed = false;
  progress: Omit<CaptureProgress, 'sourceId'> = { bytesRead: 0, total: 0, connections: 0, warnings: 0, done: false };

  constructor(workerPath: string, start: WorkerStart, private readonly ev: CaptureSessionEvents) {
    this.worker = new Worker(workerPath, { workerData: start });
    this.worker.on('message', (m: FromWorker) => this.onMessage(m));
    this.worker.on('error', (e) => this.fail(`${start.fileName}: the capture worker failed: ${e.message}`));
    this.worker.on('exit', (code) => { if (!this.closed && code !== 0) this.fail(`${start.fileName}: the capture worker stopped (exit ${code})`); });
  }

  private fail(message: string): void {
    if (!this.progress.done) { this.progress = { ...this.progress, done: true, error: message }; this.ev.onProgress(this.progress); }
    for (const w of this.waiting.values()) w.reject(new ApiCallError('failed', message));
    this.waiting.clear();
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'rows') this.ev.onRows(m.rows);
    else if (m.type === 'progress') { this.progress = m.progress; this.ev.onProgress(m.progress); }
    else if (m.type === 'warning') this.ev.onWarning(m.message, m.offset);
    else {
      const w = this.waiting.get(m.reqId);
      if (!w) return;
      this.waiting.delete(m.reqId);
      if (m.ok) w.resolve(m.value); else w.reject(new ApiCallError(m.code, m.message));
    }
  }

  private ask(m: ToWorker & { reqId: number }): Promise<Reply> {
    if (this.closed) return Promise.reject(new ApiCallError('not_found', 'this capture was closed'));
    return new Promise((resolve, reject) => {
      this.waiting.set(m.reqId, { resolve, reject });
      this.worker.postMessage(m);
    });
  }

  cancel(): boolean {
    if (this.progress.done) return false;
    this.worker.postMessage({ type: 'cancel' } satisfies ToWorker);
    return true;
  }

  async detail(id: number): Promise<Omit<ConnectionDetail, 'sourceId'>> {
    const r = await this.ask({ type: 'detail', reqId: this.nextReq++, id });
    if (r.type !== 'detail') throw new ApiCallError('failed', 'unexpected worker reply');
    return r.detail;
  }

  async export(ids: number[], format: ExportFormat): Promise<{ text: string; count: number }> {
    const r = await this.ask({ type: 'export', reqId: this.nextReq++, ids, format });
    if (r.type !== 'export') throw new ApiCallError('failed', 'unexpected worker reply');
    return r;
  }

  async side(id: number): Promise<DiffSide> {
    const r = await this.ask({ type: 'side', reqId: this.nextReq++, id });
    if (r.type !== 'side') throw new ApiCallError('failed', 'unexpected worker reply');
    return r.side;
  }

  /** The user's labels changed: later rows and views use the new list. */
  setLabels(labels: WorkerStart['labels']): void {
    if (!this.closed) this.worker.postMessage({ type: 'labels', labels: labels ?? [] } satisfies ToWorker);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.values()) w.reject(new ApiCallError('not_found', 'this capture was closed'));
    this.waiting.clear();
    await this.worker.terminate();
  }
}
