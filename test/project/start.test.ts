// `npm start` where the Electron binary cannot be fetched (as on these machines): one line that
// says so and names the headless commands, exit 1, no stack trace.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

const installed = existsSync(join(ROOT, 'node_modules/electron/dist'));

describe.runIf(!installed)('npm start without an Electron binary', () => {
  it('says so in one line and names the headless commands', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'build/scripts/start.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^helloscope: the Electron binary is not installed .*npx helloscope read/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });
});
