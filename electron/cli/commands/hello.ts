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
  Dissects a ClientHello or ServerHello (raw bytes, hex or base64 text of TLS/DTLS records, a bare
  handshake message, or a whole packet copied from a capture tool) and prints its fingerprints as one JSON object. --tree adds the field tree
  with byte offsets. --transport sets JA4's first character (default: d for DTLS records, q when
  quic_transport_parameters is present, else t).`;

/**
 * Where a handshake record holding a ClientHello or ServerHello starts after what looks like
 * packet headers (at most 256 bytes of them), or -1.
 */
function recordAfterHeaders(b: Uint8Array): number {
  for (let i = 1; i + 9 <= b.length && i <= 256; i++) {
    if (b[i] !== 0x16 || b[i + 1] !== 3 || b[i + 2]! > 4 || (b[i + 5] !== 1 && b[i + 5] !== 2)) continue;
    const len = (b[i + 3]! << 8) | b[i + 4]!, msg = (b[i + 6]! << 16) | (b[i + 7]! << 8) | b[i + 8]!;
    if (len >= 42 && msg >= 38 && msg < 1 << 17) return i;
  }
  return -1;
}

export async function helloCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { boolean: ['tree', 'help'], valued: ['transport'] });
  if (args.flags.has('help')) { process.stdout.write(HELLO_USAGE + '\n'); return 0; }
  if (args.positionals.length !== 1) throw new CliError(`hello takes one input (a file or -)\n${HELLO_USAGE}`, 2);
  const transport = oneOf<Ja4Transport>('transport', args.flags.get('transport'), ['tcp', 'quic', 'dtls']);
  const path = args.positionals[0]!;
  const name = path === '-' ? 'stdin' : path;
  let bytes = bytesFromRawOrHex(await readInput(path), name);
  const tree = args.flags.has('tree');
  let parsed, skipped = 0;
  try {
    parsed = parseTls(bytes, { tree, label: name });
  } catch (e) {
    if (!(e instanceof NotTlsError)) throw e;
    // A whole packet copied from a capture tool (Ethernet, IP and TCP headers first): read from its TLS record.
    skipped = recordAfterHeaders(bytes);
    if (skipped <= 0) throw new CliError(`${name}: ${e.message}`);
    process.stderr.write(`helloscope: note: ${name}: the first ${skipped} bytes are not TLS (packet headers?); reading from byte ${skipped} (offsets below count from there)\n`);
    bytes = bytes.subarray(skipped);
    parsed = parseTls(bytes, { tree, label: name });
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
  // Where the TLS bytes began in the input, when packet headers came first (offsets count from there).
  if (skipped > 0) out.tls_offset = skipped;
  out.problems = problemsJson(parsed.problems);
  if (tree) {
    out.sources = sourcesJson(parsed.sources);
    out.tree = treeJson(parsed.fields);
  }
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  return 0;
}
