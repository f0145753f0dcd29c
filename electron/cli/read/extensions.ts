// What other features add to `read` (the HTTP analyser, the knowledge base), in a module of its
// own so the finishing thread (finisher-worker.ts) loads these and not the whole command.
import { readFileSync } from 'node:fs';
import type { ConnectionRecord } from '../../../core/capture/connection.js';
import type { ConversationPlugin } from '../../../core/capture/plugin.js';
import { createHttpPlugin } from '../../../core/http/http-plugin.js';
import { clientSummary, knownClient } from '../../../core/knowledge/index.js';
import { parseKeyLog } from '../../../core/tls/decrypt/keylog.js';
import { userLabels } from '../../services/user-labels.js';
import { CliError } from '../cli-error.js';
import { nodeCertificateDecompressor } from '../../node/certificate-decompressor.js';

/** Hooks other features add to `read` (the HTTP analyser, the knowledge base). */
export const readExtensions: {
  plugins: ((flags: Map<string, string | true>) => ConversationPlugin | undefined)[];
  decorate: ((r: ConnectionRecord) => void)[];
  valued: string[];
} = {
  plugins: [(flags) => {
    const file = flags.get('keylog');
    if (typeof file !== 'string') return createHttpPlugin({ decompressCertificate: nodeCertificateDecompressor });
    let text: string;
    try { text = readFileSync(file, 'utf8'); } catch { throw new CliError(`cannot read the key log ${file}`); }
    const keylog = parseKeyLog(text, file);
    for (const p of keylog.problems.slice(0, 20)) process.stderr.write(`helloscope: warning: ${p.message}\n`);
    return createHttpPlugin({ keylog, decompressCertificate: nodeCertificateDecompressor });
  }],
  decorate: [(r) => { for (const h of r.hellos) { const c = knownClientSummary(h); if (c) h.client = c; } }],
  valued: ['keylog'],
};


/**
 * The knowledge-base match depends only on the fingerprints it is given (and the user's labels,
 * read once per run), and a capture holds the same few clients many times: remember the answers.
 * The answer objects are shared between records (never changed), so the ndjson writer keeps
 * the text of a hello's members per label object (core/capture/output.ts OutputJson).
 */
const clientMemo = new Map<string, Map<string, Map<string, ReturnType<typeof clientSummary>>>>();
let clientMemoSize = 0;
function knownClientSummary(h: { ja4: string; ja4_r?: string; ja3?: string }): ReturnType<typeof clientSummary> {
  // Nested by each input (the same string objects recur, and V8 keeps a string's hash), not one joined key.
  const r = h.ja4_r ?? '', j3 = h.ja3 ?? '';
  let byJa4 = clientMemo.get(r);
  let byJa3 = byJa4?.get(h.ja4);
  if (byJa3?.has(j3)) return byJa3.get(j3);
  const c = clientSummary(knownClient({ ja4: h.ja4, ja4_r: h.ja4_r, ja3: h.ja3 }, userLabels()));
  if (clientMemoSize >= 4096) { clientMemo.clear(); clientMemoSize = 0; byJa4 = byJa3 = undefined; }
  if (!byJa4) clientMemo.set(r, (byJa4 = new Map()));
  if (!byJa3) byJa4.set(h.ja4, (byJa3 = new Map()));
  byJa3.set(j3, c);
  clientMemoSize++;
  return c;
}


