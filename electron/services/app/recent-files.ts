// The "recent files" list of File > Open recent: the last ten captures opened, newest first,
// kept in the user data directory.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MAX = 10;

export class RecentFiles {
  private readonly path: string;
  private list: string[];

  constructor(dataDir: string) {
    this.path = join(dataDir, 'recent-files.json');
    let list: unknown = [];
    try { if (existsSync(this.path)) list = JSON.parse(readFileSync(this.path, 'utf8')); } catch { list = []; }
    this.list = Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string').slice(0, MAX) : [];
    mkdirSync(dataDir, { recursive: true });
  }

  get(): string[] {
    return [...this.list];
  }

  add(path: string): void {
    this.list = [path, ...this.list.filter((p) => p !== path)].slice(0, MAX);
    try { writeFileSync(this.path, JSON.stringify(this.list, null, 2) + '\n'); } catch { /* a read-only data directory only loses the list */ }
  }
}
