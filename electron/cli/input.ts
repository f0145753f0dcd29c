import { readFile } from 'node:fs/promises';
import { HexParseError, looksLikeHexText, parseHexText } from '../../core/bytes/hex.js';
import { detectTlsFraming } from '../../core/tls/parse-tls.js';
import { CliError } from './cli-error.js';

export async function readAllStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/** Why a file could not be read, in words, for the errors a user can fix (no such file, a directory, no permission); undefined for others. */
export function unreadableReason(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : undefined;
}

/** Reads a file (or stdin for `-`) as bytes. */
export async function readInput(path: string): Promise<Uint8Array> {
  if (path === '-') return readAllStdin();
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${unreadableReason(e) ?? (e as Error).message}`);
  }
}

/**
 * Base64 text (standard or URL-safe alphabet, whitespace allowed) of a hello, as logs and JSON
 * APIs carry hellos, turned into bytes; undefined when it is not that.
 */
function fromBase64Hello(data: Uint8Array): Uint8Array | undefined {
  if (data.length < 8) return undefined;
  for (const c of data) if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61 || c === 45 || c === 95 || c === 32 || c === 10 || c === 13 || c === 9)) return undefined;
  const b = new Uint8Array(Buffer.from(Buffer.from(data).toString('latin1').replace(/\s+/g, ''), 'base64'));
  // Only what the TLS parser would read: other text that happens to be valid base64 stays as it is.
  return detectTlsFraming(b) ? b : undefined;
}

/** Raw bytes, hex text (whitespace, colons, 0x prefixes and comments allowed) or base64 text of a hello, turned into bytes. */
export function bytesFromRawOrHex(data: Uint8Array, name: string): Uint8Array {
  if (!looksLikeHexText(data)) return fromBase64Hello(data) ?? data;
  try {
    return parseHexText(new TextDecoder().decode(data));
  } catch (e) {
    if (e instanceof HexParseError) throw new CliError(`${name}: looks like hex text but ${e.message}`);
    throw e;
  }
}
