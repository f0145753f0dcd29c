// Dissection views rebuilt from a capture's kept bytes: for every recorded client, the views
// keep the field invariants, their fingerprints equal the references recorded with tshark, the
// hex sources carry the TCP segments and TLS records, and the interval index finds for every
// byte the innermost field that covers it.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionRow, connectionViews } from '../../../core/capture/connection-view.js';
import { walkFields, type DataSource, type Field } from '../../../core/dissect/field.js';
import { FieldIntervalIndex } from '../../../core/dissect/interval-index.js';
import { checkFieldInvariants } from '../../../core/dissect/validate.js';
import { analyseWithBytes } from '../../helpers/analyse-with-bytes.js';
import { clientFixtures } from '../../helpers/paths.js';


const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

describe('connection views of recorded clients', () => {
  for (const fx of clientFixtures()) {
    it(fx.id, () => {
      const records = analyseWithBytes(join(fx.dir, 'capture.pcap'));
      const views = records.flatMap((r) => connectionViews(r).views.map((v) => ({ r, v })));
      const hellos = views.filter(({ v }) => v.kind === 'client_hello');
      // One ClientHello view per recorded hello, with the reference JA4 and tshark's JA3.
      expect(hellos.map(({ v }) => v.fingerprints.ja4).sort()).toEqual(fx.hellos.map((h) => h.ref_ja4).sort());
      expect(hellos.map(({ v }) => v.fingerprints.ja3).sort()).toEqual(fx.hellos.map((h) => h.tshark_ja3).sort());
      expect(views.filter(({ v }) => v.kind === 'server_hello').map(({ v }) => v.fingerprints.ja3s).sort()).toEqual(fx.server_hellos.map((s) => s.tshark_ja3s).sort());
      // Plain HTTP/1 requests are dissected too.
      const plainHttp = fx.http_requests.filter((q) => q.version?.startsWith('HTTP/1'));
      if (fx.hellos.length === 0) expect(views.filter(({ v }) => v.kind === 'http_request').length).toBe(plainHttp.length);
      for (const { r, v } of views) {
        const sources: DataSource[] = v.sources.map((s) => ({ id: s.id, label: s.label, bytes: fromHex(s.hex) }));
        expect(checkFieldInvariants(v.fields, sources)).toEqual([]);
        const main = v.sources[0]!;
        if (v.kind === 'client_hello' || v.kind === 'server_hello') {
          // Segments tile the kept bytes exactly; records start with a TLS content type byte.
          const segs = main.boundaries.filter((b) => b.kind === 'segment');
          expect(segs.reduce((n, b) => n + b.length, 0)).toBe(main.hex.length / 2);
          const bytes = fromHex(main.hex);
          for (const rec of main.boundaries.filter((b) => b.kind === 'record')) expect([20, 21, 22, 23]).toContain(bytes[rec.at]);
          expect(segs.every((b) => /frame \d+/.test(b.label))).toBe(true);
        }
        // Each byte's innermost field: contains the byte, and no child of it does.
        for (const s of sources) {
          const index = new FieldIntervalIndex(v.fields, s.id);
          const leaves: Field[] = [];
          walkFields(v.fields, (f) => { if (f.source === s.id && f.length > 0 && !f.generated && !(f.children ?? []).some((c) => c.source === s.id && c.length > 0)) leaves.push(f); });
          for (const leaf of leaves) {
            for (const at of [leaf.start, leaf.start + leaf.length - 1]) {
              const hit = index.at(at)!;
              expect(hit.field.start <= at && at < hit.field.start + hit.field.length).toBe(true);
              expect((hit.field.children ?? []).some((c) => c.source === s.id && c.start <= at && at < c.start + c.length)).toBe(false);
            }
          }
          expect(index.at(s.bytes.length + 10)).toBeUndefined();
        }
        const row = connectionRow(r, 7);
        expect(row.id).toBe(7);
        expect(row.hellos).toBe(r.hellos.length);
      }
    });
  }
});
