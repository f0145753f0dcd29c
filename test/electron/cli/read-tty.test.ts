// `helloscope read` on a terminal (a pseudo-terminal made by util-linux `script`): a table by
// default, and a progress bar on stderr for files over a few MB; none when piped.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSynthCapture } from '../../bench/synth-capture.mjs';
import { CLI, ROOT, clientFixtures } from '../../helpers/paths.js';

const SCRIPT = '/usr/bin/script';
const onTty = (cmd: string): string => spawnSync(SCRIPT, ['-qec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 60_000 }).stdout;

describe.runIf(existsSync(SCRIPT))('read on a terminal', () => {
  const big = join(mkdtempSync(join(tmpdir(), 'hs-tty-')), 'five-thousand.pcap');
  const { size } = writeSynthCapture(big, 5000, ROOT);

  it('shows a progress bar on stderr for a file over 4 MB, ending at 100%', () => {
    expect(size).toBeGreaterThan(4 << 20);
    const out = onTty(`node ${CLI} read ${big} > /dev/null`);
    const frames = out.split('\r').filter((f) => f.includes('%'));
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.at(-1)).toMatch(/\[#{30}\] 100% \d+\/\d+ MB/);
    const pct = frames.map((f) => Number(/(\d+)%/.exec(f)![1]));
    expect(pct).toEqual([...pct].sort((a, b) => a - b));
  });

  it('prints no progress bar when stderr is not a terminal', () => {
    const r = spawnSync(process.execPath, [CLI, 'read', big], { encoding: 'utf8', maxBuffer: 256 << 20 });
    expect(r.stderr).not.toMatch(/%/);
    expect(r.stdout.trim().split('\n')).toHaveLength(5000);
  });

  it('prints a table by default on a terminal, ndjson when piped', () => {
    const path = join(clientFixtures().find((f) => f.id === 'curl-http1.1')!.dir, 'capture.pcap');
    const table = onTty(`node ${CLI} read ${path}`);
    expect(table).toMatch(/^stream\s+client\s+server\s+sni\s+ja4/m);
    expect(table).toMatch(/1 conversation/);
    const piped = spawnSync(process.execPath, [CLI, 'read', path], { encoding: 'utf8' }).stdout;
    expect(() => JSON.parse(piped.trim().split('\n')[0]!)).not.toThrow();
  });
});
