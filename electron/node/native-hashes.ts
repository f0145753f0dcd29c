import { createHash } from 'node:crypto';
import { useHashProvider, type HashProvider } from '../../core/fingerprint/hash.js';

/** Node's native digests for core's fingerprints (same results as the pure-TS defaults, faster). */
export const nodeHashes: HashProvider = {
  md5Hex: (s) => createHash('md5').update(s, 'utf8').digest('hex'),
  sha256Hex: (s) => createHash('sha256').update(s, 'utf8').digest('hex'),
  sha3_384Hex: (s) => createHash('sha3-384').update(s, 'utf8').digest('hex'),
};

export function installNodeHashes(): void {
  useHashProvider(nodeHashes);
}
