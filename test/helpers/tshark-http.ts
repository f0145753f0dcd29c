// The first HTTP request of a capture as tshark decodes it (with the key log when there is one),
// and JA4H / Akamai computed here from tshark's fields with node:crypto: expected values that owe
// nothing to core's HTTP parsers or fingerprint code. JA4H follows the FoxIO specification's text
// (docs/ja4h.md); Akamai the form tls.peet.ws prints (core/fingerprint/akamai.ts header comment).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { refH12 } from './reference-hash.js';

export interface TsharkRequest { method: string; version: string; headers: [string, string][]; akamai?: string }

type Obj = Record<string, unknown>;
const arr = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

function tshark(dir: string, filter: string, proto: string): Obj[] {
  const kl = join(dir, 'keylog.txt');
  const args = ['-r', join(dir, 'capture.pcap'), ...(existsSync(kl) ? ['-o', `tls.keylog_file:${kl}`] : []), '-Y', filter, '-T', 'json', '--no-duplicate-keys', '-J', proto];
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
  return (JSON.parse(r.stdout || '[]') as { _source: { layers: Obj } }[]).map((p) => p._source.layers);
}

/** The first request a client sent to port `port` (HTTP/1.x or HTTP/2), or undefined. */
export function tsharkFirstRequest(dir: string, port: number): TsharkRequest | undefined {
  const h1 = tshark(dir, `http.request && tcp.dstport == ${port}`, 'http')[0];
  const h2packets = tshark(dir, `http2 && tcp.dstport == ${port}`, 'http2');
  const frames = h2packets.flatMap((l) => arr(l.http2 as Obj | Obj[]).flatMap((h) => arr(h['http2.stream'] as Obj | Obj[])));
  const first = frames.findIndex((f) => f['http2.type'] === '1');
  if (first >= 0) {
    const hf = frames[first]!;
    const headers = arr(hf['http2.header'] as Obj | Obj[]).map((h) => [String(h['http2.header.name']), String(h['http2.header.value'] ?? '')] as [string, string]);
    const before = frames.slice(0, first);
    const settings = before.find((f) => f['http2.type'] === '4' && (f['http2.flags_tree'] as Obj | undefined)?.['http2.flags.ack.settings'] !== '1');
    const s = arr(settings?.['http2.settings'] as Obj | Obj[]).map((x) => {
      const id = x['http2.settings.id'];
      const value = Object.entries(x).find(([k]) => k !== 'http2.settings.id')?.[1];
      return `${id}:${value}`;
    }).join(';');
    const wu = before.find((f) => f['http2.type'] === '8' && f['http2.streamid'] === '0')?.['http2.window_update.window_size_increment'] ?? '0';
    const prio = before.filter((f) => f['http2.type'] === '2').map((f) => `${f['http2.streamid']}:${f['http2.exclusive'] === '1' ? 1 : 0}:${f['http2.stream_dependency']}:${Number(f['http2.weight']) + 1}`).join(',') || '0';
    const pseudo = headers.filter(([n]) => n.startsWith(':')).map(([n]) => n[1]).join(',');
    const method = headers.find(([n]) => n === ':method')?.[1] ?? '';
    return { method, version: 'HTTP/2', headers, akamai: `${s}|${wu}|${prio}|${pseudo}` };
  }
  if (!h1) return undefined;
  const http = h1.http as Obj;
  const line = Object.values(http).find((v): v is Obj => typeof v === 'object' && v !== null && 'http.request.method' in v)!;
  const headers = arr(http['http.request.line'] as string | string[]).map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i), l.slice(i + 1).trim()] as [string, string];
  });
  return { method: String(line['http.request.method']), version: String(line['http.request.version']), headers };
}

/** JA4H from a request's method, version and headers, per the specification's text. */
export function refJa4h(r: TsharkRequest): string {
  const hs = r.headers.filter(([n]) => !n.startsWith(':'));
  const named = (x: string) => hs.filter(([n]) => n.toLowerCase() === x);
  const cookies = named('cookie').flatMap(([, v]) => v.split(';').map((p) => p.trim()).filter(Boolean));
  const names = hs.filter(([n]) => !/^(cookie|referer)$/i.test(n)).map(([n]) => n);
  const lang = named('accept-language')[0]?.[1];
  const l = lang ? lang.replace(/-/g, '').replace(/;/g, ',').toLowerCase().split(',')[0]!.slice(0, 4).padEnd(4, '0') : '0000';
  const version = r.version === 'HTTP/2' ? '20' : r.version === 'HTTP/1.0' ? '10' : r.version === 'HTTP/1.1' ? '11' : '00';
  const a = `${r.method.slice(0, 2).toLowerCase()}${version}${cookies.length ? 'c' : 'n'}${named('referer').length ? 'r' : 'n'}${String(Math.min(names.length, 99)).padStart(2, '0')}${l}`;
  const cookieNames = cookies.map((c) => c.split('=')[0]!).sort();
  return `${a}_${refH12(names.join(','))}_${refH12(cookieNames.join(','))}_${refH12([...cookies].sort().join(','))}`;
}
