import { readFile } from 'node:fs/promises';
import { HexParseError, looksLikeHexText, parseHexText } from '../../core/bytes/hex.js';
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

/** Raw bytes, or hex text (whitespace, colons, 0x prefixes and comments allowed) turned into bytes. */
export function bytesFromRawOrHex(data: Uint8Array, name: string): Uint8Array {
  if (!looksLikeHexText(data)) return data;
  try {
    return parseHexText(new TextDecoder().decode(data));
  } catch (e) {
    if (e instanceof HexParseError) throw new CliError(`${name}: looks like hex text but ${e.message}`);
    throw e;
  }
}
