// FoxIO conformance as a test: every FoxIO capture through `helloscope read`; any mismatch with
// FoxIO's expected outputs must be in test/conformance/allow-list.json with a reason that is a
// section of docs/conformance.md, and every allow-list entry must still be needed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
// @ts-expect-error plain ESM module without types
import { runConformance } from './run.mjs';

describe('FoxIO conformance', () => {
  const result = runConformance();
  const doc = readFileSync(join(ROOT, 'docs/conformance.md'), 'utf8');

  it('reads every capture', () => {
    expect(result.errors).toEqual([]);
    expect(result.checks.length).toBeGreaterThan(1000);
  });
  it('has no mismatch that is not documented', () => {
    expect(result.unexplained.map((c: { pcap: string; source: string; method: string; conn: string }) => `${c.pcap} ${c.source} ${c.method} ${c.conn}`)).toEqual([]);
  });
  it('has no stale allow-list entry, and every reason is a section of docs/conformance.md', () => {
    expect(result.stale).toEqual([]);
    for (const e of result.allow.entries) expect(doc).toContain(`### ${e.reason}\n`);
  });
  it('agrees with FoxIO on JA4 and JA4S for all but the documented ALPN rule', () => {
    const bad = result.checks.filter((c: { ok: boolean; method: string; reason?: string }) => !c.ok && (c.method === 'ja4' || c.method === 'ja4s') && c.reason !== 'spec-alpn-hex');
    expect(bad).toEqual([]);
  });
});
