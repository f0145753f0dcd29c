// TLS 1.3 certificates sent compressed (RFC 8879, type 25; Chrome asks Cloudflare and Google for
// brotli) in a decrypted capture: JA4X of each, as FoxIO's Python tool gives them for
// chrome-cloudflare-quic-with-secrets.pcapng (its TCP connection), with Node's zlib handed in;
// without a decompressor the record says why there is no JA4X.
import { spawnSync } from 'node:child_process';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CaptureAnalyzer } from '../../../core/capture/analyzer.js';
import type { ConnectionRecord } from '../../../core/capture/connection.js';
import { createHttpPlugin, type HttpPluginOptions } from '../../../core/http/http-plugin.js';
import { nodeCertificateDecompressor } from '../../../electron/node/certificate-decompressor.js';
import { foxioPcap, pythonExpected } from '../../helpers/foxio-expected.js';
import { CLI, readBytes } from '../../helpers/paths.js';

const PCAP = 'chrome-cloudflare-quic-with-secrets.pcapng';
function tcpRecord(opts: HttpPluginOptions): ConnectionRecord {
  const out: ConnectionRecord[] = [];
  const a = new CaptureAnalyzer({ onConnection: (r) => out.push(r), plugins: [createHttpPlugin(opts)] });
  a.push(readBytes(foxioPcap(PCAP)));
  a.end();
  return out.find((r) => r.transport === 'tcp')!;
}
// FoxIO's Python output for this capture: the JA4X.n of the TCP connection's certificates.
const expected = pythonExpected(PCAP).flatMap((x) => Object.keys(x).filter((k) => k.startsWith('JA4X.')).sort().map((k) => x[k] as string));

describe('compressed certificates (RFC 8879) in decrypted TLS 1.3', () => {
  it('gives the JA4X of each certificate in a brotli-compressed Certificate message, as FoxIO does', () => {
    expect(expected.length).toBe(2);
    const r = tcpRecord({ decompressCertificate: nodeCertificateDecompressor });
    expect(r.tls_certs.flatMap((c) => c.x509.map((x) => x.ja4x))).toEqual(expected);
    expect(r.tls_certs[0]!.x509[0]!.subject).toMatch(/CN/);
    expect(r.problems.filter((p) => p.code === 'certificate_compressed')).toEqual([]);
    // The CLI is wired to Node's zlib.
    const cli = spawnSync(process.execPath, [CLI, 'read', foxioPcap(PCAP), '--format', 'ndjson'], { encoding: 'utf8' });
    const rec = cli.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((x) => x.transport === 'tcp');
    expect(rec.tls_certs.flatMap((c: { x509: { ja4x: string }[] }) => c.x509.map((x) => x.ja4x))).toEqual(expected);
  });

  it('says why there is no JA4X when it cannot decompress', () => {
    for (const opts of [{}, { decompressCertificate: () => undefined }, { decompressCertificate: () => { throw new Error('x'); } }, { decompressCertificate: () => new Uint8Array(3) }]) {
      const r = tcpRecord(opts);
      expect(r.tls_certs).toEqual([]);
      expect(r.http.length).toBeGreaterThan(0);
      const p = r.problems.filter((x) => x.code === 'certificate_compressed');
      expect(p.length).toBe(1);
      expect(p[0]!.message).toMatch(/compressed \(brotli, RFC 8879\)/);
    }
  });

  it("Node's decompressor: zlib and brotli, bounded by the announced length", () => {
    const data = new Uint8Array(5000).map((_, i) => (i * 7) & 255);
    expect(Buffer.from(nodeCertificateDecompressor(1, zlib.deflateSync(data), data.length)!)).toEqual(Buffer.from(data));
    expect(Buffer.from(nodeCertificateDecompressor(2, zlib.brotliCompressSync(data), data.length)!)).toEqual(Buffer.from(data));
    expect(() => nodeCertificateDecompressor(2, zlib.brotliCompressSync(data), 100)).toThrow();
    expect(nodeCertificateDecompressor(9, data, 10)).toBeUndefined();
  });
});
