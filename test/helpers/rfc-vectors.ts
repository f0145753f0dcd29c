import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from './paths.js';

/** The `[name]` hex blocks of a test/fixtures/rfc/*.txt transcription. */
export function rfcVectors(file: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  let name = '';
  let hex = '';
  const flush = (): void => {
    if (name) out[name] = Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
  };
  for (const line of readFileSync(join(FIXTURES, 'rfc', file), 'utf8').split('\n')) {
    const m = /^\[(\w+)\]$/.exec(line.trim());
    if (m) {
      flush();
      name = m[1]!;
      hex = '';
    } else if (name && /^[0-9a-f ]+$/.test(line.trim())) hex += line.replace(/\s/g, '');
  }
  flush();
  return out;
}

export const toHexString = (b: Uint8Array): string => Buffer.from(b).toString('hex');
