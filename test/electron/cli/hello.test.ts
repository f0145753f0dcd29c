import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, FIXTURES, clientFixtures } from '../../helpers/paths.js';
import { splitPcap } from '../../helpers/pcap-edit.js';

const run = (args: string[], input?: string | Uint8Array) => spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8' });
const CLIENT_KEYS = ['type', 'tls_server_name', 'ja3', 'ja3_full', 'ja3n', 'ja3n_full', 'ja4', 'ja4_r', 'ja4_o', 'ja4_ro', 'tls_fp', 'sha3_384', 'client', 'problems'];

describe('helloscope hello', () => {
  const chromium = clientFixtures().find((f) => f.id === 'chromium')!;
  const helloFile = join(chromium.dir, 'hello.bin');

  it('prints one JSON object with the ClientHello keys', () => {
    const r = run(['hello', helloFile]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(CLIENT_KEYS);
    expect(out.type).toBe('client_hello');
    expect(out.ja3).toBe(chromium.hellos[0]!.tshark_ja3);
    expect(out.ja4).toBe(chromium.hellos[0]!.ref_ja4);
    expect(out.tls_server_name).toBe('localhost');
    expect(Object.keys(out.tls_fp)).toEqual(['ciphers', 'client_hello_version', 'ec_point_formats', 'extensions', 'record_version', 'signature_algorithms', 'supported_groups']);
    expect(out.sha3_384).toMatch(/^[0-9a-f]{96}$/);
  });

  it('reads base64 text (wrapped, or URL-safe), as logs and JSON APIs carry hellos', () => {
    const b64 = readFileSync(helloFile).toString('base64');
    for (const text of [b64.match(/.{1,76}/g)!.join('\n') + '\n', b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')]) {
      const r = run(['hello', '-'], text);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).ja4).toBe(chromium.hellos[0]!.ref_ja4);
    }
  });

  it('reads a whole packet copied from a capture tool (Ethernet, IP, TCP headers, then the hello), and says where TLS began', () => {
    const curl = clientFixtures().find((f) => f.id === 'curl-http1.1')!;
    const hello = readFileSync(join(curl.dir, 'hello.bin'));
    const { records } = splitPcap(new Uint8Array(readFileSync(join(curl.dir, 'capture.pcap'))));
    const frame = records.map((r) => Buffer.from(r.data)).find((d) => d.indexOf(hello.subarray(0, 64)) > 0)!;
    const at = frame.indexOf(hello.subarray(0, 64));
    expect(at).toBeGreaterThanOrEqual(14 + 20 + 20);
    const r = run(['hello', '-'], frame.toString('hex'));
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ja4).toBe(curl.hellos[0]!.ref_ja4);
    expect(out.ja3).toBe(curl.hellos[0]!.tshark_ja3);
    expect(out.tls_offset).toBe(at);
    expect(r.stderr).toMatch(new RegExp(`the first ${at} bytes are not TLS`));
    // A packet without a hello in it is still "not TLS".
    const ack = records.map((x) => Buffer.from(x.data)).find((d) => d.length === 66)!;
    const bad = run(['hello', '-'], ack.toString('hex'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/not TLS/);
  });

  it('reads hex text from stdin (whitespace and colons allowed)', () => {
    const hex = readFileSync(helloFile).toString('hex').match(/.{1,32}/g)!.map((l) => l.match(/../g)!.join(':')).join('\n');
    const r = run(['hello', '-'], `# chromium hello\n${hex}\n`);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).ja4).toBe(chromium.hellos[0]!.ref_ja4);
  });

  it('--tree adds the field tree with offsets', () => {
    const out = JSON.parse(run(['hello', helloFile, '--tree']).stdout);
    expect(out.tree[0].key).toBe('tls.record');
    expect(out.tree[0].start).toBe(0);
    const hs = out.tree[0].children.find((c: { key: string }) => c.key === 'tls.handshake');
    expect(hs.start).toBe(5);
    expect(out.sources[0]).toMatchObject({ id: 'input', length: readFileSync(helloFile).length });
  });

  it('a ServerHello gives the JA3S/JA4S keys', () => {
    const fx = clientFixtures().find((f) => f.id === 'openssl-s_client-tls1_2')!;
    const out = JSON.parse(run(['hello', join(fx.dir, 'server-flight.bin')]).stdout);
    expect(Object.keys(out)).toEqual(['type', 'ja3s', 'ja3s_full', 'ja4s', 'ja4s_r', 'problems']);
    expect(out.ja3s).toBe(fx.server_hellos[0]!.tshark_ja3s);
    expect(out.ja4s).toMatch(/^t12\d{2}[0-9a-z]{2}_[0-9a-f]{4}_[0-9a-f]{12}$/);
  });

  it('a file that is not TLS: one line on stderr and exit 1', () => {
    const r = run(['hello', join(FIXTURES, '../../package.json')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^helloscope: .*package\.json: not TLS: .*found 7b 0a 20 20 22 6e 61 6d \("\{\.  \\"nam"\) at offset 0/);
  });

  it('a missing file: one line and exit 1; a bad flag: usage error exit 2', () => {
    const r = run(['hello', '/nonexistent/x.bin']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('helloscope: cannot read /nonexistent/x.bin: no such file\n');
    expect(run(['hello', helloFile, '--bogus']).status).toBe(2);
  });

  it('--transport quic changes the JA4 prefix', () => {
    expect(JSON.parse(run(['hello', helloFile, '--transport', 'quic']).stdout).ja4[0]).toBe('q');
  });
});
