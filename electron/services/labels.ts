// The user's own labelled fingerprints ("label this client"): a JSON file in the user data
// directory, read by the knowledge-base lookup (user labels win on an exact JA4 match), and
// exported/imported as JSON. Plain Node.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KbEntry } from '../../core/knowledge/lookup.js';

export class LabelImportError extends Error {
  override readonly name = 'LabelImportError';
}

const JA4 = /^[tqd][0-9a-z]{2}[di]\d{4}[0-9a-z]{2}_[0-9a-f]{12}_[0-9a-f]{12}$/;

/** Validates an exported label list; errors name the entry and the field. */
export function validateLabels(data: unknown, source = 'input'): KbEntry[] {
  const list = (data && typeof data === 'object' && !Array.isArray(data) ? (data as { labels?: unknown }).labels : data) as unknown;
  if (!Array.isArray(list)) throw new LabelImportError(`${source}: expected a JSON array of labels or {"labels": [...]}`);
  return list.map((e, i) => {
    const at = `${source}: label ${i + 1}`;
    if (!e || typeof e !== 'object') throw new LabelImportError(`${at} is not an object`);
    const o = e as Record<string, unknown>;
    if (typeof o.label !== 'string' || !o.label.trim()) throw new LabelImportError(`${at}: "label" must be a non-empty string`);
    if (typeof o.ja4 !== 'string' || !JA4.test(o.ja4)) throw new LabelImportError(`${at}: "ja4" must be a JA4 fingerprint like t13d1516h2_8daaf6152771_02713d6af862, got ${JSON.stringify(o.ja4)}`);
    for (const k of ['ja4_r', 'ja3', 'client', 'version', 'library', 'os'] as const) {
      if (o[k] !== undefined && typeof o[k] !== 'string') throw new LabelImportError(`${at}: "${k}" must be a string`);
    }
    return {
      label: o.label.trim(), client: typeof o.client === 'string' ? o.client : o.label.trim(), ja4: o.ja4,
      ...(typeof o.ja4_r === 'string' ? { ja4_r: o.ja4_r } : {}), ...(typeof o.ja3 === 'string' ? { ja3: o.ja3 } : {}),
      ...(typeof o.version === 'string' ? { version: o.version } : {}), ...(typeof o.library === 'string' ? { library: o.library } : {}), ...(typeof o.os === 'string' ? { os: o.os } : {}),
      source: 'user',
    } satisfies KbEntry;
  });
}

/** JSON.parse with the error a label file gets (a damaged labels.json too, not a SyntaxError). */
function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    // V8's message quotes the start of the text, newlines included: keep the error on one line.
    throw new LabelImportError(`${source}: not JSON (${(e as Error).message.replace(/\s+/g, ' ')})`);
  }
}

export class LabelStore {
  readonly path: string;
  private labels: KbEntry[];

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.path = join(dataDir, 'labels.json');
    this.labels = existsSync(this.path) ? validateLabels(parseJson(readFileSync(this.path, 'utf8'), this.path), this.path) : [];
  }

  list(): readonly KbEntry[] {
    return this.labels;
  }

  /** Adds or replaces (same JA4) a label. */
  add(entry: Omit<KbEntry, 'source'>): KbEntry {
    const [e] = validateLabels([entry], 'new label');
    this.labels = [...this.labels.filter((x) => x.ja4 !== e!.ja4), e!];
    this.save();
    return e!;
  }

  remove(ja4: string): boolean {
    const n = this.labels.length;
    this.labels = this.labels.filter((x) => x.ja4 !== ja4);
    if (this.labels.length !== n) this.save();
    return this.labels.length !== n;
  }

  export(): string {
    return JSON.stringify({ format: 'helloscope-labels/1', labels: this.labels.map(({ source: _s, ...e }) => e) }, null, 2) + '\n';
  }

  /** Imports labels from exported JSON text; all or nothing. Returns how many were added or replaced. */
  import(text: string, source = 'import'): number {
    const incoming = validateLabels(parseJson(text, source), source);
    const keys = new Set(incoming.map((e) => e.ja4));
    this.labels = [...this.labels.filter((x) => !keys.has(x.ja4)), ...incoming];
    this.save();
    return incoming.length;
  }

  private save(): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, this.export());
    renameSync(tmp, this.path);
  }
}
