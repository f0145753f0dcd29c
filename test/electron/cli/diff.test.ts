import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, clientFixtures } from '../../helpers/paths.js';

const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('helloscope diff', () => {
  const chromium = clientFixtures().find((f) => f.id === 'chromium')!;
  const pcap = join(chromium.dir, 'capture.pcap');
  const hello = join(chromium.dir, 'hello.bin');

  it('compares a capture#stream with a ClientHello file', () => {
    const r = run(['diff', `${pcap}#${chromium.hellos[0]!.stream}`, hello]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('JA4 equal');
  });

  it('file#stream where the file is not a capture, or is a directory: one line, exit 1', () => {
    // Regression: the capture reader's errors came out as internal errors with a stack trace (exit 70).
    const dir = mkdtempSync(join(tmpdir(), 'hs-diff-'));
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'hello world\n');
    for (const side of [`${notes}#0`, `${dir}#0`]) {
      const r = run(['diff', side, hello]);
      expect(r.status, side).toBe(1);
      expect(r.stderr.trim().split('\n'), side).toHaveLength(1);
      expect(r.stderr).not.toContain('internal error');
    }
  });
});
