// NSS key log files (SSLKEYLOGFILE, as browsers, curl, Node and OpenSSL write them, and pcapng
// Decryption Secrets Blocks carry them): `<LABEL> <client_random hex> <secret hex>` per line.
import type { Problem } from '../../dissect/field.js';

export type KeyLogLabel = 'CLIENT_RANDOM' | 'CLIENT_HANDSHAKE_TRAFFIC_SECRET' | 'SERVER_HANDSHAKE_TRAFFIC_SECRET' | 'CLIENT_TRAFFIC_SECRET_0' | 'SERVER_TRAFFIC_SECRET_0' | 'EXPORTER_SECRET' | 'CLIENT_EARLY_TRAFFIC_SECRET' | 'EARLY_EXPORTER_SECRET';
const LABELS = new Set(['CLIENT_RANDOM', 'CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0', 'EXPORTER_SECRET', 'CLIENT_EARLY_TRAFFIC_SECRET', 'EARLY_EXPORTER_SECRET']);

export interface KeyLog {
  /** client_random (hex) → label → secret bytes. */
  byRandom: Map<string, Map<string, Uint8Array>>;
  problems: Problem[];
}

const fromHex = (h: string): Uint8Array => {
  const out = new Uint8Array(h.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(i * 2, 2), 16);
  return out;
};

export function emptyKeyLog(): KeyLog {
  return { byRandom: new Map(), problems: [] };
}

/** Parses key log text into `into` (or a new key log); bad lines are problems naming the line, never fatal. */
export function parseKeyLog(text: string, source = 'keylog', into: KeyLog = emptyKeyLog()): KeyLog {
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const parts = line.split(/\s+/);
    const [label, random, secret] = parts;
    const bad = (why: string): void => { into.problems.push({ severity: 'warning', code: 'bad_keylog_line', message: `${source} line ${i + 1}: ${why}`, source }); };
    if (parts.length !== 3) return bad(`expected 3 fields, found ${parts.length}`);
    if (!LABELS.has(label!)) return bad(`unknown label ${label}`);
    if (!/^[0-9a-fA-F]{64}$/.test(random!)) return bad('the client random is not 64 hex digits');
    if (!/^[0-9a-fA-F]+$/.test(secret!) || secret!.length % 2 || (label === 'CLIENT_RANDOM' && secret!.length !== 96)) return bad('the secret is not valid hex of the right length');
    const key = random!.toLowerCase();
    const m = into.byRandom.get(key) ?? new Map<string, Uint8Array>();
    m.set(label!, fromHex(secret!));
    into.byRandom.set(key, m);
  });
  return into;
}
