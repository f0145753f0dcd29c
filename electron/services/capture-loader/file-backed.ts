// Keeps the capture worker's memory flat: bytes that are a copy of the file (TLS and HTTP over
// TCP, DTLS) are dropped from a record once it is fingerprinted, and read back from the file by
// their pieces' offsets when a view asks for them. Bytes that are not in the file as such
// (decrypted QUIC CRYPTO data, certificates from decryption) stay on the record.
import type { FileHandle } from 'node:fs/promises';
import type { CapturedBytes, ConnectionRecord } from '../../../core/capture/connection.js';

const EMPTY = new Uint8Array(0);

/** A CapturedBytes whose `bytes` were dropped; `length` is what to read back. */
interface Dropped extends CapturedBytes { dropped: number }

const isFileBacked = (r: ConnectionRecord): boolean => r.protocol !== 'quic';

function drop(c: CapturedBytes | undefined): void {
  if (!c || c.bytes.length === 0) return;
  (c as Dropped).dropped = c.bytes.length;
  c.bytes = EMPTY;
}

/** Drops file-backed bytes from a record (in place). */
export function dropFileBytes(r: ConnectionRecord): void {
  if (!isFileBacked(r)) return;
  for (const h of r.hellos) drop(h.captured);
  drop(r.server_hello?.captured);
  for (const q of r.http) drop(q.captured);
  // Certificates sent in clear are inside the server's flight: their DER is read back with it.
  if (r.server_hello?.captured) for (const c of r.tls_certs) for (const x of c.x509) delete x.der;
}

async function restore(c: CapturedBytes | undefined, fh: FileHandle): Promise<void> {
  const n = (c as Dropped | undefined)?.dropped;
  if (!c || !n) return;
  const bytes = new Uint8Array(n);
  for (const p of c.pieces) {
    const { bytesRead } = await fh.read(bytes, p.at, p.length, p.fileOffset);
    if (bytesRead !== p.length) throw new Error(`the capture file is shorter than when it was read (frame ${p.frame} at file offset ${p.fileOffset})`);
  }
  c.bytes = bytes;
}

/** A copy of the record with its dropped bytes read back from the capture file. */
export async function withFileBytes(r: ConnectionRecord, fh: FileHandle): Promise<ConnectionRecord> {
  const copy: ConnectionRecord = structuredClone(r);
  if (!isFileBacked(copy)) return copy;
  for (const h of copy.hellos) await restore(h.captured, fh);
  await restore(copy.server_hello?.captured, fh);
  for (const q of copy.http) await restore(q.captured, fh);
  return copy;
}
