// Filtering and sorting of connection rows. A filter is words; each must match. A bare word
// matches as a substring of any fingerprint, SNI, ALPN, address or client label; `key:value`
// matches as a prefix of that column (ja4:t13d, sni:example, src:10.0., port:443).
import type { ConnectionRow } from '../../../core/api.js';

export type SortKey = 'time' | 'src' | 'dst' | 'transport' | 'sni' | 'alpn' | 'ja4' | 'ja3' | 'ja4h' | 'ja4s' | 'hellos' | 'client' | 'seen';
export interface SortSpec { key: SortKey; dir: 1 | -1 }

const columnText: Record<string, (r: ConnectionRow) => string[]> = {
  ja4: (r) => [r.ja4 ?? '', r.ja4_r ?? ''],
  ja3: (r) => [r.ja3 ?? ''],
  ja4h: (r) => [r.ja4h ?? ''],
  ja4s: (r) => [r.ja4s ?? ''],
  sni: (r) => [r.sni ?? ''],
  alpn: (r) => (r.alpn ?? '').split(','),
  src: (r) => [r.src, `${r.src}:${r.src_port}`],
  dst: (r) => [r.dst, `${r.dst}:${r.dst_port}`],
  port: (r) => [String(r.src_port), String(r.dst_port)],
  client: (r) => [r.client?.label ?? ''],
  transport: (r) => [r.transport, r.protocol],
};

export const FILTER_KEYS = Object.keys(columnText);

type Test = (r: ConnectionRow) => boolean;

export function compileFilter(text: string): Test | null {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return null;
  const tests: Test[] = words.map((w) => {
    const m = /^([a-z0-9]+):(.*)$/.exec(w);
    const col = m ? columnText[m[1]!] : undefined;
    if (m && col) {
      const v = m[2]!;
      return (r) => col(r).some((t) => t.toLowerCase().startsWith(v));
    }
    return (r) => Object.values(columnText).some((f) => f(r).some((t) => t.toLowerCase().includes(w)));
  });
  return (r) => tests.every((t) => t(r));
}

const sortValue: Record<Exclude<SortKey, 'seen'>, (r: ConnectionRow) => string | number> = {
  time: (r) => r.time_us, src: (r) => `${r.src}:${String(r.src_port).padStart(5, '0')}`, dst: (r) => `${r.dst}:${String(r.dst_port).padStart(5, '0')}`,
  transport: (r) => r.transport, sni: (r) => r.sni ?? '', alpn: (r) => r.alpn ?? '', ja4: (r) => r.ja4 ?? '', ja3: (r) => r.ja3 ?? '',
  ja4h: (r) => r.ja4h ?? '', ja4s: (r) => r.ja4s ?? '', hellos: (r) => r.hellos, client: (r) => r.client?.label ?? '',
};

/** Row ids in display order: filtered, then sorted (stable, by id for ties). */
/** How many rows of a source share each JA4 (the app's "how unique is it among those seen"). */
export function ja4Counts(rows: readonly ConnectionRow[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) if (r?.ja4) m.set(r.ja4, (m.get(r.ja4) ?? 0) + 1);
  return m;
}

export function visibleIds(rows: readonly ConnectionRow[], filter: Test | null, sort: SortSpec | null, counts?: ReadonlyMap<string, number>): number[] {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r && (!filter || filter(r))) ids.push(i);
  }
  if (sort) {
    const f = sort.key === 'seen' ? (r: ConnectionRow): number => (r.ja4 ? counts?.get(r.ja4) ?? 0 : 0) : sortValue[sort.key];
    const keys = new Map<number, string | number>();
    for (const id of ids) keys.set(id, f(rows[id]!));
    ids.sort((a, b) => {
      const x = keys.get(a)!, y = keys.get(b)!;
      return (x < y ? -1 : x > y ? 1 : a - b) * sort.dir;
    });
  }
  return ids;
}

export function formatTime(us: number): string {
  const d = new Date(Math.floor(us / 1000));
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(Math.floor(us % 1_000_000), 6)}`;
}

export const hostPort = (h: string, p: number): string => (h.includes(':') ? `[${h}]:${p}` : `${h}:${p}`);

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1048576) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1073741824) return `${(n / 1048576).toFixed(1)} MB`;
  return `${(n / 1073741824).toFixed(2)} GB`;
}
