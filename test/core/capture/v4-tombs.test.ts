// The tombstones of finished IPv4 TCP conversations kept as numbers (core/capture/v4-tombs.ts):
// against a plain model under random operations, and in the analyzer, where a late packet of a
// finished conversation must be absorbed for 20 s of capture time, not after, and a SYN on the
// same addresses must start a new conversation.
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaptureAnalyzer } from '../../../core/capture/analyzer.js';
import type { ConnectionRecord } from '../../../core/capture/connection.js';
import { KeyedHeap } from '../../../core/capture/keyed-heap.js';
import { V4Tombs } from '../../../core/capture/v4-tombs.js';
import { writeSynthCapture } from '../../bench/synth-capture.mjs';
import { ROOT, readBytes } from '../../helpers/paths.js';

interface Rec { header: Uint8Array; data: Uint8Array }
import { joinPcap, splitPcap } from '../../helpers/pcap-edit.js';

describe('KeyedHeap', () => {
  it('pops values in key order, whatever the order of pushes and pops', () => {
    fc.assert(fc.property(fc.array(fc.option(fc.integer({ min: -50, max: 50 }), { nil: undefined }), { maxLength: 200 }), (ops) => {
      const heap = new KeyedHeap<string>();
      const model: number[] = [];
      for (const o of ops) {
        if (o === undefined) {
          model.sort((a, b) => a - b);
          const want = model.shift();
          expect(heap.peekKey()).toBe(want ?? Infinity);
          const got = heap.pop();
          expect(got === undefined ? undefined : Number(got)).toBe(want);
        } else {
          heap.push(o, String(o));
          model.push(o);
        }
        expect(heap.size).toBe(model.length);
      }
    }), { numRuns: 300 });
  });
});

describe('V4Tombs against a model', () => {
  // Few hashes for many address pairs: most adds meet another tombstone's hash.
  const tuple = fc.record({ a: fc.integer({ min: 0, max: 3 }), ap: fc.integer({ min: 0, max: 2 }), b: fc.integer({ min: 0, max: 3 }), bp: fc.integer({ min: 0, max: 2 }) });
  const hashOf = (t: { a: number; ap: number; b: number; bp: number }): number => (t.a + t.b + t.ap + t.bp) % 5;
  const op = fc.oneof(
    fc.record({ k: fc.constant('add' as const), t: tuple, last: fc.integer({ min: 0, max: 100 }) }),
    fc.record({ k: fc.constant('find' as const), t: tuple, flip: fc.boolean() }),
    fc.record({ k: fc.constant('take' as const), t: tuple }),
    fc.record({ k: fc.constant('expire' as const), before: fc.integer({ min: 0, max: 110 }) }),
  );
  it('finds, takes and forgets exactly what the model does', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
      const tombs = new V4Tombs();
      const model = new Map<number, { t: { a: number; ap: number; b: number; bp: number }; last: number; pos: number }>();
      let pos = 0, forgotten = 0, modelForgotten = 0;
      const same = (x: { a: number; ap: number; b: number; bp: number }, y: typeof x) => (x.a === y.a && x.ap === y.ap && x.b === y.b && x.bp === y.bp) || (x.a === y.b && x.ap === y.bp && x.b === y.a && x.bp === y.ap);
      for (const o of ops) {
        if (o.k === 'add') {
          const h = hashOf(o.t), p = pos++;
          const ok = tombs.add(h, o.t.a, o.t.ap, o.t.b, o.t.bp, o.last, p);
          expect(ok).toBe(!model.has(h));
          if (ok) model.set(h, { t: o.t, last: o.last, pos: p });
        } else if (o.k === 'find') {
          const t = o.flip ? { a: o.t.b, ap: o.t.bp, b: o.t.a, bp: o.t.ap } : o.t;
          const m = model.get(hashOf(t));
          expect(tombs.find(hashOf(t), t.a, t.ap, t.b, t.bp) >= 0).toBe(!!m && same(m.t, t));
        } else if (o.k === 'take') {
          const h = hashOf(o.t), s = tombs.find(h, o.t.a, o.t.ap, o.t.b, o.t.bp);
          const m = model.get(h);
          if (s >= 0) { expect(tombs.take(s)).toBe(m!.pos); model.delete(h); }
        } else {
          tombs.expire(o.before, () => forgotten++);
          for (const [h, m] of model) if (m.last < o.before) { model.delete(h); modelForgotten++; }
          expect(forgotten).toBe(modelForgotten);
        }
        expect(tombs.size).toBe(model.size);
      }
    }), { numRuns: 300 });
  });

  it('grows past its first capacity and reuses forgotten slots', () => {
    const tombs = new V4Tombs();
    for (let i = 0; i < 5000; i++) expect(tombs.add(i, i, 1, 7, 443, i, i)).toBe(true);
    for (let i = 0; i < 5000; i += 997) expect(tombs.find(i, 7, 443, i, 1)).toBeGreaterThanOrEqual(0);
    let n = 0;
    tombs.expire(2500, () => n++);
    expect(n).toBe(2500);
    expect(tombs.find(100, 100, 1, 7, 443)).toBe(-1);
    expect(tombs.find(4000, 4000, 1, 7, 443)).toBeGreaterThanOrEqual(0);
    for (let i = 5000; i < 7500; i++) tombs.add(i, i, 1, 7, 443, i, i);
    expect(tombs.size).toBe(5000);
    tombs.clear();
    expect(tombs.size).toBe(0);
    expect(tombs.find(4000, 4000, 1, 7, 443)).toBe(-1);
  });
});

describe('tombstones in the analyzer (lingerUs 0.1 s, as helloscope read runs it)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hs-tombs-'));
  const file = join(tmp, 'synth.pcap');
  writeSynthCapture(file, 600, ROOT);
  const { header, records, le } = splitPcap(readBytes(file));
  const us = (h: Uint8Array): number => { const v = new DataView(h.buffer, h.byteOffset); return v.getUint32(0, le) * 1e6 + v.getUint32(4, le); };
  const at = (r: Rec, t: number): Rec => {
    const h = r.header.slice();
    new DataView(h.buffer).setUint32(0, Math.floor(t / 1e6), le);
    new DataView(h.buffer).setUint32(4, t % 1e6, le);
    return { header: h, data: r.data };
  };
  /** The capture's packets again at `t` on, with client addresses 10.99.x.x (other conversations). */
  const filler = (t: number): Rec[] => records.map((r, i) => { const d = r.data.slice(); for (const o of [26, 30]) if (d[o] === 10 && d[o + 1] !== 200) d[o + 1] = 99; return at({ header: r.header, data: d }, t + i * 37); });
  const end = us(records[records.length - 1]!.header);
  // Both directions: addresses and ports in either order.
  const pair = (d: Uint8Array): string => { const a = Buffer.from(d.subarray(26, 30)).toString('hex') + Buffer.from(d.subarray(34, 36)).toString('hex'), b = Buffer.from(d.subarray(30, 34)).toString('hex') + Buffer.from(d.subarray(36, 38)).toString('hex'); return a < b ? a + b : b + a; };
  const ofFirst = records.filter((r) => pair(r.data) === pair(records[0]!.data));
  const lastAck = ofFirst[ofFirst.length - 1]!;
  const analyze = (recs: Rec[]): ConnectionRecord[] => {
    const out: ConnectionRecord[] = [];
    const a = new CaptureAnalyzer({ onConnection: (r) => out.push(r), lingerUs: 100_000 });
    a.push(joinPcap(header, recs));
    a.end();
    return out.sort((x, y) => x.stream - y.stream);
  };
  const base = analyze(records);
  const client = `${base[0]!.src}:${base[0]!.src_port}`;
  const ofClient = (rs: ConnectionRecord[]) => rs.filter((r) => `${r.src}:${r.src_port}` === client || `${r.dst}:${r.dst_port}` === client);

  it('absorbs a late packet 5 s after the conversation was finished: no new conversation, none renumbered', () => {
    const t = end + 5_000_000;
    const rs = analyze([...records, ...filler(t), at(lastAck, t + records.length * 37 + 1000)]);
    expect(rs.length).toBe(2 * base.length);
    expect(ofClient(rs).map((r) => [r.stream, r.packets])).toEqual(ofClient(base).map((r) => [r.stream, r.packets]));
  });

  it('forgets it after 20 s of capture time: the same late packet then opens a new conversation', () => {
    const t = end + 21_000_000;
    const rs = analyze([...records, ...filler(t), at(lastAck, t + records.length * 37 + 1000)]);
    expect(rs.length).toBe(2 * base.length + 1);
    const mine = ofClient(rs);
    expect(mine.length).toBe(2);
    expect(mine[1]!.stream).toBe(2 * base.length);
    expect(mine[1]!.packets).toBe(1);
  });

  it('starts a new conversation when a SYN comes while the closed one lingers (50 ms after its FINs)', () => {
    const last = us(ofFirst[ofFirst.length - 1]!.header);
    // The same connection again with another initial sequence number (the same SYN would be a retransmission).
    const client4 = Buffer.from(ofFirst[0]!.data.subarray(26, 30)).toString('hex');
    const again = ofFirst.map((r, i) => {
      const d = r.data.slice();
      const v = new DataView(d.buffer);
      const fromClient = Buffer.from(d.subarray(26, 30)).toString('hex') === client4;
      if (fromClient) v.setUint32(38, (v.getUint32(38) + 100_000) >>> 0);
      else if (d[47]! & 0x10) v.setUint32(42, (v.getUint32(42) + 100_000) >>> 0);
      return at({ header: r.header, data: d }, last + 50_000 + i * 37);
    });
    // In time order among the others' packets.
    const t0 = last + 50_000;
    const k = records.findIndex((r) => us(r.header) > t0);
    const recs = k < 0 ? [...records, ...again] : [...records.slice(0, k), ...again, ...records.slice(k)];
    const rs = analyze(recs);
    expect(rs.length).toBe(base.length + 1);
    const mine = ofClient(rs);
    expect(mine.length).toBe(2);
    expect(mine[0]).toEqual(ofClient(base)[0]);
    expect(mine[1]!.hellos.map((h) => h.ja4)).toEqual(mine[0]!.hellos.map((h) => h.ja4));
    expect(mine[1]!.packets).toBe(mine[0]!.packets);
    // Late packets after the new one is finished are absorbed as for any other.
    const end2 = us(recs[recs.length - 1]!.header);
    const rs2 = analyze([...recs, ...filler(end2 + 5_000_000), at(lastAck, end2 + 5_000_000 + records.length * 37 + 1000)]);
    expect(rs2.length).toBe(2 * base.length + 1);
  });

  it('starts a new conversation when a SYN comes on the finished one\'s addresses, fingerprinted in full', () => {
    const t = end + 5_000_000;
    const again = ofFirst.map((r, i) => at(r, t + i * 37));
    const rs = analyze([...records, ...again]);
    expect(rs.length).toBe(base.length + 1);
    const mine = ofClient(rs);
    expect(mine.length).toBe(2);
    expect(mine[0]).toEqual(ofClient(base)[0]);
    expect(mine[1]!.stream).toBe(base.length);
    expect(mine[1]!.hellos.map((h) => h.ja4)).toEqual(mine[0]!.hellos.map((h) => h.ja4));
    expect(mine[1]!.packets).toBe(mine[0]!.packets);
  });
});
