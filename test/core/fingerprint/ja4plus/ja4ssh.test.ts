import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../../../helpers/paths.js';
import { describe, expect, it } from 'vitest';
import { TCP_ACK, TCP_PSH, TCP_SYN, type TcpSegment } from '../../../../core/capture/packet.js';
import { Ja4sshTracker, parseSshBanner } from '../../../../core/fingerprint/ja4plus/ja4ssh.js';
import { TcpJa4Plus } from '../../../../core/fingerprint/ja4plus/tcp-methods.js';
import { foxioPcap, foxioPcaps, rustExpected } from '../../../helpers/foxio-expected.js';
import { readPackets } from '../../../helpers/read-pcap.js';

function run(file: string): { src: string; srcPort: number; dst: string; dstPort: number; ja4ssh: string[]; t: Ja4sshTracker }[] {
  const convs = new Map<string, { src: string; srcPort: number; dst: string; dstPort: number; t: Ja4sshTracker; client: string }>();
  for (const p of readPackets(foxioPcap(file))) {
    if (p.kind !== 'tcp') continue;
    const key = [`${p.src}|${p.srcPort}`, `${p.dst}|${p.dstPort}`].sort().join('|');
    let e = convs.get(key);
    if (!e) {
      // The client: the SYN sender, or (mid-stream captures) the side not on port 22.
      const syn = (p.flags & TCP_SYN) !== 0 && !(p.flags & TCP_ACK);
      const clientIsSrc = syn || (p.dstPort === 22 || (p.srcPort !== 22 && p.srcPort > p.dstPort));
      e = clientIsSrc ? { src: p.src, srcPort: p.srcPort, dst: p.dst, dstPort: p.dstPort, t: new Ja4sshTracker(), client: `${p.src}|${p.srcPort}` }
        : { src: p.dst, srcPort: p.dstPort, dst: p.src, dstPort: p.srcPort, t: new Ja4sshTracker(), client: `${p.dst}|${p.dstPort}` };
      convs.set(key, e);
    }
    e.t.push(p, `${p.src}|${p.srcPort}` === e.client);
  }
  return [...convs.values()].filter((e) => e.t.clientBanner || e.t.serverBanner).map((e) => ({ ...e, ja4ssh: e.t.finish() }));
}

/** A segment with the next sequence number of its stream (both directions share one counter: each only needs its own to advance). */
let nextSeq = 1000;
const seg = (len: number, flags = len ? TCP_ACK | TCP_PSH : TCP_ACK, seq = (nextSeq += len) - len): TcpSegment => ({ frame: 1, timestampUs: 0, ipVersion: 4, ttl: 64, src: 'a', dst: 'b', fileOffset: 0, srcPort: 1, dstPort: 22, seq, ack: 0, flags, window: 0, options: new Uint8Array(), payload: new Uint8Array(len) });

describe('JA4SSH', () => {
  it('windows of N payload packets, modes with ties to the smallest, bare ACKs only when flags are exactly ACK', () => {
    const t = new Ja4sshTracker(6);
    for (const [len, c] of [[36, true], [36, false], [52, true], [52, true], [36, true], [100, false]] as const) t.push(seg(len), c);
    t.push(seg(0), true);
    t.push(seg(0, TCP_ACK | TCP_PSH), false); // not bare: PSH set
    t.push(seg(0), false);
    t.push(seg(64), true);
    expect(t.finish()).toEqual(['c36s36_c4s2_c0s0', 'c64s0_c1s0_c1s1']);
  });

  it('a retransmitted or duplicated payload is counted once (tshark does not dissect it as SSH again); an out-of-order one still counts', () => {
    const t = new Ja4sshTracker(200);
    const a = seg(48), b = seg(48), c = seg(96);
    t.push(a, true); t.push(c, true); t.push(b, true); // b arrives after c: out of order, not a repeat
    t.push(a, true); t.push(c, true); // retransmissions
    t.push(seg(40, TCP_ACK | TCP_PSH, a.seq + 8), true); // a partial retransmission inside a
    t.push(seg(64, TCP_ACK | TCP_PSH, b.seq + 16), true); // overlaps b and c: nothing new either
    t.push(seg(64, TCP_ACK | TCP_PSH, a.seq), false); // the other direction has its own numbers
    expect(t.finish()).toEqual(['c48s64_c3s1_c0s0']);
  });

  it('a conversation whose banner comes after other payloads and bare ACKs counts them as a tracker from its start does', () => {
    const banner = (text: string): TcpSegment => { const s = seg(text.length); s.payload = new TextEncoder().encode(text); return s; };
    const cut = (len: number): TcpSegment => ({ ...seg(len), payload: new Uint8Array(0), wireLength: len });
    const a = seg(48);
    const early: [TcpSegment, boolean][] = [
      [seg(0), true], [seg(0), false], [a, true], [seg(0), false], [a, true], // a retransmitted: once
      [seg(0), true], [seg(0, TCP_ACK | TCP_PSH), true],
      // payloads the capture cut to nothing (lengths from the IP header), more than the early list keeps
      ...Array.from({ length: 10 }, (_, i): [TcpSegment, boolean] => [cut(20 + i), i % 2 === 0]),
      [banner('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'), false], [banner('SSH-2.0-libssh_0.10.4\r\n'), true], [seg(0), true],
    ];
    const direct = new Ja4sshTracker(200), plus = new TcpJa4Plus(200), small = new TcpJa4Plus(5), smallDirect = new Ja4sshTracker(5);
    for (const [s, c] of early) { direct.push(s, c); plus.push(s, c); small.push(s, c); smallDirect.push(s, c); }
    const r = plus.result();
    expect(r.ja4ssh).toEqual(direct.finish());
    // Counted by hand: client payloads 48, 20, 22, 24, 26, 28, 23; server 21, 23, 25, 27, 29, 32;
    // the banner is the third payload the capture kept (the fourth would have been too late).
    expect(r.ja4ssh).toEqual(['c20s21_c7s6_c3s2']);
    expect(r.ssh).toEqual({ client: parseSshBanner(early.at(-2)![0].payload), server: parseSshBanner(early.at(-3)![0].payload) });
    expect(small.result().ja4ssh).toEqual(smallDirect.finish());
    // Four payloads without a banner: not SSH.
    const none = new TcpJa4Plus();
    for (const len of [10, 20, 30, 40]) none.push(seg(len), true);
    none.push(banner('SSH-2.0-late\r\n'), true);
    expect(none.result().ja4ssh).toEqual([]);
    expect(none.isSsh).toBe(false);
  });

  it('reads identification strings', () => {
    expect(parseSshBanner(new TextEncoder().encode('SSH-2.0-OpenSSH_8.7 Debian-1\r\n'))).toEqual({ line: 'SSH-2.0-OpenSSH_8.7 Debian-1', protoVersion: '2.0', softwareVersion: 'OpenSSH_8.7', comments: 'Debian-1' });
    expect(parseSshBanner(new TextEncoder().encode('SSH-1.99-OpenSSH_3.1p1\n'))?.protoVersion).toBe('1.99');
    expect(parseSshBanner(new TextEncoder().encode('GET / HTTP/1.1\r\n'))).toBeUndefined();
  });

  const files = foxioPcaps().filter((f) => rustExpected(f).some((r) => Array.isArray(r.ja4ssh) && (r.ja4ssh as unknown[]).length));
  it('covers the FoxIO SSH captures', () => expect(files.length).toBeGreaterThanOrEqual(6));

  it('every packet twice (a capture merged with itself) gives the same windows: repeats are not counted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-ssh-dup-'));
    const ja4ssh = (f: string) => spawnSync(process.execPath, [CLI, 'read', f, '--format', 'ndjson'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { stream: number; ja4ssh?: string[] }).filter((r) => r.ja4ssh?.length).map((r) => [r.stream, r.ja4ssh]);
    for (const file of ['ssh-scp-1050.pcap', 'ssh-r.pcap']) {
      const twice = join(dir, file);
      expect(spawnSync('mergecap', ['-F', 'pcap', '-w', twice, foxioPcap(file), foxioPcap(file)]).status).toBe(0);
      const once = ja4ssh(foxioPcap(file));
      expect(once.length).toBeGreaterThan(0);
      // Bare ACKs are packets, duplicated or not (tshark lists them twice too): compare the payload parts.
      const payloadParts = (xs: (number | string[] | undefined)[][]) => xs.map(([s, w]) => [s, (w as string[]).map((x) => x.split('_').slice(0, 2).join('_'))]);
      expect(payloadParts(ja4ssh(twice)), file).toEqual(payloadParts(once));
    }
  });

  it('a capture cut to its headers (snaplen 200) gives the same windows: packet lengths are read from the IP header', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-ssh-cut-'));
    const ja4ssh = (f: string) => spawnSync(process.execPath, [CLI, 'read', f, '--format', 'ndjson'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { stream: number; ja4ssh?: string[] }).filter((r) => r.ja4ssh?.length).map((r) => [r.stream, r.ja4ssh]);
    for (const file of ['ssh-scp-1050.pcap', 'ssh-r.pcap']) {
      const cut = join(dir, file);
      expect(spawnSync('editcap', ['-s', '200', foxioPcap(file), cut]).status).toBe(0);
      const whole = ja4ssh(foxioPcap(file));
      expect(whole.length).toBeGreaterThan(0);
      expect(ja4ssh(cut), file).toEqual(whole);
    }
  });

  /** Payload segments per direction that tshark does not label SSH (FoxIO's tools, which read tshark's output, skip them). */
  const notSsh = (file: string): { client: number; server: number } => {
    const r = spawnSync('tshark', ['-n', '-r', foxioPcap(file), '-Y', 'tcp.len>0 && !ssh', '-T', 'fields', '-e', 'tcp.srcport'], { encoding: 'utf8' });
    const ports = r.stdout.split('\n').filter(Boolean).map(Number);
    return { client: ports.filter((p) => p !== 22).length, server: ports.filter((p) => p === 22).length };
  };
  const TSHARK_LABELLING = new Set(['ssh2-malformed.pcap', 'ssh2-moloch-crash.pcap', 'sshv1.pcap', 'v6.pcap']);

  it.each(files)('%s: windows agree with the Rust tool', (file) => {
    const got = run(file);
    let compared = 0;
    for (const want of rustExpected(file)) {
      const w = want.ja4ssh as string[] | undefined;
      if (!w?.length) continue;
      const g = got.find((c) => c.src === want.src && c.srcPort === want.src_port && c.dst === want.dst && c.dstPort === want.dst_port);
      if (!g) continue;
      compared++;
      if (!TSHARK_LABELLING.has(file)) {
        expect(g.ja4ssh, `${want.src}:${want.src_port}`).toEqual(w);
        continue;
      }
      // Helloscope counts every payload segment of an SSH conversation; Rust only those tshark
      // dissects as SSH (docs/conformance.md). The packet counts differ by exactly those segments
      // and the bare-ACK counts agree.
      const skip = notSsh(file);
      const counts = (v: string): number[] => v.split('_').slice(1).flatMap((p) => /^c(\d+)s(\d+)$/.exec(p)!.slice(1).map(Number));
      expect(g.ja4ssh).toHaveLength(1);
      const [cp, sp, ca, sa] = counts(g.ja4ssh[0]!);
      expect([cp, sp, ca, sa]).toEqual([counts(w[0]!)[0]! + skip.client, counts(w[0]!)[1]! + skip.server, counts(w[0]!)[2], counts(w[0]!)[3]]);
      expect(skip.client + skip.server).toBeGreaterThan(0);
    }
    if (!['gre-erspan-vxlan.pcap', 'tcpdump-geneve.pcap'].includes(file)) expect(compared).toBeGreaterThan(0);
  });
});
