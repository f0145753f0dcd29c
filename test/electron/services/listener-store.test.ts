// The listener's observation store on its own: the window keeps the most recent records by the
// bytes of their log lines (per address too), and on start only the end of the log is read back,
// as much as the window holds, with ids continuing after the last one and damaged lines reported
// by byte offset.
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Fifo } from '../../../electron/services/listener/fifo.js';
import { ObservationStore } from '../../../electron/services/listener/store.js';

const dir = () => mkdtempSync(join(tmpdir(), 'hs-store-'));
const obs = (i: number, ip: string, ua = `ua-${i}`) => ({ ip, port: 1000 + i, time_ms: 1_700_000_000_000 + i, sha3_384: `s${i % 3}`, ja4: 'j', ja3: 'h', user_agent: ua });

describe('Fifo', () => {
  it('gives items back in the order they came, across many pushes and removals', () => {
    const f = new Fifo<number>();
    const model: number[] = [];
    let next = 0;
    // Interleaved runs of pushes and removals, long enough to pass its compaction several times.
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 700 + (round % 7) * 100; i++) { f.push(next); model.push(next++); }
      const got: (number | undefined)[] = [], want: (number | undefined)[] = [];
      for (let i = 0; i < 650 + (round % 5) * 120 && model.length; i++) { got.push(f.shift()); want.push(model.shift()); }
      expect(got).toEqual(want);
      expect(f.length).toBe(model.length);
    }
    expect(f.map((x) => x)).toEqual(model);
    expect(Array.from({ length: model.length }, () => f.shift())).toEqual(model);
    expect(f.shift()).toBeUndefined();
    expect(f.length).toBe(0);
  });
});

describe('ObservationStore window', () => {
  it('keeps the most recent records within windowBytes, for the window and for each address', async () => {
    const d = dir();
    const s = new ObservationStore({ dataDir: d, windowBytes: 20_000 });
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(JSON.stringify(s.add(obs(i, `10.0.0.${i % 4}`))));
    // The window is the longest run of the last lines whose sizes (in bytes, with a newline each) fit.
    let size = 0, k = 0;
    while (k < lines.length && size + Buffer.byteLength(lines[lines.length - 1 - k]!) + 1 <= 20_000) size += Buffer.byteLength(lines[lines.length - 1 - k++]!) + 1;
    const kept = lines.slice(-k).map((l) => JSON.parse(l));
    expect(s.all().map((x) => x.id)).toEqual(kept.map((x) => x.id));
    for (let a = 0; a < 4; a++) {
      expect(s.byIp(`10.0.0.${a}`)).toEqual(kept.filter((x) => x.ip === `10.0.0.${a}`));
      expect(s.countByIp(`10.0.0.${a}`)).toBe(kept.filter((x) => x.ip === `10.0.0.${a}`).length);
    }
    await s.close();
    expect(readFileSync(join(d, 'observations.ndjson'), 'utf8').trim().split('\n')).toEqual(lines);
  });

  it('keeps lines whole across the 1 MiB slabs they are carved from (multi-byte UTF-8 too), live and when read back', async () => {
    const d = dir();
    const s = new ObservationStore({ dataDir: d, windowBytes: 2_000_000 });
    const lines: string[] = [];
    // 4 MB of lines of varying length, some with two- and four-byte characters, so lines end at every offset of a slab.
    for (let i = 0; i < 1400; i++) lines.push(JSON.stringify(s.add(obs(i, `10.1.0.${i % 3}`, `ua-${i}-${'é😀x'.repeat(i % 11)}-${'y'.repeat(2000 + ((i * 37) % 1500))}`))));
    const inWindow = (all: string[]) => { let size = 0, k = 0; while (k < all.length && size + Buffer.byteLength(all[all.length - 1 - k]!) + 1 <= 2_000_000) size += Buffer.byteLength(all[all.length - 1 - k++]!) + 1; return all.slice(-k).map((l) => JSON.parse(l)); };
    const kept = inWindow(lines);
    expect(kept.length).toBeGreaterThan(300);
    for (let a = 0; a < 3; a++) expect(s.byIp(`10.1.0.${a}`)).toEqual(kept.filter((x) => x.ip === `10.1.0.${a}`));
    await s.close();
    expect(readFileSync(join(d, 'observations.ndjson'), 'utf8').trim().split('\n')).toEqual(lines);
    const back = new ObservationStore({ dataDir: d, windowBytes: 2_000_000 });
    for (let a = 0; a < 3; a++) expect(back.byIp(`10.1.0.${a}`)).toEqual(kept.filter((x) => x.ip === `10.1.0.${a}`));
    await back.close();
  });

  it('on start reads back only the end of a long log, continues its ids, reports a damaged line by byte offset, and ends a cut last line', async () => {
    const d = dir();
    const path = join(d, 'observations.ndjson');
    const lines = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ id: i + 1, ...obs(i, '10.1.0.1', `ua-${'é€'.repeat(20)}-${i}`) }));
    // A damaged line in the part the window will hold, and a cut last line.
    const bad = 19_990;
    const text = lines.map((l, i) => (i === bad ? l.slice(0, 30) : l)).join('\n') + '\n';
    writeFileSync(path, text);
    appendFileSync(path, '{"id": 20001, "ip": "10.1');
    const warnings: string[] = [];
    const s = new ObservationStore({ dataDir: d, windowBytes: 5_000, warn: (m) => warnings.push(m) });
    const ids = s.all().map((x) => x.id);
    // The window is the last lines that fit in 5,000 bytes (the damaged one left out).
    const intact = lines.map((l, i) => ({ l, i })).filter((x) => x.i !== bad);
    let size = 0, k = 0;
    while (size + Buffer.byteLength(intact[intact.length - 1 - k]!.l) + 1 <= 5_000) size += Buffer.byteLength(intact[intact.length - 1 - k++]!.l) + 1;
    expect(ids).toEqual(intact.slice(-k).map((x) => x.i + 1));
    expect(ids.length).toBeGreaterThan(10);
    const badOffset = Buffer.byteLength(lines.slice(0, bad).join('\n') + '\n');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(`byte offset ${badOffset} is damaged`);
    expect(warnings[1]).toMatch(/damaged and was skipped \(the process probably stopped while writing it\)/);
    expect(s.add(obs(0, '10.1.0.1')).id).toBe(20_001);
    await s.close();
    // The cut line was ended, so the new line is a line of its own.
    const all = readFileSync(path, 'utf8').split('\n');
    expect(all.at(-3)).toBe('{"id": 20001, "ip": "10.1');
    expect(JSON.parse(all.at(-2)!)).toMatchObject({ id: 20_001, ip: '10.1.0.1' });
    expect(all.at(-1)).toBe('');
  });

  it('reads further back when a long damaged line leaves the end of the log short of a full window', async () => {
    const d = dir();
    const path = join(d, 'observations.ndjson');
    const before = Array.from({ length: 300 }, (_, i) => JSON.stringify({ id: i + 1, ...obs(i, '10.3.0.1') }));
    const after = Array.from({ length: 10 }, (_, i) => JSON.stringify({ id: 301 + i, ...obs(300 + i, '10.3.0.1') }));
    const garbage = '{"id": 5, ' + 'x'.repeat(200_000);
    writeFileSync(path, [...before, garbage, ...after].join('\n') + '\n');
    const warnings: string[] = [];
    const s = new ObservationStore({ dataDir: d, windowBytes: 5_000, warn: (m) => warnings.push(m) });
    const intact = [...before, ...after];
    let size = 0, k = 0;
    while (size + Buffer.byteLength(intact[intact.length - 1 - k]!) + 1 <= 5_000) size += Buffer.byteLength(intact[intact.length - 1 - k++]!) + 1;
    expect(k).toBeGreaterThan(after.length);
    expect(s.all().map((x) => x.id)).toEqual(intact.slice(-k).map((l) => JSON.parse(l).id));
    expect(warnings).toEqual([`${path}: the line at byte offset ${Buffer.byteLength(before.join('\n') + '\n')} is damaged and was skipped`]);
    await s.close();
  });

  it('rotates the log to observations.ndjson.1 at its size limit, losing no line', async () => {
    const d = dir();
    const s = new ObservationStore({ dataDir: d, rotateBytes: 2_000 });
    const lines: string[] = [];
    // Written in several flushes: the flush that takes the log past 2,000 bytes rotates it.
    for (let batch = 0; batch < 4; batch++) {
      for (let i = 0; i < 6; i++) lines.push(JSON.stringify(s.add(obs(batch * 6 + i, '10.4.0.1'))));
      s.flush();
    }
    await s.close();
    const rotated = readFileSync(join(d, 'observations.ndjson.1'), 'utf8').trim().split('\n');
    const current = readFileSync(join(d, 'observations.ndjson'), 'utf8').split('\n').filter(Boolean);
    expect(Buffer.byteLength(rotated.join('\n') + '\n')).toBeGreaterThan(2_000);
    expect(current.length).toBeGreaterThan(0);
    expect([...rotated, ...current]).toEqual(lines);
    expect(s.written).toBe(lines.length);
    // The log holds client addresses and cookie values: for its owner only, as the key is.
    for (const f of ['observations.ndjson', 'observations.ndjson.1']) expect(statSync(join(d, f)).mode & 0o777, f).toBe(0o600);
  });

  it('makes a log an earlier version left readable to all its owner\'s only', async () => {
    const d = dir();
    writeFileSync(join(d, 'observations.ndjson'), '', { mode: 0o644 });
    chmodSync(join(d, 'observations.ndjson'), 0o644);
    const s = new ObservationStore({ dataDir: d });
    await s.close();
    expect(statSync(join(d, 'observations.ndjson')).mode & 0o777).toBe(0o600);
  });

  it('reads a log smaller than the window back whole', async () => {
    const d = dir();
    const a = new ObservationStore({ dataDir: d });
    for (let i = 0; i < 50; i++) a.add(obs(i, '10.2.0.1'));
    await a.close();
    const b = new ObservationStore({ dataDir: d });
    expect(b.all().map((x) => x.id)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await b.close();
  });
});
