// The app's handler table with its real capture worker: rows and progress arrive as events, the
// worker's rows equal what `helloscope read` prints, details, export, cancel, damaged captures
// (warnings with file offsets, nothing before or after lost), close.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CaptureProgress, ConnectionRow, EventName, HelloscopeEvents } from '../../../core/api.js';
import { createAppHandlers } from '../../../electron/services/app/handlers.js';
import { CLI, ROOT, clientFixtures } from '../../helpers/paths.js';
import { writeSynthCapture } from '../../bench/synth-capture.mjs';

const dir = mkdtempSync(join(tmpdir(), 'hs-handlers-'));
const events: [EventName, unknown][] = [];
let savePath = join(dir, 'export.out');
const h = createAppHandlers({
  dataDir: join(dir, 'data'), captureWorker: join(ROOT, 'dist/electron/capture-worker.cjs'),
  emit<E extends EventName>(e: E, p: HelloscopeEvents[E]) { events.push([e, p]); },
  chooseOpenPath: async () => null, chooseSavePath: async () => savePath,
});
afterAll(async () => { await h.dispose(); });

const rowsOf = (sourceId: string): ConnectionRow[] => events.filter(([e, p]) => e === 'rows' && (p as { sourceId: string }).sourceId === sourceId).flatMap(([, p]) => (p as { rows: ConnectionRow[] }).rows);
const progressOf = (sourceId: string): CaptureProgress[] => events.filter(([e, p]) => e === 'progress' && (p as CaptureProgress).sourceId === sourceId).map(([, p]) => p as CaptureProgress);
async function done(sourceId: string): Promise<CaptureProgress> {
  for (let i = 0; i < 600; i++) {
    const last = progressOf(sourceId).at(-1);
    if (last?.done) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${sourceId} never finished`);
}
const cli = (path: string, ...flags: string[]): Record<string, unknown>[] => spawnSync(process.execPath, [CLI, 'read', path, '--format', 'ndjson', ...flags], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('app handlers with the capture worker', () => {
  it('streams the rows of every recorded client with the fingerprints helloscope read prints', async () => {
    for (const fx of clientFixtures()) {
      const path = join(fx.dir, 'capture.pcap');
      const info = await h.openCapture({ path });
      const end = await done(info.id);
      const rows = rowsOf(info.id);
      const expected = cli(path);
      expect(end.connections).toBe(expected.length);
      expect(rows.map((r) => r.id)).toEqual(rows.map((_, i) => i));
      const key = (x: { stream: number; transport: string }): string => `${x.transport}/${x.stream}`;
      expect(rows.map((r) => [key(r), r.ja4, r.ja3, r.ja4s, r.ja4h]).sort()).toEqual(expected.map((e) => [key(e as never), e.ja4 ?? null, e.ja3 ?? null, e.ja4s ?? null, (e.http as { ja4h: string }[] | undefined)?.[0]?.ja4h ?? null]).sort());
      // Export as JSON: the same records as read --raw --original.
      savePath = join(dir, `${fx.id}.json`);
      const ex = await h.exportConnections({ sourceId: info.id, ids: rows.map((r) => r.id), format: 'json' });
      expect(ex.count).toBe(rows.length);
      const full = cli(path, '--raw', '--original');
      expect((JSON.parse(readFileSync(savePath, 'utf8')) as Record<string, unknown>[]).sort((a, b) => key(a as never).localeCompare(key(b as never)))).toEqual(full.sort((a, b) => key(a as never).localeCompare(key(b as never))));
      expect(await h.closeSource({ sourceId: info.id })).toBe(true);
      await expect(h.connectionDetail({ sourceId: info.id, id: 0 })).rejects.toThrow(/no open source/);
    }
  }, 120_000);

  it('the detail of a connection holds its hello, server flight and certificates with the fingerprints', async () => {
    const fx = clientFixtures().find((f) => f.id === 'openssl-s_client-tls1_2')!;
    const info = await h.openCapture({ path: join(fx.dir, 'capture.pcap') });
    await done(info.id);
    const row = rowsOf(info.id).find((r) => r.ja4)!;
    const d = await h.connectionDetail({ sourceId: info.id, id: row.id });
    expect(d.views.map((v) => v.kind)).toEqual(expect.arrayContaining(['client_hello', 'server_hello', 'certificate']));
    expect(d.views.find((v) => v.kind === 'client_hello')!.fingerprints.ja4).toBe(fx.hellos[0]!.ref_ja4);
    expect(d.views.find((v) => v.kind === 'server_hello')!.fingerprints.ja3s).toBe(fx.server_hellos[0]!.tshark_ja3s);
    expect(d.record.ja4).toBe(row.ja4);
    await expect(h.connectionDetail({ sourceId: info.id, id: 9999 })).rejects.toThrow(/no connection 9999/);
  });

  it('a gzipped capture opens like the plain one: the same rows, and the detail\'s bytes (kept, not read back by offset)', async () => {
    const fx = clientFixtures().find((f) => f.id === 'openssl-s_client-tls1_2')!;
    const gz = join(dir, 'tls12.pcap.gz');
    writeFileSync(gz, spawnSync('gzip', ['-c', join(fx.dir, 'capture.pcap')], { maxBuffer: 1 << 26 }).stdout);
    const plain = await h.openCapture({ path: join(fx.dir, 'capture.pcap') });
    const packed = await h.openCapture({ path: gz });
    await done(plain.id);
    expect((await done(packed.id)).error).toBeUndefined();
    const strip = (rs: ConnectionRow[]) => rs.map(({ ja4, ja3, ja4s, ja4h, stream }) => ({ ja4, ja3, ja4s, ja4h, stream }));
    expect(strip(rowsOf(packed.id))).toEqual(strip(rowsOf(plain.id)));
    const row = rowsOf(packed.id).find((r) => r.ja4)!;
    const a = await h.connectionDetail({ sourceId: plain.id, id: row.id }), b = await h.connectionDetail({ sourceId: packed.id, id: row.id });
    const hex = (d: typeof a) => d.views.flatMap((v) => v.sources.map((x) => x.hex));
    expect(hex(b)).toEqual(hex(a));
    expect(hex(b)[0]).toMatch(/^16\s?03/);
    expect(b.notes).toEqual(a.notes);
    // A file named .gz that is not gzip inside, and gzip that is not a capture: refused with the reason.
    const fake = join(dir, 'fake.pcap.gz');
    writeFileSync(fake, Buffer.from([0x1f, 0x8b, 0, 0, 0, 0]));
    await expect(h.openCapture({ path: fake })).rejects.toThrow(/not readable as gzip/);
    const text = join(dir, 'text.gz');
    writeFileSync(text, spawnSync('gzip', ['-c'], { input: 'GET / HTTP/1.1\r\n' }).stdout);
    await expect(h.openCapture({ path: text })).rejects.toThrow(/47 45 54 20/);
  });

  it('cancel stops a long read early, and says so', async () => {
    const big = join(dir, 'big.pcap');
    writeSynthCapture(big, 60_000, ROOT);
    const info = await h.openCapture({ path: big });
    while (!progressOf(info.id).some((p) => p.bytesRead > 0)) await new Promise((r) => setTimeout(r, 10));
    expect(await h.cancelCapture({ sourceId: info.id })).toBe(true);
    const end = await done(info.id);
    expect(end.cancelled).toBe(true);
    expect(end.bytesRead).toBeLessThan(end.total);
    expect(await h.cancelCapture({ sourceId: info.id })).toBe(false);
  }, 60_000);

  it('a damaged capture: warnings name the file offset, and connections before and after it are kept', async () => {
    const fx = clientFixtures().find((f) => f.id === 'curl-http1.1')!;
    const good = new Uint8Array(readFileSync(join(fx.dir, 'capture.pcap')));
    // Two copies of the capture with a corrupt record length between them (a packet longer than the snap length).
    const bad = new Uint8Array(good.length * 2 - 24 + 16);
    bad.set(good);
    const dv = new DataView(bad.buffer);
    const at = good.length;
    dv.setUint32(at + 8, 0xffff0000, true); dv.setUint32(at + 12, 0xffff0000, true);
    bad.set(good.subarray(24), at + 16);
    const path = join(dir, 'damaged.pcap');
    writeFileSync(path, bad);
    const info = await h.openCapture({ path });
    await done(info.id);
    const warnings = events.filter(([e, p]) => e === 'warning' && (p as { sourceId: string }).sourceId === info.id).map(([, p]) => p as { message: string; offset?: number });
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]!.message).toMatch(new RegExp(`damaged\\.pcap: offset ${at}`));
    expect(warnings[0]!.offset).toBe(at);
    expect(rowsOf(info.id).filter((r) => r.ja4).length).toBeGreaterThanOrEqual(1);
  });

  it('refuses a file that is not a capture before starting a worker, with the magic bytes found', async () => {
    const txt = join(dir, 'notes.txt');
    writeFileSync(txt, 'GET / HTTP/1.1\r\n\r\n');
    await expect(h.openCapture({ path: txt })).rejects.toThrow(/47 45 54 20/);
    await expect(h.openCapture({ path: dir })).rejects.toThrow(/is a directory/);
  });

  it('a key log that holds no keys is refused, naming the file', async () => {
    const fx = clientFixtures().find((f) => f.id === 'chromium')!;
    const bogus = join(dir, 'not-keys.log');
    writeFileSync(bogus, 'hello\n');
    await expect(h.openCapture({ path: join(fx.dir, 'capture.pcap'), keylogPath: bogus })).rejects.toThrow(/not-keys\.log: no key log lines/);
    await expect(h.openCapture({ path: join(fx.dir, 'capture.pcap'), keylogPath: join(dir, 'missing.log') })).rejects.toThrow(/cannot read the key log/);
  });

  it('remembers recent files, newest first', async () => {
    const recent = await h.recentFiles({});
    expect(recent[0]).toBe(join(dir, 'damaged.pcap'));
    expect(new Set(recent).size).toBe(recent.length);
    expect(recent.length).toBeLessThanOrEqual(10);
  });
});
