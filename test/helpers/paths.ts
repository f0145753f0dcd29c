import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = join(ROOT, 'test/fixtures');
/** ../shared beside the checkout: conformance captures and seeds (read in place, never copied). */
export const SHARED = resolve(ROOT, '../shared');
export const CONFORMANCE = join(SHARED, 'conformance/foxio-ja4');
export const CLI = join(ROOT, 'dist/cli/helloscope.mjs');

export interface RecordedHello { frame: number; stream: number; tls_server_name: string | null; tshark_ja3: string; tshark_ja3_full: string; ref_ja4: string; ref_ja4_o: string }
export interface ClientFixture {
  id: string; client: string; version: string; library: string; dir: string;
  hellos: RecordedHello[];
  server_hellos: { frame: number; stream: number; tshark_ja3s: string; tshark_ja3s_full: string }[];
  http_requests: { frame: number; stream: number; method?: string; uri?: string; version?: string; h2_header_names?: string[] }[];
}

/** Every recorded client under test/fixtures/clients (see test/tools/record-clients.mjs). */
export function clientFixtures(): ClientFixture[] {
  const base = join(FIXTURES, 'clients');
  return readdirSync(base).sort().map((id) => ({ ...JSON.parse(readFileSync(join(base, id, 'meta.json'), 'utf8')), dir: join(base, id) }));
}

export const readBytes = (p: string): Uint8Array => new Uint8Array(readFileSync(p));
export const has = (p: string): boolean => existsSync(p);
