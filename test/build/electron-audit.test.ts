// Electron security audit (electronegativity) over the shell and the built page: no HIGH or
// MEDIUM finding that docs/security.md does not justify.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

describe('npm run audit:electron', () => {
  it('has no unjustified high or medium finding', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'build/scripts/electron-audit.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
    expect(r.stdout).toMatch(/audit: \d+ findings, 0 unjustified high\/medium\n$/);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }, 250_000);
});
