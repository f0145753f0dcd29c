// Node's zlib for TLS 1.3 compressed certificates (RFC 8879), handed to the core's HTTP plugin
// (which decrypts TLS with key logs): algorithm 1 zlib, 2 brotli. zstd (3) is in Node's zlib
// only from Node 22.15 and is used when present. Output is capped at the announced length.
import zlib from 'node:zlib';
import type { CertificateDecompressor } from '../../core/http/http-plugin.js';

type ZstdSync = (b: Uint8Array, o: { maxOutputLength: number }) => Buffer;
const zstd = (zlib as unknown as { zstdDecompressSync?: ZstdSync }).zstdDecompressSync;

export const nodeCertificateDecompressor: CertificateDecompressor = (algorithm, data, uncompressedLength) => {
  // The announced length bounds the work (RFC 8879 allows at most 2^24 bytes); a mismatch is the caller's to report.
  const o = { maxOutputLength: Math.max(1, uncompressedLength) };
  if (algorithm === 1) return zlib.inflateSync(data, o);
  if (algorithm === 2) return zlib.brotliDecompressSync(data, o);
  if (algorithm === 3 && zstd) return zstd(data, o);
  return undefined;
};
