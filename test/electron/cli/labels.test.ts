import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../../helpers/paths.js';

const run = (args: string[], input?: string) => spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8' });
const JA4 = 't13d1517h2_8daaf6152771_cb7bf5808d99';

describe('helloscope labels', () => {
  it('adds, lists, exports, removes and imports back (a file or stdin)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-labels-'));
    expect(run(['labels', 'add', JA4, 'My', 'Chromium', '--data-dir', dir]).status).toBe(0);
    expect(JSON.parse(run(['labels', 'list', '--data-dir', dir]).stdout)).toMatchObject([{ ja4: JA4, label: 'My Chromium' }]);
    const exported = run(['labels', 'export', '--data-dir', dir]).stdout;
    const file = join(dir, 'export.json');
    writeFileSync(file, exported);
    expect(run(['labels', 'remove', JA4, '--data-dir', dir]).status).toBe(0);
    expect(run(['labels', 'remove', JA4, '--data-dir', dir]).status).toBe(1);
    expect(JSON.parse(run(['labels', 'list', '--data-dir', dir]).stdout)).toEqual([]);
    expect(run(['labels', 'import', file, '--data-dir', dir]).stdout).toBe('1 labels imported\n');
    expect(run(['labels', 'export', '--data-dir', dir]).stdout).toBe(exported);
    const other = mkdtempSync(join(tmpdir(), 'hs-labels-'));
    expect(run(['labels', 'import', '-', '--data-dir', other], exported).status).toBe(0);
    expect(run(['labels', 'export', '--data-dir', other]).stdout).toBe(exported);
  });

  it('a missing import file, a damaged labels.json or a data directory that is a file: one line, exit 1', () => {
    // Regression: each was an internal error with a stack trace (exit 70).
    const dir = mkdtempSync(join(tmpdir(), 'hs-labels-'));
    const cases: string[][] = [['import', join(dir, 'missing.json')]];
    const damaged = mkdtempSync(join(tmpdir(), 'hs-labels-'));
    writeFileSync(join(damaged, 'labels.json'), 'not json\n');
    cases.push(['list', '--data-dir', damaged]);
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    cases.push(['list', '--data-dir', file]);
    for (const c of cases) {
      const r = run(['labels', ...c, ...(c.includes('--data-dir') ? [] : ['--data-dir', dir])]);
      expect(r.status, c.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n'), c.join(' ')).toHaveLength(1);
      expect(r.stderr).not.toContain('internal error');
    }
  });
});
