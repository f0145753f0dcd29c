import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONFORMANCE } from './paths.js';

export const foxioPcaps = (): string[] => readdirSync(join(CONFORMANCE, 'pcap')).filter((f) => /\.pcap(ng)?$/.test(f)).sort();
export const foxioPcap = (f: string): string => join(CONFORMANCE, 'pcap', f);

/** expected/wireshark/<pcap>.json as frame number -> { field: values }. */
export function wiresharkExpected(pcap: string): Map<number, Record<string, string[]>> {
  const out = new Map<number, Record<string, string[]>>();
  let rows: { _source: { layers: Record<string, string[]> } }[];
  try {
    rows = JSON.parse(readFileSync(join(CONFORMANCE, 'expected/wireshark', `${pcap}.json`), 'utf8'));
  } catch {
    return out;
  }
  for (const r of rows) {
    const l = r._source.layers;
    out.set(Number(l['frame.number']![0]), l);
  }
  return out;
}

/** The Rust `ja4` tool's insta snapshot: a list of per-stream records. */
export function rustExpected(pcap: string): Record<string, unknown>[] {
  const text = readFileSync(join(CONFORMANCE, 'expected/rust-insta', `ja4__insta@${pcap}.snap`), 'utf8');
  const body = text.replace(/^---[\s\S]*?---\n/, '');
  return (parse(body) as Record<string, unknown>[] | null) ?? [];
}

/** The Python ja4.py output: a list of per-stream records. */
export function pythonExpected(pcap: string): Record<string, unknown>[] {
  try {
    return JSON.parse(readFileSync(join(CONFORMANCE, 'expected/python', `${pcap}.json`), 'utf8'));
  } catch {
    return [];
  }
}
