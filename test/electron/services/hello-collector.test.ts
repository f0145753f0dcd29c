// The listener's ClientHello collector: every recorded client's hello, re-framed into TLS records
// of random sizes and delivered in reads of random sizes (one byte at a time too), gives back
// exactly the records that hold the hello, with anything after them still buffered; and the
// appending buffer under it keeps every byte in order whatever the reads.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HelloCollector, type CollectState } from '../../../electron/services/listener/hello-collector.js';
import { ReceivedBytes } from '../../../electron/services/listener/received-bytes.js';

const CLIENTS = fileURLToPath(new URL('../../fixtures/clients', import.meta.url));
const hellos = readdirSync(CLIENTS).flatMap((d) => { try { return [{ id: d, bytes: readFileSync(join(CLIENTS, d, 'hello.bin')) }]; } catch { return []; } });

// A small deterministic generator (xorshift32) so a failure can be reproduced.
function rng(seed: number): (n: number) => number {
  let x = seed || 1;
  return (n) => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x % n; };
}
/** The handshake bytes of a single-record hello, framed again into records of 1..max bytes. */
function reframe(record: Buffer, r: (n: number) => number, max: number): Buffer {
  const hs = record.subarray(5, 5 + record.readUInt16BE(3));
  const out: Buffer[] = [];
  for (let at = 0; at < hs.length;) {
    const n = Math.min(hs.length - at, 1 + r(max));
    out.push(Buffer.from([0x16, 3, 1, n >> 8, n & 0xff]), hs.subarray(at, at + n));
    at += n;
  }
  return Buffer.concat(out);
}
function deliver(c: HelloCollector, bytes: Buffer, r: (n: number) => number, max: number): { st: CollectState; reads: number } {
  let st: CollectState = { kind: 'more' }, reads = 0;
  for (let at = 0; at < bytes.length && st.kind === 'more';) {
    const n = Math.min(bytes.length - at, 1 + r(max));
    st = c.push(Buffer.from(bytes.subarray(at, at + n)));
    at += n;
    reads++;
  }
  return { st, reads };
}

describe('HelloCollector', () => {
  it('has recorded hellos to work on', () => expect(hellos.length).toBeGreaterThan(10));

  it.each(hellos.map((h) => [h.id, h.bytes] as const))('%s: whole in one read, in reads of every size, in records of every size', (_id, record) => {
    expect(record[0]).toBe(0x16);
    const one = new HelloCollector();
    const st = one.push(Buffer.from(record));
    expect(st.kind).toBe('hello');
    expect(Buffer.from((st as { bytes: Uint8Array }).bytes).equals(record)).toBe(true);
    const r = rng(record.length);
    for (const [recordMax, readMax] of [[16384, 1], [16384, 7], [1, 3], [50, 1], [300, 200], [3000, 1500]] as const) {
      const framed = recordMax >= record.length ? record : reframe(record, r, recordMax);
      const after = Buffer.from('17030300', 'hex'); // the start of whatever the client sends next
      const c = new HelloCollector();
      const { st: got } = deliver(c, Buffer.concat([framed, after]), r, readMax);
      expect(got.kind, `records of <= ${recordMax}, reads of <= ${readMax}`).toBe('hello');
      expect(Buffer.from((got as { bytes: Uint8Array }).bytes).equals(framed)).toBe(true);
      // What the listener hands to node:tls: everything read, the hello first.
      expect(framed.equals(c.buffered.subarray(0, framed.length))).toBe(true);
    }
  });

  it('says what is not a hello: plain HTTP, other bytes, another handshake message, one too large', () => {
    const c = new HelloCollector();
    expect(c.push(Buffer.from('GE')).kind).toBe('more');
    expect(c.push(Buffer.from('T / HTTP/1.1\r\n')).kind).toBe('plain-http');
    expect(new HelloCollector().push(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n')).kind).toBe('not-tls');
    expect(new HelloCollector().push(Buffer.from([0x16, 3, 1, 0, 4, 2, 0, 0, 0]))).toEqual({ kind: 'not-tls', what: 'a handshake message of type 2, not a ClientHello (1)' });
    expect(new HelloCollector().push(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n'))).toEqual({ kind: 'not-tls', what: 'starts with 53 53 48 2d 32 2e 30 2d' });
    // A first record that is a handshake record, then one that is not: where, and what it holds.
    expect(new HelloCollector().push(Buffer.from([0x16, 3, 1, 0, 2, 1, 0, 0x17, 3, 3, 0, 1, 0]))).toEqual({ kind: 'not-tls', what: 'the record at byte 7 is not a TLS handshake record (it starts with 17 03 03 00 01 00)' });
    expect(new HelloCollector(1000).push(Buffer.from([0x16, 3, 1, 0, 4, 1, 0, 0x10, 0]))).toEqual({ kind: 'too-large', size: 4 + 0x1000 });
  });
});

describe('ReceivedBytes', () => {
  it('keeps every byte in order over reads of any size, and leaves the first read untouched', () => {
    const r = rng(7);
    const all = Buffer.from(Array.from({ length: 20000 }, (_, i) => (i * 31 + 7) & 255));
    const got = new ReceivedBytes();
    const first = Buffer.from(all.subarray(0, 10));
    const firstCopy = Buffer.from(first);
    got.append(first);
    expect(got.bytes).toBe(first);
    for (let at = 10; at < all.length;) {
      const n = Math.min(all.length - at, 1 + r(r(2) ? 3 : 2000));
      got.append(Buffer.from(all.subarray(at, at + n)));
      at += n;
      expect(got.length).toBe(at);
    }
    expect(got.bytes.equals(all)).toBe(true);
    expect(first.equals(firstCopy)).toBe(true);
  });
});
