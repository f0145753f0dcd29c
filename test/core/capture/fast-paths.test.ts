// The capture engine's fast paths must not change a record: IPv4 TCP frames read in place (versus
// the general decoder, reached here by wrapping every frame in GRE), TLS directions sealed after
// their handshake in classic pcap (versus pcapng, never sealed), and the lazy, memoized hello
// fingerprints (versus fingerprintClientHello).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureAnalyzer } from '../../../core/capture/analyzer.js';
import type { ConnectionRecord } from '../../../core/capture/connection.js';
import { ConversationFinisher, finishJobOf } from '../../../core/capture/finish-tcp.js';
import { toOutputRecord } from '../../../core/capture/output.js';
import { fingerprintClientHello, LazyClientHelloFingerprints } from '../../../core/fingerprint/tls-fingerprints.js';
import { createHttpPlugin } from '../../../core/http/http-plugin.js';
import { parseTls } from '../../../core/tls/parse-tls.js';
import { ROOT, clientFixtures, readBytes } from '../../helpers/paths.js';
import { joinPcap, splitPcap } from '../../helpers/pcap-edit.js';

function records(bytes: Uint8Array, lazy = false): ConnectionRecord[] {
  const out: ConnectionRecord[] = [];
  const a = new CaptureAnalyzer({ onConnection: (r) => out.push(r), plugins: [createHttpPlugin()], lazyFingerprints: lazy });
  for (let i = 0; i < bytes.length; i += 100_003) a.push(bytes.subarray(i, i + 100_003));
  a.end();
  return out;
}

/** What `read --raw --original` prints, in emission order. */
const printed = (rs: ConnectionRecord[]): string[] => rs.map((r) => JSON.stringify(toOutputRecord(r, { raw: true, original: true })));

/** Every Ethernet/IPv4 frame wrapped as Ethernet / IPv4 (GRE) / GRE / inner IPv4: only the general decoder reads those. */
function greWrapped(pcap: Uint8Array): Uint8Array {
  const { header, records: recs } = splitPcap(pcap);
  return joinPcap(header, recs.map((r) => {
    const d = r.data;
    if (d.length < 34 || d[12] !== 0x08 || d[13] !== 0x00) return r;
    const inner = d.subarray(14);
    const out = new Uint8Array(14 + 20 + 4 + inner.length);
    out.set(d.subarray(0, 14));
    const ip = 14, total = 20 + 4 + inner.length;
    out.set([0x45, 0, total >> 8, total & 255, 0, 0, 0, 0, 64, 47, 0, 0, 10, 9, 9, 1, 10, 9, 9, 2], ip);
    out.set([0, 0, 0x08, 0x00], ip + 20);
    out.set(inner, ip + 24);
    const h = r.header.slice();
    const dv = new DataView(h.buffer);
    dv.setUint32(8, out.length, true);
    dv.setUint32(12, out.length, true);
    return { header: h, data: out };
  }));
}

const captures = [
  ...clientFixtures().map((f) => ({ name: f.id, file: join(f.dir, 'capture.pcap') })),
  { name: 'downloads (bench recording)', file: join(ROOT, 'test/bench/recordings/downloads.pcap') },
];

describe('fast paths give the same records', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hs-fast-'));
  for (const c of captures) {
    it(`${c.name}: in-place IPv4 TCP and sealing versus the general decoder and pcapng`, () => {
      const bytes = readBytes(c.file);
      if (new DataView(bytes.buffer, bytes.byteOffset).getUint32(20, true) !== 1) return;
      const base = printed(records(bytes));
      expect(printed(records(greWrapped(bytes)))).toEqual(base);
      expect(printed(records(bytes, true))).toEqual(base);
      const ng = join(tmp, 'x.pcapng');
      const r = spawnSync('editcap', ['-F', 'pcapng', c.file, ng], { encoding: 'utf8' });
      if (r.status === 0) expect(printed(records(new Uint8Array(readFileSync(ng))))).toEqual(base);
      writeFileSync(join(tmp, 'last.txt'), c.name);
    });
  }
});

/**
 * Records through handOffTcp, finished in the call (the job, its record and directions are
 * filled again for the next conversation, so whatever is kept must be a copy).
 */
function handedOff(bytes: Uint8Array): ConnectionRecord[] {
  const out: ConnectionRecord[] = [];
  const plugins = [createHttpPlugin()];
  const finisher = new ConversationFinisher({ plugins });
  const a = new CaptureAnalyzer({
    onConnection: (r) => out.push(r), plugins,
    handOffTcp: (job, secrets) => {
      const j = finishJobOf(job);
      const copy = { ...j, record: structuredClone(j.record), client: { ...j.client, bytes: j.client.bytes.slice() }, server: { ...j.server, bytes: j.server.bytes.slice() }, clientTimes: [...j.clientTimes], serverTimes: [...j.serverTimes] };
      out.push(finisher.finishTcp(copy, secrets));
    },
  });
  for (let i = 0; i < bytes.length; i += 100_003) a.push(bytes.subarray(i, i + 100_003));
  a.end();
  return out;
}

/**
 * The capture followed by a copy of itself a minute later with other client ports and no SYN or
 * SYN-ACK: conversations without JA4T/JA4TS/JA4L come after ones with them, so a reused record
 * that kept a member would show.
 */
function withSynlessCopy(pcap: Uint8Array): Uint8Array {
  const { header, records: recs, le } = splitPcap(pcap);
  const later = recs.flatMap((r) => {
    const d = r.data.slice();
    if (d.length < 34 || d[12] !== 0x08 || d[13] !== 0x00 || d[23] !== 6) return [];
    const t = 14 + (d[14]! & 15) * 4;
    if (t + 20 > d.length || d[t + 13]! & 0x02) return [];
    // The client's port (the higher one) moved, on either side of the conversation.
    const sp = (d[t]! << 8) | d[t + 1]!, dp = (d[t + 2]! << 8) | d[t + 3]!;
    const at = sp > dp ? t : t + 2, port = (Math.max(sp, dp) + 7) & 0xffff;
    d[at] = port >> 8; d[at + 1] = port & 255;
    const h = r.header.slice();
    const dv = new DataView(h.buffer);
    dv.setUint32(0, dv.getUint32(0, le) + 60, le);
    return [{ header: h, data: d }];
  });
  return joinPcap(header, [...recs, ...later]);
}

describe('hand-off of TCP conversations (objects reused per conversation)', () => {
  for (const c of captures.slice(0, 6)) {
    it(`${c.name}: the same records as finished in the engine`, () => {
      const bytes = readBytes(c.file);
      if (new DataView(bytes.buffer, bytes.byteOffset).getUint32(20, true) !== 1) return;
      const both = withSynlessCopy(bytes);
      const base = printed(records(both));
      // Both halves present: with JA4T first, without it after.
      expect(base.some((l) => l.includes('"ja4t"'))).toBe(true);
      expect(base.some((l) => !l.includes('"ja4t"') && l.includes('"transport":"tcp"'))).toBe(true);
      expect(printed(handedOff(both))).toEqual(base);
    });
  }
});

describe('hand-off record reuse', () => {
  it('members a consumer sets on the record in place do not reach the next conversation', () => {
    const seen: string[][] = [];
    const ssh: string[][] = [];
    const a = new CaptureAnalyzer({
      onConnection: () => {},
      handOffTcp: (job) => {
        seen.push(Object.keys(job.record));
        ssh.push([...job.record.ja4ssh]);
        job.record.tls_server_name = 'left.over';
        job.record.server_hello = { ja4s: 'x', ja4s_r: 'x', ja3s: 'x', ja3s_full: 'x', frame: 1 };
        job.record.ja4ssh.push('left-over');
      },
    });
    // Several recordings one after the other (the pcap header once).
    captures.slice(0, 4).forEach((c, i) => a.push(readBytes(c.file).subarray(i ? 24 : 0)));
    a.end();
    expect(ssh.flat()).toEqual([]);
    expect(seen.length).toBeGreaterThan(1);
    for (const keys of seen) {
      expect(keys).not.toContain('tls_server_name');
      expect(keys).not.toContain('server_hello');
    }
  });
});

describe('lazy hello fingerprints', () => {
  it('equal fingerprintClientHello on every recorded hello, first time and from the memo', () => {
    let n = 0;
    for (const f of clientFixtures()) {
      let bin: Uint8Array;
      try { bin = readBytes(join(f.dir, 'hello.bin')); } catch { continue; }
      const hello = parseTls(bin, { tree: false }).clientHello;
      if (!hello) continue;
      const eager = fingerprintClientHello(hello);
      for (let i = 0; i < 2; i++) {
        const lazy = new LazyClientHelloFingerprints(hello);
        const keys = Object.keys(eager) as (keyof typeof eager)[];
        for (const k of keys) expect(lazy[k], `${f.id} ${k}`).toEqual(eager[k]);
      }
      for (const transport of ['tcp', 'quic', 'dtls'] as const) {
        const e = fingerprintClientHello(hello, { transport });
        const l = new LazyClientHelloFingerprints(hello, { transport });
        expect([l.ja4, l.ja4_r, l.ja4_o, l.ja4_ro]).toEqual([e.ja4, e.ja4_r, e.ja4_o, e.ja4_ro]);
      }
      n++;
    }
    expect(n).toBeGreaterThan(10);
  });
});
