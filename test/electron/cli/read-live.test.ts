// `tcpdump -U -w - | helloscope read -` on a quiet link: a conversation that ended (FIN/RST) is
// printed once the pipe has been quiet for half a second, while the pipe stays open, instead of
// when the next packet comes (minutes later on a quiet link) or at the end of the input. One that
// is still open is not: it is printed at the end, as before. And the real thing: tcpdump on lo
// piped into `read -` while curl talks to the listener.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startListener } from '../../../electron/services/listener/index.js';
import { CLI, clientFixtures, FIXTURES } from '../../helpers/paths.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A classic pcap cut to its first `n` packets (24-byte file header, 16-byte record headers, little endian). */
function firstPackets(pcap: Buffer, n: number): Buffer {
  let at = 24;
  for (let i = 0; i < n && at + 16 <= pcap.length; i++) at += 16 + pcap.readUInt32LE(at + 8);
  return pcap.subarray(0, at);
}

/** `read -` fed `bytes` through a pipe that stays open; resolves with what stdout had after `waitMs`, then closes the pipe. */
function liveRead(bytes: Buffer, waitMs: number): Promise<{ early: string; all: string; status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, 'read', '-', '--format', 'ndjson'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '', early: string | undefined;
    p.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    p.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    p.on('error', reject);
    p.on('close', (status) => resolve({ early: early ?? '', all: out, status, stderr: err }));
    p.stdin.write(bytes);
    setTimeout(() => { early = out; p.stdin.end(); }, waitMs);
  });
}

describe('read -: a live pipe', () => {
  const fixture = clientFixtures().find((f) => f.id === 'curl-http1.1')!;
  const pcap = readFileSync(join(FIXTURES, 'clients/curl-http1.1/capture.pcap'));

  it('a conversation closed by FIN/RST is printed after a pause in the input, before the pipe ends', async () => {
    const r = await liveRead(pcap, 2500);
    expect(r.status).toBe(0);
    const early = r.early.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(early).toHaveLength(1);
    // tshark's JA3 and FoxIO's JA4 of the recorded hello (test/tools/record-clients.mjs).
    expect(early[0]!.ja3).toBe(fixture.hellos[0]!.tshark_ja3);
    expect(early[0]!.ja4).toBe(fixture.hellos[0]!.ref_ja4);
    // Nothing more at the end: the record is not printed twice.
    expect(r.all).toBe(r.early);
    expect(r.stderr).toBe('');
  }, 20_000);

  it('a conversation still open is not finished by the pause: it comes at the end of the input', async () => {
    // SYN, SYN-ACK, ACK, ClientHello, ...: no FIN or RST yet.
    const open = firstPackets(pcap, 8);
    const r = await liveRead(open, 1500);
    expect(r.status).toBe(0);
    expect(r.early).toBe('');
    const all = r.all.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(all).toHaveLength(1);
    expect(all[0]!.ja4).toBe(fixture.hellos[0]!.ref_ja4);
  }, 20_000);

  it('tcpdump -U -w - | read -: the connection of curl to the listener is printed while tcpdump still runs', async () => {
    const h = await startListener({ host: '127.0.0.1', port: 0, dataDir: mkdtempSync(join(tmpdir(), 'hs-read-live-')) });
    const dump = spawn('tcpdump', ['-i', 'lo', '-U', '--immediate-mode', '-w', '-', `tcp port ${h.port}`], { stdio: ['ignore', 'pipe', 'ignore'] });
    const read = spawn(process.execPath, [CLI, 'read', '-', '--format', 'ndjson'], { stdio: ['pipe', 'pipe', 'pipe'] });
    dump.stdout.pipe(read.stdin);
    let out = '';
    read.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    try {
      await sleep(1200);
      const curl = await new Promise<string>((res) => {
        const c = spawn('curl', ['-sk', '--http1.1', `https://127.0.0.1:${h.port}/fps`], { stdio: ['ignore', 'pipe', 'ignore'] });
        let b = '';
        c.stdout.on('data', (d) => (b += d));
        c.on('close', () => res(b));
      });
      const told = JSON.parse(curl) as { ja3: string; ja4: string };
      // The record comes without more packets: up to ~0.5 s of quiet after the FIN/RST.
      for (let i = 0; i < 50 && !out.includes('\n'); i++) await sleep(100);
      expect(dump.exitCode).toBeNull();
      const recs = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(recs).toHaveLength(1);
      // What the listener told curl (its JA3 checked against tshark in listener.test.ts).
      expect(recs[0]!.ja3).toBe(told.ja3);
      expect(recs[0]!.ja4).toBe(told.ja4);
      expect(recs[0]!.dst_port).toBe(h.port);
    } finally {
      dump.kill('SIGTERM');
      await new Promise((r) => read.on('close', r));
      await h.stop();
    }
  }, 30_000);
});

