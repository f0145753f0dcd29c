import { md5 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { sha3_384 } from '@noble/hashes/sha3.js';
import { toHex } from '../bytes/hex.js';

/** Hex digests of UTF-8 strings. */
export interface HashProvider {
  md5Hex(s: string): string;
  sha256Hex(s: string): string;
  sha3_384Hex(s: string): string;
}

let enc: TextEncoder | undefined;
const utf8 = (s: string): Uint8Array => (enc ??= new TextEncoder()).encode(s);

/** Pure TypeScript digests (audited @noble/hashes): work in browsers, workers and Node alike. */
export const nobleHashes: HashProvider = {
  md5Hex: (s) => toHex(md5(utf8(s))),
  sha256Hex: (s) => toHex(sha256(utf8(s))),
  sha3_384Hex: (s) => toHex(sha3_384(utf8(s))),
};

let provider: HashProvider = nobleHashes;

/**
 * Lets a host with native digests (Node's crypto) supply them: fingerprints then hash several
 * times faster. Core itself never imports a runtime; results are identical either way.
 */
export function useHashProvider(p: HashProvider): void {
  provider = p;
  md5Memo.clear();
  sha256Memo.clear();
}

/**
 * Fingerprint inputs repeat a great deal (every connection of one client build hashes the same
 * cipher and extension lists), so the last few thousand digests are remembered by their input.
 * A digest is a pure function of its input: results are the same with or without the memo.
 */
const MEMO_MAX = 8192;
const md5Memo = new Map<string, string>();
const sha256Memo = new Map<string, string>();

let memoOn = true;
/** Turns the digest memo off (benchmarks that hash the same few inputs over and over) or back on. */
export function useDigestMemo(on: boolean): void {
  memoOn = on;
  md5Memo.clear();
  sha256Memo.clear();
}

function memo(m: Map<string, string>, s: string, sha256: boolean): string {
  if (!memoOn) return sha256 ? provider.sha256Hex(s) : provider.md5Hex(s);
  let h = m.get(s);
  if (h === undefined) {
    h = sha256 ? provider.sha256Hex(s) : provider.md5Hex(s);
    if (m.size >= MEMO_MAX) m.clear();
    m.set(s, h);
  }
  return h;
}

export const md5Hex = (s: string): string => memo(md5Memo, s, false);
export const sha256Hex = (s: string): string => memo(sha256Memo, s, true);
export const sha3_384Hex = (s: string): string => provider.sha3_384Hex(s);

/** JA4+'s truncated hash: first 12 hex chars of SHA-256; an empty input is `000000000000`, not hashed. */
export const EMPTY_HASH12 = '000000000000';
export const hash12 = (s: string): string => (s === '' ? EMPTY_HASH12 : sha256Hex(s).slice(0, 12));
