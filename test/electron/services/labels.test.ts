import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownClient } from '../../../core/knowledge/index.js';
import { LabelImportError, LabelStore } from '../../../electron/services/labels.js';
import { clientFixtures } from '../../helpers/paths.js';

describe('user labels', () => {
  const curlJa4 = clientFixtures().find((f) => f.id === 'curl-h2')!.hellos[0]!.ref_ja4;

  it('round-trips through the data directory and export/import, and wins over the bundled entries', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-labels-'));
    const s = new LabelStore(dir);
    s.add({ label: 'our monitoring probe', client: 'probe', ja4: curlJa4 });
    const again = new LabelStore(dir);
    expect(again.list().map((e) => e.label)).toEqual(['our monitoring probe']);
    expect(knownClient({ ja4: curlJa4 }, again.list())?.label).toBe('our monitoring probe');
    expect(knownClient({ ja4: curlJa4 })?.client).toBe('curl');
    const other = new LabelStore(mkdtempSync(join(tmpdir(), 'hs-labels-')));
    expect(other.import(again.export())).toBe(1);
    expect(other.list()).toEqual(again.list());
    expect(other.remove(curlJa4)).toBe(true);
    expect(other.list()).toEqual([]);
  });

  it('refuses bad imports with a message naming the entry and field, changing nothing', () => {
    const s = new LabelStore(mkdtempSync(join(tmpdir(), 'hs-labels-')));
    expect(() => s.import('not json', 'x.json')).toThrow(/x.json: not JSON/);
    expect(() => s.import('[{"label": "a", "ja4": "t13d1516h2_8daaf6152771_02713d6af862"}, {"label": "b", "ja4": "nope"}]', 'x.json')).toThrow(LabelImportError);
    expect(() => s.import('[{"label": "", "ja4": "t13d1516h2_8daaf6152771_02713d6af862"}]', 'x.json')).toThrow(/label 1: "label" must be a non-empty string/);
    try { s.import('[{"label": "a", "ja4": "t13d1516h2_8daaf6152771_02713d6af862"}, {"label": "b", "ja4": "nope"}]', 'x.json'); } catch (e) { expect((e as Error).message).toMatch(/x.json: label 2: "ja4" must be a JA4 fingerprint/); }
    expect(s.list()).toEqual([]);
  });
});
