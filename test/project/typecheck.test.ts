// Each environment type-checks with its own tsconfig: core without Node or DOM types, electron
// with Node, renderer with DOM, tests with everything.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

const tsc = join(ROOT, 'node_modules/.bin/tsc');

describe('typecheck', () => {
  const projects = ['core', 'electron', 'renderer', 'test'].filter((p) => existsSync(join(ROOT, p, 'tsconfig.json')));
  it('core, electron and test have their own tsconfig', () => {
    expect(projects).toEqual(expect.arrayContaining(['core', 'electron', 'test']));
  });
  for (const project of projects) {
    it(`tsc -p ${project}`, () => {
      const r = spawnSync(tsc, ['-p', project], { cwd: ROOT, encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    }, 120_000);
  }
  it('core cannot see Node or DOM types', () => {
    const r = spawnSync(tsc, ['-p', 'core', '--showConfig'], { cwd: ROOT, encoding: 'utf8' });
    const cfg = JSON.parse(r.stdout);
    expect(cfg.compilerOptions.types).toEqual([]);
    expect(cfg.compilerOptions.lib.some((l: string) => /dom/i.test(l))).toBe(false);
  });
});
