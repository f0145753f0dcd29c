import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../../helpers/paths.js';

describe('helloscope listen', () => {
  it('--port 0 listens on a free port, says where, and stops on SIGTERM sent as soon as it says so, with exit 0', async () => {
    // Regression: the signal handlers came after that line, so a SIGTERM sent on reading it killed
    // the process about half the time (exit by signal, no clean stop). Several runs to catch it.
    for (let i = 0; i < 6; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'hs-listen-'));
      const p = spawn(process.execPath, [CLI, 'listen', '--port', '0', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      await new Promise<void>((res) => p.stdout.on('data', (d) => { out += d; if (out.includes('\n')) res(); }));
      expect(out).toMatch(/^listening on https:\/\/127\.0\.0\.1:[1-9]\d*\//);
      p.kill('SIGTERM');
      expect(await new Promise((res) => p.on('exit', (code, signal) => res(signal ?? code)))).toBe(0);
    }
  });

  it('a --port that is not digits is a usage error, not some other port', () => {
    // Regression: --port '' was Number('') = 0, so it listened on a random port; 0x1bb was 443.
    const dir = mkdtempSync(join(tmpdir(), 'hs-listen-'));
    for (const port of ['', '0x1bb', '1e3', '-1', '65536']) {
      const r = spawnSync(process.execPath, [CLI, 'listen', '--port', port, '--data-dir', dir], { encoding: 'utf8', timeout: 10_000 });
      expect(r.status, JSON.stringify(port)).toBe(2);
      expect(r.stderr).toContain('--port must be a number from 0 to 65535');
    }
  });
});
