// Messages between the capture worker (worker.ts) and its owner in the main process
// (capture-session.ts). Structured-clone values only.
import type { CaptureProgress, ConnectionRow, ExportFormat } from '../../../core/api.js';
import type { ConnectionDetail, DiffSide } from '../../../core/api.js';
import type { KbEntry } from '../../../core/knowledge/lookup.js';

export interface WorkerStart {
  path: string;
  fileName: string;
  /** NSS key log text to decrypt with, if any. */
  keylog?: string;
  chunkSize?: number;
  /** The user's own labelled fingerprints, for the known-client column. */
  labels?: KbEntry[];
}

export type ToWorker =
  | { type: 'cancel' }
  | { type: 'detail'; reqId: number; id: number }
  | { type: 'export'; reqId: number; ids: number[]; format: ExportFormat }
  | { type: 'side'; reqId: number; id: number }
  | { type: 'labels'; labels: KbEntry[] };

export type Reply =
  | { type: 'detail'; detail: Omit<ConnectionDetail, 'sourceId'> }
  | { type: 'export'; text: string; count: number }
  | { type: 'side'; side: DiffSide };

export type FromWorker =
  | { type: 'rows'; rows: ConnectionRow[] }
  | { type: 'progress'; progress: Omit<CaptureProgress, 'sourceId'> }
  | { type: 'warning'; message: string; offset?: number }
  | { type: 'reply'; reqId: number; ok: true; value: Reply }
  | { type: 'reply'; reqId: number; ok: false; code: 'not_found' | 'failed'; message: string };
