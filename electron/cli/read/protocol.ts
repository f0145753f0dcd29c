// Messages between `read`'s packet thread and its finishing thread (see pipeline.ts).
import type { ConnectionRecord } from '../../../core/capture/connection.js';
import type { OutputRecord } from '../../../core/capture/output.js';
import type { EmitSettings } from './emit.js';
import type { JobBatch } from './job-codec.js';

export interface FinisherInit {
  /** The command's flags, from which the finishing thread builds the same plugins. */
  flags: [string, string | true][];
  settings: EmitSettings;
  /** ndjson lines back as UTF-8 bytes (true), or output records for the whole-output formats. */
  ndjson: boolean;
}

/**
 * In finishing order: a number n stands for the batch's next n TCP jobs; the others are a
 * finished UDP record, or key log text (pcapng) seen before the next job.
 */
export type FinishStep = number | { record: ConnectionRecord } | { secret: string };

/** `spare`: an ndjson buffer the packet thread has written out, to be filled again. */
export type ToFinisher = { t: 'items'; batch: JobBatch; order: FinishStep[] } | { t: 'spare'; buf: ArrayBuffer } | { t: 'end' };

export type FromFinisher =
  /** `back`: the batch's two buffers returned for the next batches (transferred; ndjson only, whose output holds no views of them). */
  | { t: 'out'; ndjson?: Uint8Array; records: OutputRecord[]; back?: [ArrayBuffer, ArrayBuffer] }
  | { t: 'failed'; message: string };
