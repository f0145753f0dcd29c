// OutputJson (the ndjson lines of `read`, written member by member with kept texts) must give
// exactly JSON.stringify(toOutputRecord(...)) — on every recorded and FoxIO capture, with each set
// of output options, with the lazy fingerprints the finishing thread uses and the plain ones, and
// on records made to hold what JSON escapes.
import { describe, expect, it } from 'vitest';
import { CaptureAnalyzer } from '../../../core/capture/analyzer.js';
import type { ConnectionRecord, HelloRecord } from '../../../core/capture/connection.js';
import { OutputJson, toOutputRecord, type OutputOptions } from '../../../core/capture/output.js';
import { createHttpPlugin } from '../../../core/http/http-plugin.js';
import { foxioPcap, foxioPcaps } from '../../helpers/foxio-expected.js';
import { clientFixtures, readBytes, ROOT } from '../../helpers/paths.js';
import { join } from 'node:path';

function records(bytes: Uint8Array, lazy: boolean): ConnectionRecord[] {
  const out: ConnectionRecord[] = [];
  const a = new CaptureAnalyzer({ onConnection: (r) => out.push(r), plugins: [createHttpPlugin()], lazyFingerprints: lazy });
  a.push(bytes);
  a.end();
  return out;
}

const OPTIONS: OutputOptions[] = [{}, { raw: true }, { original: true }, { raw: true, original: true }];
const expected = (r: ConnectionRecord, o: OutputOptions, file?: string): string => {
  const rec = toOutputRecord(r, o);
  if (file !== undefined) rec.file = file;
  return JSON.stringify(rec);
};

const captures = [
  ...clientFixtures().map((f) => join(f.dir, 'capture.pcap')),
  join(ROOT, 'test/bench/recordings/downloads.pcap'),
  ...foxioPcaps().map(foxioPcap),
];

describe('OutputJson gives JSON.stringify(toOutputRecord(...))', () => {
  it('on every recorded client, the download recording and every FoxIO capture, with each option set', () => {
    let compared = 0, withHello = 0, withCerts = 0, withHttp = 0;
    for (const file of captures) {
      for (const lazy of [true, false]) {
        const rs = records(readBytes(file), lazy);
        for (const o of OPTIONS) {
          const json = new OutputJson(o);
          // Twice each: the second time from the kept texts.
          for (const pass of [0, 1]) {
            for (const r of rs) {
              const got = json.text(r, pass ? file : undefined);
              if (got !== expected(r, o, pass ? file : undefined)) expect({ file, stream: r.stream, o, got }).toEqual({ file, stream: r.stream, o, got: expected(r, o, pass ? file : undefined) });
              compared++;
              if (r.hellos.length) withHello++;
              if (r.tls_certs.length) withCerts++;
              if (r.http.length) withHttp++;
            }
          }
        }
      }
    }
    // The comparison covered the parts the fast path writes itself.
    expect(compared).toBeGreaterThan(5000);
    expect(withHello).toBeGreaterThan(1000);
    expect(withCerts).toBeGreaterThan(50);
    expect(withHttp).toBeGreaterThan(100);
  });

  it('escapes what JSON.stringify escapes, and keeps texts apart by client label and options', () => {
    const rs = records(readBytes(join(clientFixtures()[0]!.dir, 'capture.pcap')), false).filter((r) => r.hellos.length);
    const base = rs[0]!;
    const odd = ['a"b', 'back\\slash', 'tab\there', 'nul\u0000', 'line\u2028sep', 'lone \ud800 surrogate', 'pair \ud83d\ude00', 'é ü 日本', ''];
    for (const o of OPTIONS) {
      const json = new OutputJson(o);
      for (const s of odd) {
        const hello: HelloRecord = { ...base.hellos[0]!, alpn: [s, 'h2'] };
        const r: ConnectionRecord = {
          ...base, tls_server_name: s, src: s, hellos: [hello], problems: [{ severity: 'warning', code: 'x', message: s }],
          http: [{ frame: 3, method: 'GET', path: `/${s}`, version: 'HTTP/1.1', ja4h: 'ge11nn010000_x_y_z', ja4h_r: s, ja4h_o: s, ja4h_ro: s, user_agent: s, akamai: s, h2_frames: [s] }],
        };
        expect(json.text(r)).toBe(expected(r, o));
        expect(json.text(r, s)).toBe(expected(r, o, s));
        expect(JSON.parse(json.text(r)).tls_server_name).toBe(s);
      }
      // The same hello with another client label (or none): another text, not the kept one.
      const h0 = base.hellos[0]!;
      const labelled = (client: HelloRecord['client']): ConnectionRecord => ({ ...base, hellos: [{ ...h0, ...(client ? { client } : {}) }] });
      for (const client of [undefined, { label: 'one', confidence: 1, exact: true }, { label: 'two', confidence: 0.5, exact: false }]) {
        const r = labelled(client);
        expect(json.text(r)).toBe(expected(r, o));
      }
      // Null user agent, NaN and infinite numbers, no server name: as JSON.stringify writes them.
      const r2: ConnectionRecord = { ...base, tls_server_name: null, stream: Number.NaN, src_port: Infinity, http: [{ frame: 1, method: 'GET', path: '/', version: 'HTTP/1.1', ja4h: 'x', user_agent: null }] };
      expect(json.text(r2)).toBe(expected(r2, o));
      // Several hellos (a HelloRetryRequest) take the general path.
      const r3: ConnectionRecord = { ...base, hellos: [base.hellos[0]!, base.hellos[0]!] };
      expect(json.text(r3, 'f')).toBe(expected(r3, o, 'f'));
    }
  });
});
