// The playground's analysis of what the user typed: hex text of TLS records or a handshake
// message, or an HTTP/1 request; the dissection view, and every error placed at its line and
// column in the editor.
import type { DissectionView } from '../../../core/api.js';
import { HexParseError, parseHexText } from '../../../core/bytes/hex.js';
import { httpBytesView, tlsBytesView } from '../../../core/capture/connection-view.js';
import type { Ja4Transport } from '../../../core/fingerprint/ja4.js';

export interface TextMark { message: string; severity: 'error' | 'warning' | 'info'; line: number; column: number; endColumn: number }
export interface PlaygroundResult { view: DissectionView | null; marks: TextMark[] }

const isHex = (c: string): boolean => /[0-9a-fA-F]/.test(c);

/** Text index of the first digit of each byte, as parseHexText reads them. */
export function hexBytePositions(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length;) {
    if (text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X') && isHex(text[i + 2] ?? '')) { i += 2; continue; }
    if (isHex(text[i]!) && isHex(text[i + 1] ?? '')) { out.push(i); i += 2; continue; }
    i++;
  }
  return out;
}

function lineCol(text: string, index: number): { line: number; column: number } {
  let line = 1, last = -1;
  for (let i = 0; i < index && i < text.length; i++) if (text[i] === '\n') { line++; last = i; }
  return { line, column: index - last };
}

export function analyseText(kind: 'hello' | 'http', text: string, transport: Ja4Transport): PlaygroundResult {
  if (!text.trim()) return { view: null, marks: [] };
  if (kind === 'http') {
    // One character per byte (latin-1), so problem offsets are text offsets.
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
    const v = httpBytesView(bytes, 'playground', 'Typed HTTP request', transport);
    if (typeof v === 'string') return { view: null, marks: [{ message: v, severity: 'error', line: 1, column: 1, endColumn: 2 }] };
    const marks = v.problems.map((p) => { const at = lineCol(text, p.offset ?? 0); return { message: p.message, severity: p.severity, line: at.line, column: at.column, endColumn: at.column + 1 }; });
    return { view: v, marks };
  }
  let bytes: Uint8Array;
  try {
    bytes = parseHexText(text);
  } catch (e) {
    if (e instanceof HexParseError) return { view: null, marks: [{ message: e.message, severity: 'error', line: e.line, column: e.column, endColumn: e.column + 1 }] };
    throw e;
  }
  const v = tlsBytesView(bytes, 'playground', 'Typed ClientHello', transport);
  if (typeof v === 'string') return { view: null, marks: [{ message: v, severity: 'error', line: 1, column: 1, endColumn: 3 }] };
  const pos = hexBytePositions(text);
  const marks = v.view.problems.map((p) => {
    const at = lineCol(text, pos[Math.min(p.offset ?? 0, pos.length - 1)] ?? 0);
    return { message: p.message, severity: p.severity, line: at.line, column: at.column, endColumn: at.column + 2 };
  });
  return { view: v.view, marks };
}
