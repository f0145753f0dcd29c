// The capture engine on real captures: the 24 clients recorded on 127.0.0.1 (tshark's JA3/JA3S
// and stream numbers recorded with them, JA4 from an independent reference), pcap variants made
// with editcap or derived by reordering real packets, and damaged files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaptureAnalyzer, CaptureFormatError, type CaptureWarning } from '../../../core/capture/analyzer.js';
import { looksLikeSslv2Hello } from '../../../core/capture/finish-tcp.js';
import { createHttpPlugin } from '../../../core/http/http-plugin.js';
import type { ConnectionRecord } from '../../../core/capture/connection.js';
import { CONFORMANCE, FIXTURES as FIXTURES_DIR, ROOT, clientFixtures, readBytes } from '../../helpers/paths.js';
import { byteSwapPcap, joinPcap, splitPcap } from '../../helpers/pcap-edit.js';
import { writeSynthCapture } from '../../bench/synth-capture.mjs';

function analyze(bytes: Uint8Array, chunk = 65536, opts: { keepBytes?: boolean; lingerUs?: number } = {}): { records: ConnectionRecord[]; warnings: CaptureWarning[] } {
  const records: ConnectionRecord[] = [];
  const warnings: CaptureWarning[] = [];
  const a = new CaptureAnalyzer({ fileName: 'test.pcap', onConnection: (r) => records.push(r), onWarning: (w) => warnings.push(w), ...opts });
  for (let i = 0; i < bytes.length; i += chunk) a.push(bytes.subarray(i, i + chunk));
  a.end();
  records.sort((x, y) => (x.transport === y.transport ? x.stream - y.stream : x.transport < y.transport ? -1 : 1));
  return { records, warnings };
}

const summary = (rs: ConnectionRecord[]) => rs.map((r) => ({ s: r.stream, t: r.transport, src: `${r.src}:${r.src_port}`, ja4: r.hellos.map((h) => h.ja4), ja3: r.hellos.map((h) => h.ja3), ja4s: r.server_hello?.ja4s, ja4t: r.ja4t, ja4ts: r.ja4ts, ja4l: [r.ja4l_c, r.ja4l_s] }));
const tmp = mkdtempSync(join(tmpdir(), 'hs-capture-'));

/** A classic pcap rewritten as pcapng by editcap (one Section Header, one Interface Description, Enhanced Packet Blocks). */
function pcapngOf(pcap: Uint8Array): Uint8Array {
  const i = join(tmp, `to-ng-${pcap.length}.pcap`), o = join(tmp, `to-ng-${pcap.length}.pcapng`);
  writeFileSync(i, pcap);
  expect(spawnSync('editcap', ['-F', 'pcapng', i, o]).status).toBe(0);
  return readBytes(o);
}
/** The blocks of a little-endian pcapng file: type, offset, length. */
function pcapngBlocks(b: Uint8Array): { type: number; offset: number; length: number }[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: { type: number; offset: number; length: number }[] = [];
  for (let off = 0; off + 12 <= b.length;) {
    const length = dv.getUint32(off + 4, true);
    out.push({ type: dv.getUint32(off, true), offset: off, length });
    off += length;
  }
  return out;
}

describe('capture engine on recorded real clients', () => {
  for (const f of clientFixtures().filter((x) => x.hellos.length)) {
    it(`${f.id}: JA3/JA3S equal tshark's, JA4 equals the reference, streams numbered as tshark does`, () => {
      const { records } = analyze(readBytes(join(f.dir, 'capture.pcap')));
      for (const h of f.hellos) {
        const r = records.find((x) => x.transport === 'tcp' && x.stream === h.stream);
        expect(r, `tcp stream ${h.stream}`).toBeDefined();
        const mine = r!.hellos.find((x) => x.frame === h.frame) ?? r!.hellos[0]!;
        expect(mine.ja3).toBe(h.tshark_ja3);
        expect(mine.ja3_full).toBe(h.tshark_ja3_full);
        expect(mine.ja4).toBe(h.ref_ja4);
        expect(mine.ja4_o).toBe(h.ref_ja4_o);
        expect(mine.frame).toBe(h.frame);
        expect(r!.tls_server_name ?? null).toBe(h.tls_server_name);
      }
      for (const s of f.server_hellos) {
        const r = records.find((x) => x.transport === 'tcp' && x.stream === s.stream);
        expect(r?.server_hello?.ja3s).toBe(s.tshark_ja3s);
        expect(r?.server_hello?.ja3s_full).toBe(s.tshark_ja3s_full);
      }
    });
  }
});

describe('capture formats', () => {
  const chromium = clientFixtures().find((f) => f.id === 'chromium')!;
  const pcap = join(chromium.dir, 'capture.pcap');
  const base = summary(analyze(readBytes(pcap)).records);

  it('gives the same result whatever the chunk size', () => {
    const bytes = readBytes(pcap);
    for (const chunk of [1, 7, 100, 4096]) expect(summary(analyze(bytes, chunk).records)).toEqual(base);
  });

  for (const [name, args] of [['pcapng', ['-F', 'pcapng']], ['nanosecond pcap', ['-F', 'nsecpcap']], ['modified pcap (24-byte record headers)', ['-F', 'modpcap']]] as const) {
    it(`reads the same capture converted by editcap to ${name}`, () => {
      const out = join(tmp, `${name.replace(/\W+/g, '-')}.cap`);
      const r = spawnSync('editcap', [...args, pcap, out], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const got = analyze(readBytes(out));
      expect(summary(got.records)).toEqual(base);
      expect(got.warnings).toEqual([]);
    });
  }

  it('reads nanosecond pcapng timestamps exactly (past 2^53 ticks), as the nanosecond pcap', () => {
    const nsec = join(tmp, 'ts.nsec.pcap'), ng = join(tmp, 'ts.nsec.pcapng');
    expect(spawnSync('editcap', ['-F', 'nsecpcap', pcap, nsec]).status).toBe(0);
    // Every timestamp 999 ns past its microsecond: the last nanoseconds before the next one.
    const { header, records } = splitPcap(readBytes(nsec));
    for (const r of records) new DataView(r.header.buffer).setUint32(4, new DataView(r.header.buffer).getUint32(4, true) + 999, true);
    writeFileSync(nsec, joinPcap(header, records));
    expect(spawnSync('editcap', ['-F', 'pcapng', nsec, ng]).status).toBe(0);
    const times = (f: string) => analyze(readBytes(f)).records.map((r) => [r.first_seen_us, r.last_seen_us, r.ja4l_c, r.ja4l_s]);
    const want = times(pcap);
    expect(times(nsec)).toEqual(want);
    expect(times(ng)).toEqual(want);
  });

  it('adds an interface\'s if_tsoffset to its timestamps, as tshark does', () => {
    const ng = join(tmp, 'tsoffset.pcapng'), shifted = join(tmp, 'tsoffset-shifted.pcapng');
    expect(spawnSync('editcap', ['-F', 'pcapng', pcap, ng]).status).toBe(0);
    // Rebuild every Interface Description Block with an if_tsoffset option (code 14, int64 seconds) before its end.
    const OFFSET = -86_400 * 365;
    const b = readBytes(ng), dv = new DataView(b.buffer, b.byteOffset, b.length);
    const out: Uint8Array[] = [];
    let idbs = 0;
    for (let o = 0; o < b.length;) {
      const type = dv.getUint32(o, true), len = dv.getUint32(o + 4, true);
      if (type !== 1) { out.push(b.subarray(o, o + len)); o += len; continue; }
      idbs++;
      let optEnd = o + 16;
      while (optEnd + 4 <= o + len - 4 && dv.getUint16(optEnd, true) !== 0) optEnd += 4 + ((dv.getUint16(optEnd + 2, true) + 3) & ~3);
      const opt = new Uint8Array(16 + 4);
      const odv = new DataView(opt.buffer);
      odv.setUint16(0, 14, true); odv.setUint16(2, 8, true); odv.setBigInt64(4, BigInt(OFFSET), true);
      // then opt_endofopt (4 zero bytes), the trailing length
      const body = new Uint8Array([...b.subarray(o, optEnd), ...opt.subarray(0, 12), 0, 0, 0, 0, 0, 0, 0, 0]);
      const bdv = new DataView(body.buffer);
      bdv.setUint32(4, body.length, true);
      bdv.setUint32(body.length - 4, body.length, true);
      out.push(body);
      o += len;
    }
    expect(idbs).toBeGreaterThan(0);
    writeFileSync(shifted, Buffer.concat(out));
    const times = (f: string) => analyze(readBytes(f)).records.map((r) => r.first_seen_us);
    const got = analyze(readBytes(shifted));
    expect(got.warnings).toEqual([]);
    expect(times(shifted)).toEqual(times(ng).map((t) => t + OFFSET * 1e6));
    // tshark reads the option the same way: the first frame's time.
    const epoch = (f: string) => Number(spawnSync('tshark', ['-r', f, '-c', '1', '-T', 'fields', '-e', 'frame.time_epoch'], { encoding: 'utf8' }).stdout.trim());
    expect(Math.round((epoch(shifted) - epoch(ng)))).toBe(OFFSET);
    expect(summary(got.records).map((s) => s.ja4)).toEqual(base.map((s) => s.ja4));
  });

  it('reads a big-endian pcap (every header field byte-swapped)', () => {
    expect(summary(analyze(byteSwapPcap(readBytes(pcap))).records)).toEqual(base);
  });

  it('reads raw-IP captures (Ethernet headers stripped by editcap)', () => {
    const raw = join(tmp, 'raw.pcap');
    expect(spawnSync('editcap', ['-C', '14', '-T', 'rawip', pcap, raw]).status).toBe(0);
    expect(summary(analyze(readBytes(raw)).records)).toEqual(base);
  });
});

describe('TCP reassembly', () => {
  const firefox = clientFixtures().find((f) => f.id === 'firefox-esr')!;
  const bytes = readBytes(join(firefox.dir, 'capture.pcap'));
  const base = summary(analyze(bytes).records);
  const { header, records } = splitPcap(bytes);

  it('rebuilds streams from segments in reverse order within each burst, with duplicates', () => {
    // Reverse each run of 3 packets and repeat every 4th packet (retransmissions).
    const out: typeof records = [];
    for (let i = 0; i < records.length; i += 3) out.push(...records.slice(i, i + 3).reverse());
    const withDups = out.flatMap((r, i) => (i % 4 === 0 ? [r, r] : [r]));
    const got = analyze(joinPcap(header, withDups)).records;
    expect(summary(got).map((r) => ({ ja4: r.ja4, ja3: r.ja3, ja4s: r.ja4s }))).toEqual(base.map((r) => ({ ja4: r.ja4, ja3: r.ja3, ja4s: r.ja4s })));
  });

  it('says so when the client\'s first bytes are missing (the segment holding the ClientHello lost, its gap never filled)', () => {
    const hf = firefox.hellos[0]!.frame;
    const got = analyze(joinPcap(header, records.filter((_, i) => i !== hf - 1))).records.find((r) => r.transport === 'tcp')!;
    expect(got.hellos).toEqual([]);
    expect(got.problems.filter((p) => p.code === 'tcp_gap').map((p) => p.message)).toEqual(['client: the stream\'s first bytes are missing from the capture (a gap that never filled); nothing the client sent could be read']);
    // The whole capture has no such problem.
    expect(analyze(bytes).records.flatMap((r) => r.problems).filter((p) => p.code === 'tcp_gap')).toEqual([]);
  });

  it('starts a new conversation at a SYN with a new sequence number on ports never closed (port reuse without FIN/RST, as tshark)', () => {
    // The conversation without its FIN and RST packets, then again 5 s later on the same
    // addresses and ports with other initial sequence numbers; a retransmitted SYN stays in its own.
    const tcpAt = (d: Uint8Array): number => 14 + (d[14]! & 15) * 4;
    const open = records.filter((r) => (r.data[tcpAt(r.data) + 13]! & 0x05) === 0);
    const again = open.map((r) => {
      const d = r.data.slice();
      const dv = new DataView(d.buffer), t = tcpAt(d);
      dv.setUint32(t + 4, (dv.getUint32(t + 4) + 0x10000000) >>> 0);
      if (d[t + 13]! & 0x10) dv.setUint32(t + 8, (dv.getUint32(t + 8) + 0x10000000) >>> 0);
      const h = r.header.slice();
      new DataView(h.buffer).setUint32(0, new DataView(h.buffer).getUint32(0, true) + 5, true);
      return { header: h, data: d };
    });
    const both = joinPcap(header, [open[0]!, ...open, ...again]);
    const got = analyze(both).records.filter((r) => r.transport === 'tcp');
    const file = join(mkdtempSync(join(tmpdir(), 'hs-reuse-')), 'reuse.pcap');
    writeFileSync(file, both);
    const t = spawnSync('tshark', ['-r', file, '-Y', 'tcp', '-T', 'fields', '-e', 'tcp.stream'], { encoding: 'utf8' });
    expect(t.status).toBe(0);
    const tsharkStreams = new Set(t.stdout.trim().split('\n')).size;
    expect(got.length).toBe(tsharkStreams);
    expect(got.length).toBe(2);
    expect(got.map((r) => [r.src_port, r.dst_port])).toEqual([[got[0]!.src_port, got[0]!.dst_port], [got[0]!.src_port, got[0]!.dst_port]]);
    expect(summary(got).map((r) => r.ja4)).toEqual([base[0]!.ja4, base[0]!.ja4]);
    expect(got[0]!.packets).toBe(open.length + 1);
  });

  it('keeps a conversation whole when the capture clock jumps back (files joined out of order)', () => {
    // Another capture an hour later, then this one with one packet repeated 5000 times (more
    // than one sweep of the conversation table happens inside it).
    const other = splitPcap(readBytes(join(clientFixtures().find((f) => f.id === 'curl-h2')!.dir, 'capture.pcap'))).records;
    const later = other.map((r) => {
      const h = r.header.slice();
      new DataView(h.buffer).setUint32(0, new DataView(h.buffer).getUint32(0, true) + 3600, true);
      return { header: h, data: r.data };
    });
    const mid = Math.floor(records.length / 2);
    const repeated = [...records.slice(0, mid), ...Array.from({ length: 5000 }, () => records[mid]!), ...records.slice(mid)];
    const got = analyze(joinPcap(header, [...later, ...repeated])).records;
    expect(got.map((r) => r.packets)).toEqual([other.length, records.length + 5000]);
    expect(summary(got)[1]!.ja4).toEqual(base[0]!.ja4);
  });

  it('uses a hello split over two segments (the hello segment cut in two, second half first)', () => {
    // Find the frame carrying the ClientHello and split its TCP payload into two segments.
    const hf = firefox.hellos[0]!.frame;
    const rec = records[hf - 1]!;
    const d = rec.data;
    const ipAt = 14, ihl = (d[ipAt]! & 15) * 4, tcpAt = ipAt + ihl, doff = (d[tcpAt + 12]! >> 4) * 4, payAt = tcpAt + doff;
    const seq = new DataView(d.buffer, d.byteOffset).getUint32(tcpAt + 4);
    const half = Math.floor((d.length - payAt) / 2);
    const mk = (from: number, to: number, s: number): { header: Uint8Array; data: Uint8Array } => {
      const data = new Uint8Array(payAt + (to - from));
      data.set(d.subarray(0, payAt));
      data.set(d.subarray(from, to), payAt);
      new DataView(data.buffer).setUint32(tcpAt + 4, s >>> 0);
      new DataView(data.buffer).setUint16(ipAt + 2, data.length - ipAt);
      const h = rec.header.slice();
      new DataView(h.buffer).setUint32(8, data.length, true);
      new DataView(h.buffer).setUint32(12, data.length, true);
      return { header: h, data };
    };
    const first = mk(payAt, payAt + half, seq), second = mk(payAt + half, d.length, seq + half);
    const changed = [...records.slice(0, hf - 1), second, first, ...records.slice(hf)];
    const got = summary(analyze(joinPcap(header, changed)).records);
    expect(got[0]!.ja4).toEqual(base[0]!.ja4);
    expect(got[0]!.ja3).toEqual(base[0]!.ja3);
  });
});

describe('damaged input', () => {
  const curl = clientFixtures().find((f) => f.id === 'curl-h2')!;
  const bytes = readBytes(join(curl.dir, 'capture.pcap'));
  const base = summary(analyze(bytes).records);
  const { header, records } = splitPcap(bytes);

  it('rejects a file that is not a capture with the magic bytes it found', () => {
    const a = new CaptureAnalyzer({ onConnection: () => {} });
    let err: unknown;
    try { a.push(new TextEncoder().encode('GET / HTTP/1.1\r\n')); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(CaptureFormatError);
    expect((err as CaptureFormatError).magic).toBe('47 45 54 20 2f 20 48 54');
    expect(() => new CaptureAnalyzer({ onConnection: () => {} }).end()).toThrow(CaptureFormatError);
  });

  it('warns with the offset when the file is truncated, and keeps what came before', () => {
    const cut = bytes.subarray(0, bytes.length - 10);
    const got = analyze(cut);
    const w = got.warnings.find((x) => x.code === 'truncated_file');
    expect(w?.offset).toBe(records[records.length - 1]!.offset);
    expect(w?.file).toBe('test.pcap');
    expect(got.records.flatMap((r) => r.hellos.map((h) => h.ja4))).toEqual(base.flatMap((r) => r.ja4));
  });

  it('skips a record with a corrupt length, says where, and reads the packets after it', () => {
    const bad = bytes.slice();
    const victim = records[2]!;
    new DataView(bad.buffer).setUint32(victim.offset + 8, 0x7fffffff, true);
    const got = analyze(bad);
    expect(got.warnings.find((x) => x.code === 'bad_length')?.offset).toBe(victim.offset);
    expect(got.warnings.some((x) => x.code === 'resync')).toBe(true);
    // The ClientHello comes after the damaged SYN-ACK/ACK, so it is still fingerprinted.
    expect(got.records.flatMap((r) => r.hellos.map((h) => h.ja4))).toEqual(base.flatMap((r) => r.ja4));
  });

  it('takes a zeroed record header as damage, not as an empty record, and reads every later packet', () => {
    // Zeros in place of a header (16 bytes, or more running into the packet's data): read as a
    // record of no bytes, they had made the data after them headers and set the time the search
    // after damage compares with to 0, so every later packet was lost.
    // (The victim is the ACK before the ClientHello: the hello is still there to fingerprint.)
    const victim = records[2]!;
    for (const n of [16, 16 + Math.min(40, victim.data.length)]) {
      const bad = bytes.slice();
      bad.fill(0, victim.offset, victim.offset + n);
      const got = analyze(bad);
      expect(got.warnings.find((x) => x.code === 'bad_length')?.offset).toBe(victim.offset);
      expect(got.warnings.filter((x) => x.code === 'resync').map((x) => x.offset)).toEqual([records[3]!.offset]);
      expect(got.warnings.filter((x) => x.code === 'snaplen_cut')).toEqual([]);
      expect(got.records.flatMap((r) => r.hellos.map((h) => h.ja4))).toEqual(base.flatMap((r) => r.ja4));
    }
  });

  it('keeps a record of no captured bytes of a longer packet (frame numbers stay as tshark counts them)', () => {
    const withEmpty = [...records.slice(0, 2), { header: (() => { const h = records[2]!.header.slice(); new DataView(h.buffer).setUint32(8, 0, true); return h; })(), data: new Uint8Array(0) }, ...records.slice(3)];
    const got = analyze(joinPcap(header, withEmpty));
    expect(got.warnings.filter((w) => w.code === 'bad_length' || w.code === 'resync')).toEqual([]);
    expect(got.warnings.find((w) => w.code === 'snaplen_cut')?.frame).toBe(3);
    expect(got.records.flatMap((r) => r.hellos.map((h) => h.frame))).toEqual(analyze(bytes).records.flatMap((r) => r.hellos.map((h) => h.frame)));
  });

  it('reports snaplen-cut packets', () => {
    const cut = records.map((r, i) => {
      if (i !== 5) return r;
      const h = r.header.slice();
      new DataView(h.buffer).setUint32(8, 40, true);
      return { header: h, data: r.data.subarray(0, 40) };
    });
    const got = analyze(joinPcap(header, cut));
    expect(got.warnings.find((w) => w.code === 'snaplen_cut')?.frame).toBe(6);
  });

  it('gives no fingerprint for hellos cut when captured (tshark gives none), and says so', () => {
    // editcap -s 150: the ClientHello and ServerHello segments keep their first bytes only.
    const out = join(tmp, 'snap150.pcap');
    expect(spawnSync('editcap', ['-s', '150', join(curl.dir, 'capture.pcap'), out]).status).toBe(0);
    const got = analyze(readBytes(out));
    const r = got.records.find((x) => x.transport === 'tcp' && x.stream === 0)!;
    expect(r.hellos).toEqual([]);
    expect(r.server_hello).toBeUndefined();
    expect(r.protocol).toBe('tls');
    expect(r.ja4t).toBe(base[0]!.ja4t);
    expect(r.problems.filter((p) => p.code === 'tls_hello_cut').map((p) => p.message)).toEqual([
      'client: the ClientHello is cut off in the capture (not fingerprinted)',
      'server: the ServerHello is cut off in the capture (not fingerprinted)',
    ]);
  });

  /** The capture as pcapng, and the offset of its first Enhanced Packet Block. */
  const firstEpb = (): { b: Uint8Array; dv: DataView; off: number } => {
    const b = pcapngOf(bytes);
    return { b, dv: new DataView(b.buffer, b.byteOffset, b.byteLength), off: pcapngBlocks(b).find((x) => x.type === 6)!.offset };
  };

  it('reports a pcapng packet longer than its block', () => {
    // The first Enhanced Packet Block's captured length enlarged.
    const { b, dv, off } = firstEpb();
    dv.setUint32(off + 20, dv.getUint32(off + 20, true) + 500, true);
    const got = analyze(b);
    const w = got.warnings.find((x) => x.code === 'block_overrun');
    expect(w?.offset).toBe(off);
    expect(w?.frame).toBe(1);
  });

  it('warns of a pcapng packet whose original length is less than its captured length, and reads it', () => {
    const { b, dv, off } = firstEpb();
    dv.setUint32(off + 24, 10, true);
    const got = analyze(b);
    const w = got.warnings.find((x) => x.code === 'bad_length');
    expect(w?.offset).toBe(off);
    expect(w?.frame).toBe(1);
    expect(summary(got.records)).toEqual(base);
  });

  it('reads on after a corrupt length that points past the end of the file (pcap and pcapng)', () => {
    // A length under the format's limits but larger than what follows it: not a truncated file,
    // since whole records follow; the SYN-ACK's record is lost, the hellos after it are kept.
    const bad = bytes.slice();
    const victim = records[1]!;
    const big = bytes.length - victim.offset + 1000;
    new DataView(bad.buffer).setUint32(victim.offset + 8, big, true);
    new DataView(bad.buffer).setUint32(victim.offset + 12, big, true);
    const got = analyze(bad);
    expect(got.warnings.find((x) => x.code === 'bad_length')?.offset).toBe(victim.offset);
    expect(got.warnings.some((x) => x.code === 'truncated_file')).toBe(false);
    expect(got.records.flatMap((r) => r.hellos.map((h) => h.ja4))).toEqual(base.flatMap((r) => r.ja4));
    const ng = pcapngOf(bytes);
    const blocks = pcapngBlocks(ng);
    const epb = blocks.filter((x) => x.type === 6)[1]!;
    const badNg = ng.slice();
    new DataView(badNg.buffer).setUint32(epb.offset + 4, ng.length - epb.offset + 64, true);
    const gotNg = analyze(badNg);
    expect(gotNg.warnings.find((x) => x.code === 'bad_length')?.offset).toBe(epb.offset);
    expect(gotNg.warnings.some((x) => x.code === 'truncated_file')).toBe(false);
    expect(summary(gotNg.records).map((r) => [r.ja4, r.ja4s])).toEqual(base.map((r) => [r.ja4, r.ja4s]));
  });

  it('skips a pcapng block too short for its own fields, naming it, without a phantom frame', () => {
    const ng = pcapngOf(bytes);
    const blocks = pcapngBlocks(ng);
    const at = blocks.filter((x) => x.type === 6)[3]!.offset;
    for (const [type, len] of [[6, 12], [6, 20], [1, 12], [3, 12], [10, 16], [2, 28]] as const) {
      const short = new Uint8Array(len);
      const dv = new DataView(short.buffer);
      dv.setUint32(0, type, true);
      dv.setUint32(4, len, true);
      dv.setUint32(len - 4, len, true);
      for (const where of [at, ng.length]) {
        const m = cat(ng.subarray(0, where), short, ng.subarray(where));
        for (const chunk of [65536, 7, 1000]) {
          const got = analyze(m, chunk);
          const w = got.warnings.find((x) => x.code === 'bad_length');
          expect(w?.offset, `type ${type} length ${len}`).toBe(where);
          expect(w?.message).toMatch(/shorter than its fixed fields/);
          // The same records, frames numbered as without the short block.
          expect(got.records.map((r) => [r.stream, r.packets, r.hellos.map((h) => [h.ja4, h.frame]), r.server_hello?.frame])).toEqual(analyze(ng).records.map((r) => [r.stream, r.packets, r.hellos.map((h) => [h.ja4, h.frame]), r.server_hello?.frame]));
        }
      }
    }
  });

  it('finds the next pcapng block after bytes were lost or added (any alignment)', () => {
    const ng = pcapngOf(bytes);
    const blocks = pcapngBlocks(ng);
    const victim = blocks.filter((x) => x.type === 6)[2]!;
    for (const [drop, add] of [[1, 0], [2, 0], [3, 0], [0, 1], [0, 2], [0, 3], [5, 0]] as const) {
      const mid = victim.offset + 40;
      const m = cat(ng.subarray(0, mid), new Uint8Array(add).fill(0xee), ng.subarray(mid + drop));
      const got = analyze(m);
      expect(got.warnings.find((x) => x.code === 'bad_length')?.offset, `drop ${drop} add ${add}`).toBe(victim.offset);
      expect(got.warnings.find((x) => x.code === 'resync')?.offset).toBe(victim.offset + victim.length - drop + add);
      expect(summary(got.records).map((r) => [r.ja4, r.ja4s])).toEqual(base.map((r) => [r.ja4, r.ja4s]));
    }
  });

  it('gives the frame and file offset of damage inside a TLS message', () => {
    // The ClientHello's extensions length made larger than what follows it.
    const r0 = analyze(bytes).records.find((r) => r.hellos.length)!;
    const frame = r0.hellos[0]!.frame;
    const rec = records[frame - 1]!;
    const d = rec.data;
    // Ethernet + IPv4 + TCP headers, then the TLS record (5) and handshake header (4).
    const tcpAt = 14 + (d[14]! & 15) * 4, tls = tcpAt + (d[tcpAt + 12]! >> 4) * 4;
    let p = tls + 9 + 2 + 32;
    p += 1 + d[p]!;
    p += 2 + ((d[p]! << 8) | d[p + 1]!);
    p += 1 + d[p]!;
    const bad = bytes.slice();
    const at = rec.offset + 16 + p; // file offset of the extensions length
    bad[at] = 0xff;
    const got = analyze(bad).records.find((r) => r.stream === r0.stream)!;
    const msg = got.problems.map((x) => x.message).find((m) => /extensions length/.test(m));
    expect(msg).toMatch(new RegExp(`\\(frame ${frame}, file offset ${at + 2}\\)$`));
  });

  it('gives no JA4L for packets without a timestamp (pcapng Simple Packet Blocks), and the same fingerprints otherwise', () => {
    const ng = pcapngOf(bytes);
    const dv = new DataView(ng.buffer, ng.byteOffset, ng.byteLength);
    const parts: Uint8Array[] = [];
    for (const b of pcapngBlocks(ng)) {
      if (b.type !== 6) { parts.push(ng.subarray(b.offset, b.offset + b.length)); continue; }
      // Enhanced Packet Block -> Simple Packet Block: original length, the data, no interface or time.
      const cap = dv.getUint32(b.offset + 20, true), orig = dv.getUint32(b.offset + 24, true);
      const len = 16 + ((cap + 3) & ~3);
      const spb = new Uint8Array(len);
      const sv = new DataView(spb.buffer);
      sv.setUint32(0, 3, true); sv.setUint32(4, len, true); sv.setUint32(8, orig, true); sv.setUint32(len - 4, len, true);
      spb.set(ng.subarray(b.offset + 28, b.offset + 28 + cap), 12);
      parts.push(spb);
    }
    const got = analyze(cat(...parts));
    expect(got.warnings).toEqual([]);
    expect(base.some((r) => r.ja4l[0] && r.ja4l[1])).toBe(true);
    expect(summary(got.records).map((r) => r.ja4l)).toEqual(base.map(() => [undefined, undefined]));
    expect(summary(got.records).map((r) => [r.ja4, r.ja4s, r.ja4t])).toEqual(base.map((r) => [r.ja4, r.ja4s, r.ja4t]));
  });

  it('never throws (other than for a non-capture), never hangs, on mutated captures', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }),
      fc.nat(bytes.length),
      fc.integer({ min: 1, max: 5000 }),
      (flips, cutAt, chunk) => {
        const m = bytes.slice(0, Math.max(cutAt, 24));
        for (const [at, v] of flips) if (at < m.length) m[at] = v;
        try {
          analyze(m, chunk);
        } catch (e) {
          if (!(e instanceof CaptureFormatError)) throw e;
        }
      },
    ), { numRuns: 150 });
  });

  it('never throws (other than for a non-capture), never hangs, on mutated pcapng: flips, lost and added bytes, short blocks', () => {
    const ng = pcapngOf(bytes);
    const edit = fc.oneof(
      fc.record({ k: fc.constant('flip' as const), at: fc.nat(ng.length - 1), v: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ k: fc.constant('splice' as const), at: fc.nat(ng.length - 1), drop: fc.integer({ min: 0, max: 40 }), add: fc.uint8Array({ maxLength: 40 }) }),
      fc.record({ k: fc.constant('short' as const), at: fc.nat(ng.length - 1), type: fc.constantFrom(1, 2, 3, 6, 10, 0x0a0d0d0a), len: fc.constantFrom(12, 16, 20, 24, 28) }),
    );
    fc.assert(fc.property(fc.array(edit, { maxLength: 8 }), fc.nat(ng.length), fc.integer({ min: 1, max: 5000 }), (edits, cutAt, chunk) => {
      let m: Uint8Array = ng.slice(0, Math.max(cutAt, 28));
      for (const e of edits) {
        const at = Math.min(e.at, m.length);
        if (e.k === 'flip') { if (at < m.length) m[at] = e.v; }
        else if (e.k === 'splice') m = cat(m.subarray(0, at), e.add, m.subarray(at + e.drop));
        else {
          const b = new Uint8Array(e.len);
          const dv = new DataView(b.buffer);
          dv.setUint32(0, e.type, e.type !== 0x0a0d0d0a);
          dv.setUint32(4, e.len, true);
          dv.setUint32(e.len - 4, e.len, true);
          m = cat(m.subarray(0, at), b, m.subarray(at));
        }
      }
      try {
        analyze(m, chunk);
      } catch (e) {
        if (!(e instanceof CaptureFormatError)) throw e;
      }
    }), { numRuns: 200 });
  });
});

/**
 * A recorded Ethernet capture rewritten with another link layer around each frame's IP packet
 * (`wrap`), under pcap link type `linkType`: its records must equal the original's, and tshark,
 * which knows these layers, must find the same JA3s in it (so the frames are built right).
 */
function reencapsulated(pcap: string, linkType: number, wrap: (ipPacket: Uint8Array, ether: Uint8Array) => Uint8Array): Uint8Array {
  const { header, records, le } = splitPcap(readBytes(pcap));
  const h = header.slice();
  new DataView(h.buffer).setUint32(20, linkType, le);
  return joinPcap(h, records.map((r) => {
    const data = wrap(r.data.subarray(14), r.data);
    const rh = r.header.slice();
    const dv = new DataView(rh.buffer);
    dv.setUint32(8, data.length, le);
    dv.setUint32(12, data.length, le);
    return { header: rh, data };
  }));
}
const cat = (...parts: (number[] | Uint8Array)[]): Uint8Array => Uint8Array.from(parts.flatMap((x) => [...x]));
const ethHead = (et: number): number[] => [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, et >> 8, et & 255];

describe('link layers of ISP, carrier, Linux and macOS captures (recorded captures re-encapsulated)', () => {
  const fx = clientFixtures().find((f) => f.id === 'curl-h2')!;
  const pcap = join(fx.dir, 'capture.pcap');
  const base = summary(analyze(readBytes(pcap)).records);
  const layers: [string, number, (ip: Uint8Array, eth: Uint8Array) => Uint8Array][] = [
    ['MPLS, two labels', 1, (ip) => cat(ethHead(0x8847), [0x00, 0x01, 0x00, 0x40], [0x00, 0x02, 0x01, 0x40], ip)],
    ['MPLS Ethernet pseudowire with a control word', 1, (_ip, eth) => cat(ethHead(0x8847), [0x00, 0x03, 0x01, 0x40], [0, 0, 0, 0], eth)],
    ['PPPoE session over 802.1Q', 1, (ip) => cat(ethHead(0x8100).slice(0, 12), [0x81, 0x00, 0x00, 0x07, 0x88, 0x64], [0x11, 0x00, 0x12, 0x34, (ip.length + 2) >> 8, (ip.length + 2) & 255], [0x00, 0x21], ip)],
    // MPLS inside GRE (RFC 4023) inside IPv4: the outer header is a copy of the inner one with protocol 47.
    ['MPLS over GRE', 1, (ip) => { const outer = ip.slice(0, 20); outer[9] = 47; const n = 20 + 4 + 4 + ip.length; outer[2] = n >> 8; outer[3] = n & 255; outer[10] = 0; outer[11] = 0; return cat(ethHead(0x0800), outer, [0, 0, 0x88, 0x47], [0x00, 0x05, 0x01, 0x40], ip); }],
    ['PPP in HDLC-like framing (link type 9)', 9, (ip) => cat([0xff, 0x03, 0x00, 0x21], ip)],
    ['Cisco HDLC (link type 104)', 104, (ip) => cat([0x0f, 0x00, 0x08, 0x00], ip)],
    ['Linux NFLOG (link type 239)', 239, (ip) => {
      const prefix = [...Buffer.from('hs\0\0')];
      const tlv = (type: number, v: number[] | Uint8Array) => { const n = 4 + v.length; return cat([n & 255, n >> 8, type, 0], v, new Array((4 - (n % 4)) % 4).fill(0)); };
      return cat([2, 0, 0, 1], tlv(10, prefix), tlv(9, ip));
    }],
    // struct pktap_header: length 108, type_next 1 (a packet), dlt 1 (Ethernet), interface name "en0".
    ['Apple PKTAP around Ethernet (link type 258)', 258, (_ip, eth) => { const hd = new Uint8Array(108); hd.set([108, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0x65, 0x6e, 0x30]); return cat(hd, eth); }],
  ];
  for (const [name, lt, wrap] of layers) {
    it(name, () => {
      const bytes = reencapsulated(pcap, lt, wrap);
      const { records, warnings } = analyze(bytes);
      expect(warnings).toEqual([]);
      expect(summary(records)).toEqual(base);
      {
        const f = join(tmp, `encap-${lt}-${name.length}.pcap`);
        writeFileSync(f, bytes);
        // A pseudowire's payload is not self-describing: tshark is told the label's meaning.
        const decodeAs = name.includes('pseudowire') ? ['-d', 'mpls.label==48,pwethcw'] : [];
        const ja3 = spawnSync('tshark', ['-r', f, ...decodeAs, '-d', 'tcp.port==18443,tls', '-Y', 'tls.handshake.type==1', '-T', 'fields', '-e', 'tls.handshake.ja3'], { encoding: 'utf8' }).stdout.trim().split('\n');
        expect(ja3).toEqual(fx.hellos.map((x) => x.tshark_ja3));
      }
    });
  }
});

describe('how long a closed conversation waits for late packets (lingerUs; helloscope read uses 0.1 s)', () => {
  it('a late packet 0.5 s after the FINs counts with the default, not with 0.1 s; the fingerprints are the same either way', () => {
    const file = join(tmp, 'linger.pcap');
    writeSynthCapture(file, 3000, ROOT);
    const { header, records, le } = splitPcap(readBytes(file));
    // The first connection's last client packet, sent again 0.5 s later (in time order among the others'):
    // sweeps run every 4,096 packets (0.15 s of this capture), a few times in 0.5 s.
    const tuple = (d: Uint8Array) => Buffer.from(d.subarray(26, 38)).toString('hex');
    const first = tuple(records[0]!.data);
    const lastOfFirst = records.reduce((k, r, i) => (tuple(r.data) === first ? i : k), 0);
    const us = (h: Uint8Array) => { const v = new DataView(h.buffer, h.byteOffset); return v.getUint32(0, le) * 1e6 + v.getUint32(4, le); };
    const t = us(records[lastOfFirst]!.header) + 500_000;
    const late = records[lastOfFirst]!.header.slice();
    new DataView(late.buffer).setUint32(0, Math.floor(t / 1e6), le);
    new DataView(late.buffer).setUint32(4, t % 1e6, le);
    const at = records.findIndex((r) => us(r.header) > t);
    expect(at).toBeGreaterThan(lastOfFirst + 4096);
    const bytes = joinPcap(header, [...records.slice(0, at), { header: late, data: records[lastOfFirst]!.data }, ...records.slice(at)]);
    const wait = analyze(bytes, 1 << 20).records, quick = analyze(bytes, 1 << 20, { lingerUs: 100_000 }).records;
    expect(wait.length).toBe(3000);
    expect(summary(quick)).toEqual(summary(wait));
    expect(wait[0]!.packets).toBe(quick[0]!.packets + 1);
    expect(quick.slice(1).map((r) => r.packets)).toEqual(wait.slice(1).map((r) => r.packets));
  });
});

describe('IPv6 jumbograms (RFC 2675, as Linux BIG TCP sends them)', () => {
  it('reads TCP in packets with payload length 0 and a Jumbo Payload option', () => {
    const pcap = join(CONFORMANCE, 'pcap', 'v6.pcap');
    const base = summary(analyze(readBytes(pcap)).records);
    // Every IPv6 packet gets a hop-by-hop header holding a Jumbo Payload option, payload length 0.
    const jumbo = reencapsulated(pcap, 1, (_ip, eth) => {
      if (((eth[12]! << 8) | eth[13]!) !== 0x86dd) return eth;
      const ip = eth.subarray(14);
      const plen = (ip[4]! << 8) | ip[5]!;
      const head = ip.slice(0, 40);
      head[4] = 0; head[5] = 0; head[6] = 0; // next header: hop-by-hop
      const n = plen + 8;
      return cat(eth.subarray(0, 14), head, [ip[6]!, 0, 0xc2, 4, n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255], ip.subarray(40));
    });
    expect(summary(analyze(jumbo).records)).toEqual(base);
    expect(base.filter((r) => r.t === 'tcp').length).toBeGreaterThan(0);
    // (tshark is no reference here: it flags a jumbogram under 64 KiB as malformed, as RFC 2675 says.)
  });
});

describe('tunnels and link layers from the FoxIO captures', () => {
  const read = (name: string) => analyze(readBytes(join(CONFORMANCE, 'pcap', name))).records;
  it('decodes GRE, ERSPAN and VXLAN encapsulated TCP', () => {
    const rs = read('gre-erspan-vxlan.pcap');
    expect(rs.some((r) => r.transport === 'tcp' && r.dst_port === 80 && r.ja4t)).toBe(true);
  });
  it('decodes Geneve', () => {
    expect(read('tcpdump-geneve.pcap').some((r) => r.transport === 'tcp' && r.dst_port === 22)).toBe(true);
  });
  it('a snaplen that cuts into the TCP options keeps the segment: every conversation tshark sees is there, no JA4T/JA4TS from cut options', () => {
    let lost = 0;
    // A FoxIO capture without handshakes, and a recorded IPv4 client whose SYN options pass byte 60.
    for (const whole of [join(CONFORMANCE, 'pcap', 'http1.pcapng'), join(clientFixtures().find((f) => f.id === 'curl-h2')!.dir, 'capture.pcap')]) {
      const cut = join(tmp, 'snap60.pcap');
      expect(spawnSync('editcap', ['-F', 'pcap', '-s', '60', whole, cut]).status).toBe(0);
      const streams = spawnSync('tshark', ['-r', cut, '-T', 'fields', '-e', 'tcp.stream'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
      const got = analyze(readBytes(cut)).records.filter((r) => r.transport === 'tcp');
      expect(got.map((r) => r.stream)).toEqual([...new Set(streams.map(Number))].sort((a, b) => a - b));
      const before = new Map(analyze(readBytes(whole)).records.filter((r) => r.transport === 'tcp').map((r) => [r.stream, r]));
      for (const r of got) {
        const b = before.get(r.stream)!;
        expect([r.src, r.src_port, r.dst_port]).toEqual([b.src, b.src_port, b.dst_port]);
        // Either the same JA4T (options whole in 60 bytes) or none.
        if (r.ja4t !== undefined) expect(r.ja4t).toBe(b.ja4t);
        if (r.ja4ts !== undefined) expect(r.ja4ts).toBe(b.ja4ts);
        if (r.ja4t === undefined && b.ja4t !== undefined) lost++;
      }
    }
    expect(lost).toBeGreaterThan(0);
  });

  it('DHCP: the client (port 68) is src, also of the conversation the server\'s answer opens', () => {
    const udp = read('dhcp.pcapng').filter((r) => r.transport === 'udp');
    // tshark: the datagrams and their ports.
    const ports = spawnSync('tshark', ['-r', join(CONFORMANCE, 'pcap', 'dhcp.pcapng'), '-Y', 'dhcp', '-T', 'fields', '-e', 'udp.srcport'], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(ports).toContain('67');
    expect(udp.length).toBeGreaterThanOrEqual(2);
    for (const r of udp) expect([r.src_port, r.dst_port]).toEqual([68, 67]);
  });

  it('decodes BSD loopback (null) link type', () => {
    expect(read('http1-with-cookies.pcapng').some((r) => r.transport === 'tcp' && r.protocol === 'http')).toBe(true);
  });
});

describe('TCP Fast Open (test/fixtures/tfo: curl, the ClientHello starting in the SYN)', () => {
  it('reads the data of the SYN as the first bytes of the stream', () => {
    const r = analyze(readBytes(join(FIXTURES_DIR, 'tfo', 'curl-fastopen.pcap'))).records[0]!;
    expect(r.hellos.map((h) => [h.frame, h.ja3])).toEqual([[1, '78f0dc5ac5b19daf131a133cfdee9691']]);
    expect(r.server_hello?.ja3s).toBe('15af977ce25de452b96affa2addb1036');
  });
});

describe('certificates in clear (JA4X)', () => {
  const der = (pem: string): Uint8Array => new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
  const withBytes = (bytes: Uint8Array): ConnectionRecord[] => {
    const out: ConnectionRecord[] = [];
    const a = new CaptureAnalyzer({ onConnection: (r) => out.push(r), keepBytes: true });
    a.push(bytes);
    a.end();
    return out;
  };
  /** The DER certificates tshark finds, in frame order. */
  const tsharkCerts = (file: string, field: string): string[] =>
    spawnSync('tshark', ['-r', file, '-Y', field, '-T', 'fields', '-e', field], { encoding: 'utf8' }).stdout.trim().split('\n').flatMap((l) => l.split(',')).filter(Boolean);

  it('lists the client\'s certificate of TLS 1.2 client authentication after the server\'s (test/fixtures/client-cert)', () => {
    const file = join(FIXTURES_DIR, 'client-cert', 'openssl-tls12-client-cert.pcap');
    const r = withBytes(readBytes(file)).find((x) => x.transport === 'tcp')!;
    const listed = r.tls_certs.flatMap((c) => c.x509.map((x) => Buffer.from(x.der!).toString('hex')));
    expect(listed).toEqual(tsharkCerts(file, 'tls.handshake.certificate'));
    expect(listed.length).toBe(2);
    expect(listed[1]).toBe(Buffer.from(der(readFileSync(join(FIXTURES_DIR, 'client-cert', 'client-cert.pem'), 'utf8'))).toString('hex'));
    expect(r.tls_certs[1]!.x509[0]!.subject).toBe('CN = client, O = Helloscope Test');
  });

  it('lists a DTLS server\'s certificate (test/fixtures/dtls)', () => {
    const file = join(FIXTURES_DIR, 'dtls', 'openssl-dtls1_2-cookie.pcap');
    const r = withBytes(readBytes(file))[0]!;
    expect(r.tls_certs.flatMap((c) => c.x509.map((x) => Buffer.from(x.der!).toString('hex')))).toEqual(tsharkCerts(file, 'dtls.handshake.certificate'));
    expect(r.tls_certs.length).toBe(1);
  });

  it('gives no JA4X for a certificate the capture cut off, and says so', () => {
    const out = join(tmp, 'cert-snap200.pcap');
    expect(spawnSync('editcap', ['-s', '200', join(FIXTURES_DIR, 'client-cert', 'openssl-tls12-client-cert.pcap'), out]).status).toBe(0);
    const r = withBytes(readBytes(out)).find((x) => x.transport === 'tcp')!;
    expect(r.tls_certs).toEqual([]);
    // (The client's stream ends at its cut ClientHello: its certificate is never reached.)
    expect(r.problems.filter((p) => p.code === 'certificate_cut').map((p) => p.message)).toEqual(['server: a certificate is cut off in the capture (no JA4X)']);
  });
});

describe('DTLS (test/fixtures/dtls: OpenSSL DTLS 1.2 with a HelloVerifyRequest cookie)', () => {
  const pcap = join(FIXTURES_DIR, 'dtls', 'openssl-dtls1_2-cookie.pcap');
  const base = analyze(readBytes(pcap)).records[0]!;

  it('reads both ClientHellos and the ServerHello as tshark does', () => {
    expect(base.protocol).toBe('dtls');
    expect(base.hellos.map((h) => h.ja3)).toEqual(['f1bce39cbcf6d731907f687af766e975', 'f1bce39cbcf6d731907f687af766e975']);
    expect(base.server_hello?.ja3s).toBe('bc10d7f027e925d0b3a6309e29d8620b');
  });

  it('takes the side that sent the ClientHello as the client when the capture starts at the server\'s HelloVerifyRequest', () => {
    const { header, records } = splitPcap(readBytes(pcap));
    const r = analyze(joinPcap(header, records.slice(1))).records[0]!;
    expect([r.src, r.src_port, r.dst, r.dst_port]).toEqual([base.src, base.src_port, base.dst, base.dst_port]);
    expect(r.hellos.map((h) => h.ja4)).toEqual([base.hellos[1]!.ja4]);
    expect(r.server_hello?.ja4s).toBe(base.server_hello?.ja4s);
  });

  it('gives each hello the frame that carried it', () => {
    expect(base.hellos.map((h) => h.frame)).toEqual([1, 3]);
    expect(base.server_hello?.frame).toBe(4);
  });

  it('does not read a datagram cut when captured into the next one', () => {
    // editcap -s 150: the ClientHello datagrams (205 bytes of DTLS) end inside their record.
    const out = join(tmp, 'dtls-snap150.pcap');
    expect(spawnSync('editcap', ['-s', '150', pcap, out]).status).toBe(0);
    const r = analyze(readBytes(out)).records[0]!;
    expect(r.hellos).toEqual([]);
    expect(r.server_hello?.ja4s).toBe(base.server_hello?.ja4s);
    expect(r.problems.map((p) => p.message)).toContain('client: 3 datagrams end inside a DTLS record (cut when captured); the cut records are left out');
  });

  it('a ClientHello datagram sent again (a retransmission) is not a further hello; a changed one under the same message_seq is', () => {
    const { header, records } = splitPcap(readBytes(pcap));
    const again = [records[0]!, { ...records[0]!, data: records[0]!.data.slice() }, ...records.slice(1)];
    const r = analyze(joinPcap(header, again)).records[0]!;
    expect(r.hellos.map((h) => h.ja3)).toEqual(base.hellos.map((h) => h.ja3));
    expect(r.hellos.map((h) => h.frame)).toEqual([1, 4]);
    expect(r.server_hello?.ja3s).toBe(base.server_hello?.ja3s);
    // The copy with one byte of its random changed (offset 42 + 13 record + 12 handshake + 2 version + 5): another hello.
    const changed = again.map((x, i) => (i === 1 ? { ...x, data: x.data.slice() } : x));
    changed[1]!.data[42 + 13 + 12 + 2 + 5]! ^= 0xff;
    const c = analyze(joinPcap(header, changed)).records[0]!;
    expect(c.hellos.map((h) => h.frame)).toEqual([1, 2, 4]);
  });

  it('does not take a record laid out otherwise (tls12_cid) for a cut one', () => {
    // Frame 14, the client's encrypted alert, made a tls12_cid record (type 25) whose connection
    // id sits where the length of a plain record would be.
    const { header, records } = splitPcap(readBytes(pcap));
    const d = records[13]!.data;
    d[42] = 25;
    d[42 + 11] = 0xff;
    d[42 + 12] = 0xff;
    const r = analyze(joinPcap(header, records)).records[0]!;
    expect(r.problems.filter((p) => p.code === 'dtls_record_cut')).toEqual([]);
    expect(r.hellos.map((h) => h.ja3)).toEqual(base.hellos.map((h) => h.ja3));
  });
});

describe('a ClientHello over two TCP segments (recorded at MTU 1500, test/fixtures/segmented)', () => {
  const dir = join(FIXTURES_DIR, 'segmented');
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { hellos: { frame: number; stream: number; segments: number[]; hello_length: number; tshark_ja3: string; tshark_ja3_full: string }[] };
  it('the capture really splits each hello (tshark lists two segments) and the hellos are post-quantum sized', () => {
    for (const h of meta.hellos) {
      expect(h.segments.length).toBe(2);
      expect(h.hello_length).toBeGreaterThan(1460);
    }
  });
  it('reassembles them: JA3 equals tshark, JA4 counts equal the lists tshark saw', () => {
    const { records } = analyze(readBytes(join(dir, 'capture.pcap')));
    for (const h of meta.hellos) {
      const r = records.find((x) => x.transport === 'tcp' && x.stream === h.stream)!;
      expect(r.hellos[0]!.ja3).toBe(h.tshark_ja3);
      expect(r.hellos[0]!.ja3_full).toBe(h.tshark_ja3_full);
      const [, ciphers, exts] = h.tshark_ja3_full.split(',');
      const grease = (v: number) => (v & 0x0f0f) === 0x0a0a;
      const nc = ciphers!.split('-').map(Number).filter((v) => !grease(v)).length;
      const ne = exts!.split('-').map(Number).filter((v) => !grease(v)).length;
      expect(r.hellos[0]!.ja4.slice(0, 10)).toBe(`t13d${String(nc).padStart(2, '0')}${String(ne).padStart(2, '0')}h2`);
    }
  });
});

describe('quiet(): a live source that has brought nothing for a while', () => {
  it('finishes a conversation whose FIN linger has passed counting the pause, not one still open; capture time is not moved', () => {
    const fx = clientFixtures().find((f) => f.id === 'curl-http1.1')!;
    const { header, records } = splitPcap(readBytes(join(fx.dir, 'capture.pcap')));
    const got: ConnectionRecord[] = [];
    const run = (recs: typeof records) => {
      got.length = 0;
      const a = new CaptureAnalyzer({ fileName: 'live', onConnection: (r) => got.push(r), lingerUs: 100_000 });
      a.push(joinPcap(header, recs));
      return a;
    };
    // The whole conversation (it ends with FIN and RST): nothing before the pause, the record after it.
    let a = run(records);
    expect(got).toHaveLength(0);
    a.quiet(50_000); // less than the linger
    expect(got).toHaveLength(0);
    a.quiet(150_000);
    expect(got).toHaveLength(1);
    expect(got[0]!.hellos[0]!.ja4).toBe(fx.hellos[0]!.ref_ja4);
    a.end();
    expect(got).toHaveLength(1);
    // The first 8 packets (no FIN or RST yet): a pause shorter than the idle timeout finishes nothing.
    a = run(records.slice(0, 8));
    a.quiet(60_000_000);
    expect(got).toHaveLength(0);
    a.end();
    expect(got).toHaveLength(1);
    // The same 8 packets, a pause and then the rest of the conversation: one record, as without the pause.
    a = run(records.slice(0, 8));
    a.quiet(60_000_000);
    a.push(joinPcap(header, records.slice(8)).subarray(24));
    a.end();
    expect(got).toHaveLength(1);
    expect(got[0]!.hellos[0]!.ja4).toBe(fx.hellos[0]!.ref_ja4);
  });
});

describe('SSLv2-compatible ClientHellos', () => {
  it('an SSLv2 header is taken only when its lengths add up; encrypted data seen from mid-connection is not a hello', () => {
    const specs = [0x00, 0x00, 0x35, 0x01, 0x00, 0x80, 0x00, 0x00, 0x2f], challenge = new Array(16).fill(0x42);
    const body = [1, 3, 1, 0, specs.length, 0, 0, 0, challenge.length, ...specs, ...challenge];
    expect(looksLikeSslv2Hello(Uint8Array.from([0x80, body.length, ...body]))).toBe(true);
    // Cut after the header (the rest never captured): still a hello, reported as cut.
    expect(looksLikeSslv2Hello(Uint8Array.from([0x80, body.length, ...body.slice(0, 12)]))).toBe(true);
    // Bytes of another protocol that begin like one: high bit, then type 1 at the third byte.
    expect(looksLikeSslv2Hello(Uint8Array.from([0xe3, 0xf0, 0x01, 0x5c, 0x48, ...new Array(59).fill(7)]))).toBe(false);
    expect(looksLikeSslv2Hello(Uint8Array.from([0x80, body.length + 1, ...body, 0]))).toBe(false);
  });

  it('pieces of an SSH capture, each starting mid-connection, get no TLS fingerprint (tshark sees no TLS in them)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-pieces-'));
    expect(spawnSync('editcap', ['-F', 'pcap', '-c', '7', join(CONFORMANCE, 'pcap', 'ssh-r.pcap'), join(dir, 'piece.pcap')]).status).toBe(0);
    const pieces = readdirSync(dir).filter((f) => f.startsWith('piece'));
    expect(pieces.length).toBeGreaterThan(40);
    for (const f of pieces) {
      const tls = analyze(readBytes(join(dir, f))).records.filter((r) => r.hellos.length || r.protocol === 'tls');
      expect(tls.map((r) => `${f} stream ${r.stream}: ${r.hellos[0]?.ja3_full}`)).toEqual([]);
    }
  });
});

describe('QUIC heard from the server first', () => {
  it('takes the side whose Initial opens with its own DCID\'s client keys as the client, both ports unprivileged', () => {
    // chrome-cloudflare-quic-with-secrets (IPv6): the server's port 443 moved to 8443 so that the
    // port gives nothing away, and the server's first datagram put first.
    // (editcap will not write its Decryption Secrets Block as classic pcap: the Enhanced Packet
    // Blocks are read here, one Ethernet interface with microsecond timestamps.)
    const ng = readBytes(join(CONFORMANCE, 'pcap', 'chrome-cloudflare-quic-with-secrets.pcapng'));
    const dv = new DataView(ng.buffer, ng.byteOffset, ng.byteLength);
    const records: { header: Uint8Array; data: Uint8Array }[] = [];
    for (const { offset: off } of pcapngBlocks(ng).filter((x) => x.type === 6)) {
      const us = dv.getUint32(off + 12, true) * 4294967296 + dv.getUint32(off + 16, true), cap = dv.getUint32(off + 20, true);
      const h = new Uint8Array(16), hv = new DataView(h.buffer);
      hv.setUint32(0, Math.floor(us / 1e6), true); hv.setUint32(4, us % 1e6, true); hv.setUint32(8, cap, true); hv.setUint32(12, dv.getUint32(off + 24, true), true);
      records.push({ header: h, data: ng.slice(off + 28, off + 28 + cap) });
    }
    const header = new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0]);
    const udp6 = (d: Uint8Array): boolean => d.length > 62 && d[12] === 0x86 && d[13] === 0xdd && d[20] === 17;
    const port = (d: Uint8Array, at: number): number => (d[54 + at]! << 8) | d[54 + at + 1]!;
    const quic = records.filter((r) => udp6(r.data) && (port(r.data, 0) === 443 || port(r.data, 2) === 443)).map((r) => {
      const d = r.data.slice();
      for (const at of [0, 2]) if (port(d, at) === 443) { d[54 + at] = 8443 >> 8; d[54 + at + 1] = 8443 & 255; }
      return { header: r.header, data: d };
    });
    const firstServer = quic.findIndex((r) => port(r.data, 0) === 8443);
    expect(firstServer).toBeGreaterThan(0);
    const base = analyze(joinPcap(header, quic)).records.find((r) => r.protocol === 'quic')!;
    expect(base.dst_port).toBe(8443);
    const got = analyze(joinPcap(header, [quic[firstServer]!, ...quic.filter((_, i) => i !== firstServer)])).records.find((r) => r.protocol === 'quic')!;
    expect([got.src, got.src_port, got.dst, got.dst_port]).toEqual([base.src, base.src_port, base.dst, base.dst_port]);
    expect(got.hellos.map((h) => h.ja4)).toEqual(['q13d0310h3_55b375c5d22e_cd85d2d88918']);
    expect(got.server_hello?.ja4s).toBe('q130200_1301_234ea6891581');
  });
});

describe('plain HTTP captured from the server\'s answer on', () => {
  it('takes the side that sent the request line as the client (the JA4H is kept)', () => {
    const f = clientFixtures().find((x) => x.id === 'curl-plain-http')!;
    const bytes = readBytes(join(f.dir, 'capture.pcap'));
    const withHttp = (b: Uint8Array): ConnectionRecord[] => {
      const out: ConnectionRecord[] = [];
      const a = new CaptureAnalyzer({ onConnection: (r) => out.push(r), plugins: [createHttpPlugin()] });
      a.push(b);
      a.end();
      return out;
    };
    const base = withHttp(bytes).find((r) => r.http.length)!;
    const { header, records } = splitPcap(bytes);
    const tcpAt = (d: Uint8Array): number => 14 + (d[14]! & 15) * 4;
    const payload = (d: Uint8Array): number => d.length - tcpAt(d) - (d[tcpAt(d) + 12]! >> 4) * 4;
    const srcPort = (d: Uint8Array): number => (d[tcpAt(d)]! << 8) | d[tcpAt(d) + 1]!;
    // No handshake packets, and the server's first data packet first in the file.
    const data = records.filter((r) => payload(r.data) > 0 && !(r.data[tcpAt(r.data) + 13]! & 0x02));
    const firstAnswer = data.findIndex((r) => srcPort(r.data) === base.dst_port);
    expect(firstAnswer).toBeGreaterThan(0);
    const got = withHttp(joinPcap(header, [data[firstAnswer]!, ...data.filter((_, i) => i !== firstAnswer)])).find((r) => r.transport === 'tcp')!;
    expect([got.src_port, got.dst_port]).toEqual([base.src_port, base.dst_port]);
    expect(got.protocol).toBe('http');
    expect(got.http.map((h) => h.ja4h)).toEqual(base.http.map((h) => h.ja4h));
  });
});

describe('captures that start after the ClientHello', () => {
  it('the side that sent the ServerHello is the server: every JA3S tshark finds in pieces of a real capture is there, src the client', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-pieces-'));
    const chromium = clientFixtures().find((f) => f.id === 'chromium')!;
    expect(spawnSync('editcap', ['-F', 'pcap', '-c', '7', join(chromium.dir, 'capture.pcap'), join(dir, 'piece.pcap')]).status).toBe(0);
    let checked = 0, withoutHello = 0;
    for (const f of readdirSync(dir).filter((x) => x.startsWith('piece'))) {
      const path = join(dir, f);
      const rows = spawnSync('tshark', ['-r', path, '-d', 'tcp.port==18443,tls', '-Y', 'tls.handshake.type==2', '-T', 'fields', '-e', 'tcp.stream', '-e', 'tcp.srcport', '-e', 'tls.handshake.ja3s'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map((l) => l.split('\t'));
      const { records } = analyze(readBytes(path));
      for (const [stream, srcport, ja3s] of rows) {
        const r = records.find((x) => x.transport === 'tcp' && x.stream === Number(stream));
        expect(r?.server_hello?.ja3s, `${f} stream ${stream}`).toBe(ja3s);
        expect(r!.dst_port, `${f} stream ${stream}: dst is the server`).toBe(Number(srcport));
        if (!r!.hellos.length) withoutHello++;
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(withoutHello).toBeGreaterThan(0);
  });
});
