import type { DataSource, Field, Problem } from '../../core/dissect/field.js';
import { toHex } from '../../core/bytes/hex.js';

/** Problems as printed by the CLI: offsets kept, source ids kept when not the main input. */
export const problemsJson = (ps: readonly Problem[]): object[] =>
  ps.map((p) => ({ severity: p.severity, code: p.code, message: p.message, ...(p.offset !== undefined ? { offset: p.offset } : {}), ...(p.source && p.source !== 'input' ? { source: p.source } : {}) }));

/** The field tree for `--tree`: every field with key, label, source, start, length, value, display. */
export function treeJson(fields: readonly Field[]): object[] {
  return fields.map((f) => ({
    key: f.key, label: f.label, source: f.source, start: f.start, length: f.length,
    ...(f.value !== undefined ? { value: f.value } : {}), display: f.display,
    ...(f.grease ? { grease: true } : {}), ...(f.generated ? { generated: true } : {}),
    ...(f.problems ? { problems: problemsJson(f.problems) } : {}),
    ...(f.children ? { children: treeJson(f.children) } : {}),
  }));
}

export const sourcesJson = (sources: readonly DataSource[]): object[] =>
  sources.map((s) => ({ id: s.id, label: s.label, length: s.bytes.length, ...(s.pieces ? { pieces: s.pieces, hex: toHex(s.bytes) } : {}) }));
