// The capture worker drops bytes that are copies of the file and reads them back by their
// pieces' file offsets: what comes back must be exactly what the engine kept, for every
// recorded client and every FoxIO reference capture.
import { readdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectionRecord } from '../../../core/capture/connection.js';
import { createHttpPlugin } from '../../../core/http/http-plugin.js';
import { dropFileBytes, withFileBytes } from '../../../electron/services/capture-loader/file-backed.js';
import { readCaptureFile } from '../../../electron/services/capture-file.js';
import { analyseWithBytes } from '../../helpers/analyse-with-bytes.js';
import { CONFORMANCE, clientFixtures, has } from '../../helpers/paths.js';

const captures = [
  ...clientFixtures().map((f) => join(f.dir, 'capture.pcap')),
  ...(has(join(CONFORMANCE, 'pcap')) ? readdirSync(join(CONFORMANCE, 'pcap')).filter((f) => /\.(pcap|pcapng)$/.test(f)).map((f) => join(CONFORMANCE, 'pcap', f)) : []),
];

const hexOf = (r: ConnectionRecord): string[] => [
  ...r.hellos.map((h) => Buffer.from(h.captured?.bytes ?? []).toString('hex')),
  Buffer.from(r.server_hello?.captured?.bytes ?? []).toString('hex'),
  ...r.http.map((q) => Buffer.from(q.captured?.bytes ?? []).toString('hex')),
];

describe('file-backed bytes of the capture worker', () => {
  it('covers the recorded clients and the FoxIO captures', () => expect(captures.length).toBeGreaterThan(40));
  for (const path of captures) {
    it(path.split('/').slice(-2).join('/'), async () => {
      const records = analyseWithBytes(path);
      const fh = await open(path, 'r');
      try {
        for (const r of records) {
          const before = hexOf(r);
          dropFileBytes(r);
          if (r.protocol !== 'quic') expect(r.hellos.every((h) => !h.captured || h.captured.bytes.length === 0)).toBe(true);
          const back = await withFileBytes(r, fh);
          expect(hexOf(back)).toEqual(before);
        }
      } finally {
        await fh.close();
      }
    });
  }
});

// The worker reads through readCaptureFile, which reuses two buffers: bytes kept on records must
// be copies, whatever the chunk boundaries. Small chunks cut records and packets everywhere.
describe('bytes kept while reading in reused chunks', () => {
  for (const path of captures) {
    it(path.split('/').slice(-2).join('/'), async () => {
      const whole = analyseWithBytes(path);
      const chunked: ConnectionRecord[] = [];
      await readCaptureFile(path, { chunkSize: 997, keepBytes: true, plugins: [createHttpPlugin({ keepBytes: true })], onConnection: (r) => chunked.push(r), onWarning: () => {} });
      const der = (r: ConnectionRecord): string[] => r.tls_certs.flatMap((c) => c.x509.map((x) => Buffer.from(x.der ?? []).toString('hex')));
      expect(chunked.map((r) => [...hexOf(r), ...der(r)])).toEqual(whole.map((r) => [...hexOf(r), ...der(r)]));
    });
  }
});

