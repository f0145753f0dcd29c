// The command line's own conventions: usage on stderr with exit 2 when no command is given, on
// stdout with exit 0 when asked for (--help, -h, help, help <command>, <command> -h).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI } from '../../helpers/paths.js';

const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('helloscope usage and help', () => {
  it('no command: the usage on stderr, nothing on stdout, exit 2', () => {
    const r = run();
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^usage: helloscope <command>/);
  });
  it('--help, -h and help: the usage on stdout, exit 0; help <command> and <command> -h: that command\'s', () => {
    for (const a of ['--help', '-h', 'help']) {
      const r = run(a);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^usage: helloscope <command>/);
    }
    for (const args of [['help', 'read'], ['read', '-h'], ['read', 'x.pcap', '-h'], ['read', '--help']]) {
      const r = run(...args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^helloscope read <capture>/);
      expect(r.stderr).toBe('');
    }
    // After `--`, -h is a file name like any other.
    const f = run('read', '--', '-h');
    expect(f.status).toBe(1);
    expect(f.stderr).toMatch(/-h: cannot read \(no such file\)/);
  });
});
