const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of a byte. */
export const hex8 = (b: number): string => HEX[b & 0xff]!;
const HEX16: string[] = [];
/** 4-digit lowercase hex, the form JA4 uses for cipher suites and extensions (each string made once, then reused). */
export const hex16 = (v: number): string => HEX16[v & 0xffff] ??= HEX[(v >> 8) & 0xff]! + HEX[v & 0xff]!;

export function toHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += HEX[bytes[i]!];
  return s;
}

/** `0x1301` style. */
export const hexLabel = (v: number, digits = 4): string => '0x' + v.toString(16).padStart(digits, '0');

export class HexParseError extends Error {
  override readonly name = 'HexParseError';
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
  }
}

/**
 * Hex text to bytes. Accepts whitespace, colons, dashes, commas, `0x` prefixes and
 * `//` or `#` comments (so annotated dumps paste cleanly). Throws HexParseError naming the line
 * and column of the first character that is not hex.
 */
export function parseHexText(text: string): Uint8Array {
  const out = new Uint8Array(text.length >> 1);
  let n = 0;
  let nibble = -1;
  let line = 1;
  let col = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    col++;
    if (c === 10) { line++; col = 0; continue; }
    if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f || c === 0x23) {
      while (i + 1 < text.length && text.charCodeAt(i + 1) !== 10) i++;
      continue;
    }
    if (c === 0x30 && (text.charCodeAt(i + 1) | 0x20) === 0x78 && nibble < 0) { i++; col++; continue; }
    let v = -1;
    if (c >= 48 && c <= 57) v = c - 48;
    else if (c >= 97 && c <= 102) v = c - 87;
    else if (c >= 65 && c <= 70) v = c - 55;
    else if (c === 32 || c === 9 || c === 13 || c === 0x3a || c === 0x2d || c === 0x2c) {
      if (nibble >= 0) throw new HexParseError(`odd number of hex digits before line ${line}, column ${col}`, line, col);
      continue;
    } else {
      throw new HexParseError(`not a hex digit: ${JSON.stringify(text[i])} at line ${line}, column ${col}`, line, col);
    }
    if (nibble < 0) nibble = v;
    else { out[n++] = (nibble << 4) | v; nibble = -1; }
  }
  if (nibble >= 0) throw new HexParseError(`odd number of hex digits at line ${line}, column ${col}`, line, col);
  return out.slice(0, n);
}

/**
 * True when the bytes are hex text rather than binary: after removing `#`/`//` comments and
 * `0x` prefixes, only hex digits and separators (whitespace, `:`, `-`, `,`) remain.
 */
export function looksLikeHexText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  let digits = 0;
  let comment = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (comment) { if (c === 10) comment = false; continue; }
    if (c === 0x23 || (c === 0x2f && bytes[i + 1] === 0x2f)) { comment = true; continue; }
    if (c === 0x30 && (bytes[i + 1]! | 0x20) === 0x78) { i++; continue; }
    if ((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)) digits++;
    else if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 0x3a && c !== 0x2d && c !== 0x2c) return false;
  }
  return digits >= 2;
}
