import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KbEntry } from '../../core/knowledge/lookup.js';
import { defaultDataDir } from './data-dir.js';
import { LabelStore } from './labels.js';

let cached: readonly KbEntry[] | undefined;
/** The user's labels from the default data directory (empty when there are none or the file is unreadable). */
export function userLabels(): readonly KbEntry[] {
  if (cached) return cached;
  try {
    // Only read: a plain `hello` must not create the data directory.
    cached = existsSync(join(defaultDataDir(), 'labels.json')) ? new LabelStore(defaultDataDir()).list() : [];
  } catch {
    cached = [];
  }
  return cached;
}
