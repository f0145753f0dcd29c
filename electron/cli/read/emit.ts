// Turning finished conversations into `read` output: shared by the single-threaded path and
// the finishing thread of the read pipeline, so both print the same bytes.
import type { ConnectionRecord } from '../../../core/capture/connection.js';
import { hasFingerprints, OutputJson, toOutputRecord, type OutputOptions, type OutputRecord } from '../../../core/capture/output.js';

export interface EmitSettings extends OutputOptions {
  /** Print conversations with nothing fingerprinted too. */
  all: boolean;
  /** Set on each record when several files are read. */
  file?: string;
}

/** Whether `read` prints the conversation (then decorated with the hooks' additions, such as the client label). */
function printed(r: ConnectionRecord, s: EmitSettings, decorate: readonly ((r: ConnectionRecord) => void)[]): boolean {
  if (!s.all && !hasFingerprints(r)) return false;
  for (const d of decorate) d(r);
  return true;
}

/** The output record of a conversation, or undefined when `read` leaves it out. */
export function outputOf(r: ConnectionRecord, s: EmitSettings, decorate: readonly ((r: ConnectionRecord) => void)[]): OutputRecord | undefined {
  if (!printed(r, s, decorate)) return undefined;
  const rec = toOutputRecord(r, s);
  if (s.file !== undefined) rec.file = s.file;
  return rec;
}

/** The ndjson line (without its newline) of a conversation, or undefined when `read` leaves it out: JSON.stringify(outputOf(...)), from `json`'s kept texts. */
export function ndjsonOf(r: ConnectionRecord, s: EmitSettings, decorate: readonly ((r: ConnectionRecord) => void)[], json: OutputJson): string | undefined {
  return printed(r, s, decorate) ? json.text(r, s.file) : undefined;
}
