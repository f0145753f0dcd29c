// A whole capture through the engine as the desktop app's worker reads it: kept bytes on, the
// HTTP plugin keeping request bytes too, in one push.
import { readFileSync } from 'node:fs';
import { CaptureAnalyzer } from '../../core/capture/analyzer.js';
import type { ConnectionRecord } from '../../core/capture/connection.js';
import { createHttpPlugin } from '../../core/http/http-plugin.js';

export function analyseWithBytes(path: string): ConnectionRecord[] {
  const out: ConnectionRecord[] = [];
  const a = new CaptureAnalyzer({ keepBytes: true, plugins: [createHttpPlugin({ keepBytes: true })], onConnection: (r) => out.push(r), onWarning: () => {} });
  a.push(new Uint8Array(readFileSync(path)));
  a.end();
  return out;
}
