// The capture engine's fast TLS reader must give exactly parseTls's messages whenever it answers,
// and leave to parseTls everything parseTls reports as an error.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureAnalyzer } from '../../../core/capture/analyzer.js';
import { handshakePrefix } from '../../../core/capture/finish-tcp.js';
import { parseTls } from '../../../core/tls/parse-tls.js';
import { parseTlsRecordsFast } from '../../../core/tls/fast-parse.js';
import { CONFORMANCE, FIXTURES } from '../../helpers/paths.js';

function captures(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? captures(p) : /\.(pcap|pcapng)$/.test(e.name) ? [p] : [];
  });
}

/** The cleartext handshake records at the start of every TCP direction of every capture. */
function streams(): { name: string; side: 'client' | 'server'; bytes: Uint8Array }[] {
  const out: { name: string; side: 'client' | 'server'; bytes: Uint8Array }[] = [];
  for (const file of [...captures(FIXTURES), ...captures(join(CONFORMANCE, 'pcap'))]) {
    const a = new CaptureAnalyzer({
      onConnection: () => {},
      handOffTcp: (job) => {
        for (const [side, cb, type] of [['client', job.client, 1], ['server', job.server, 2]] as const) {
          const p = handshakePrefix(cb.bytes, type);
          if (p.end > p.start) out.push({ name: `${file}#${job.record.stream}`, side, bytes: cb.bytes.slice(p.start, p.end) });
        }
      },
    });
    try { a.push(new Uint8Array(readFileSync(file))); a.end(); } catch { /* not a capture */ }
  }
  return out;
}

function check(bytes: Uint8Array, source: string): boolean {
  const fast = parseTlsRecordsFast(bytes, source);
  const slow = parseTls(bytes, { tree: false, framing: 'tls', source });
  if (!fast) return false;
  expect(slow.problems.filter((p) => p.severity === 'error')).toEqual([]);
  expect(fast).toEqual(slow.messages);
  return true;
}

/** The handshake bytes of a stream made only of handshake records, or undefined. */
function handshakeStream(b: Uint8Array): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  for (let p = 0; p < b.length;) {
    if (b[p] !== 22) return undefined;
    const len = (b[p + 3]! << 8) | b[p + 4]!;
    parts.push(b.subarray(p + 5, p + 5 + len));
    p += 5 + len;
  }
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of parts) { out.set(x, at); at += x.length; }
  return out;
}

/** Handshake bytes framed as TLS 1.2 handshake records of the given sizes. */
function frame(hs: Uint8Array, sizes: number[]): Uint8Array {
  const out = new Uint8Array(hs.length + 5 * sizes.length);
  let at = 0, from = 0;
  for (const n of sizes) {
    out.set([22, 3, 3, n >> 8, n & 0xff], at);
    out.set(hs.subarray(from, from + n), at + 5);
    at += 5 + n;
    from += n;
  }
  return out;
}

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('fast TLS record reader', () => {
  const all = streams();

  it('equals parseTls on every recorded handshake, and handles most of them itself', () => {
    expect(all.length).toBeGreaterThan(150);
    let fast = 0;
    for (const s of all) if (check(s.bytes, s.side)) fast++;
    // Clients and servers of all kinds: TLS 1.0-1.3, certificates across records, hellos over two records.
    expect(fast / all.length).toBeGreaterThan(0.8);
    expect(all.some((s) => s.side === 'server' && parseTlsRecordsFast(s.bytes, 'server')?.some((m) => m.kind === 'certificate' && m.certificates.length > 1))).toBe(true);
  });

  it('equals parseTls when the same handshake messages are cut into records of any size (reassembly across records)', () => {
    const next = rng(7);
    let reassembled = 0;
    for (const s of all) {
      const hs = handshakeStream(s.bytes);
      if (!hs) continue;
      for (let k = 0; k < 4; k++) {
        const sizes: number[] = [];
        for (let left = hs.length; left > 0;) { const n = Math.min(left, 1 + Math.floor(next() * 700)); sizes.push(n); left -= n; }
        const framed = frame(hs, sizes);
        expect(check(framed, s.side)).toBe(true);
        if (parseTlsRecordsFast(framed, s.side)!.some((m) => m.source.includes('tls-reassembled'))) reassembled++;
      }
    }
    expect(reassembled).toBeGreaterThan(100);
  });

  it('answers only what parseTls reads without error on mutated handshakes (byte changes, cuts, length fields)', () => {
    const next = rng(20261201);
    let fast = 0, slowOnly = 0;
    for (const s of all) {
      for (let k = 0; k < 12; k++) {
        const b = s.bytes.slice();
        const what = next();
        if (what < 0.4) b[Math.floor(next() * b.length)] = Math.floor(next() * 256);
        else if (what < 0.7) {
          // A length field: record (bytes 3-4), handshake (6-8) or somewhere inside the hello.
          const at = [3, 4, 6, 7, 8, 43, 44][Math.floor(next() * 7)]!;
          if (at < b.length) b[at] = (b[at]! + 1 + Math.floor(next() * 3)) & 0xff;
        } else {
          const cut = b.subarray(0, Math.floor(next() * b.length));
          if (check(cut, s.side)) fast++; else slowOnly++;
          continue;
        }
        if (check(b, s.side)) fast++; else slowOnly++;
      }
    }
    // Both paths were exercised.
    expect(fast).toBeGreaterThan(100);
    expect(slowOnly).toBeGreaterThan(100);
  });
});
