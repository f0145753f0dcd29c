import { fingerprintClientHello, fingerprintServerHello } from '../../../core/fingerprint/tls-fingerprints.js';
import { knownClient } from '../../../core/knowledge/index.js';
import { userLabels } from '../../services/user-labels.js';
import type { Ja4Transport } from '../../../core/fingerprint/ja4.js';
import { NotTlsError, parseTls } from '../../../core/tls/parse-tls.js';
import { oneOf, parseArgs } from '../args.js';
import { CliError } from '../cli-error.js';
import { bytesFromRawOrHex, readInput } from '../input.js';
import { problemsJson, sourcesJson, treeJson } from '../json-out.js';

export const HELLO_USAGE = `helloscope hello <file|-> [--tree] [--transport tcp|quic|dtls]
  Dissects a ClientHello or ServerHello (raw bytes or hex text of TLS/DTLS records, or a bare
  handshake message) and prints its fingerprints as one JSON object. --tree adds the field tree
  with byte offsets. --transport sets JA4's first character (default: d for DTLS records, q when
  quic_transport_parameters is present, else t).`;

export async function helloCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { boolean: ['tree', 'help'], valued: ['transport'] });
  if (args.flags.has('help')) { process.stdout.write(HELLO_USAGE + '\n'); return 0; }
  if (args.positionals.length !== 1) throw new CliError(`hello takes one input (a file or -)\n${HELLO_USAGE}`, 2);
  const transport = oneOf<Ja4Transport>('transport', args.flags.get('transport'), ['tcp', 'quic', 'dtls']);
  const path = args.positionals[0]!;
  const name = path === '-' ? 'stdin' : path;
  const bytes = bytesFromRawOrHex(await readInput(path), name);
  const tree = args.flags.has('tree');
  let parsed;
  try {
    parsed = parseTls(bytes, { tree, label: name });
  } catch (e) {
    if (e instanceof NotTlsError) throw new CliError(`${name}: ${e.message}`);
    throw e;
  }
  const hello = parsed.messages.find((m) => m.kind === 'client_hello' || m.kind === 'server_hello');
  if (!hello) {
    const first = parsed.problems[0]?.message;
    throw new CliError(`${name}: no ClientHello or ServerHello found${first ? ` (${first})` : ''}`);
  }
  const opts = transport ? { transport } : {};
  let out: Record<string, unknown>;
  if (hello.kind === 'client_hello') {
    const fp = fingerprintClientHello(hello, opts);
    out = {
      type: 'client_hello', tls_server_name: hello.serverName ?? null,
      ja3: fp.ja3, ja3_full: fp.ja3_full, ja3n: fp.ja3n, ja3n_full: fp.ja3n_full,
      ja4: fp.ja4, ja4_r: fp.ja4_r, ja4_o: fp.ja4_o, ja4_ro: fp.ja4_ro,
      tls_fp: fp.tls_fp, sha3_384: fp.sha3_384,
    };
    const m = knownClient(fp, userLabels());
    // The known client this hello matches (knowledge base), or null.
    out.client = m ? { label: m.label, confidence: m.confidence, exact: m.exact, ...(m.differences.length ? { differences: m.differences } : {}) } : null;
  } else {
    const fp = fingerprintServerHello(hello, opts);
    out = { type: hello.helloRetryRequest ? 'hello_retry_request' : 'server_hello', ...fp };
    if (hello.helloRetryRequest) out.type = 'server_hello', out.hello_retry_request = true;
  }
  out.problems = problemsJson(parsed.problems);
  if (tree) {
    out.sources = sourcesJson(parsed.sources);
    out.tree = treeJson(parsed.fields);
  }
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  return 0;
}
