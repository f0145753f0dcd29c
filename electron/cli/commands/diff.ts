import { existsSync } from 'node:fs';
import { CaptureFormatError } from '../../../core/capture/analyzer.js';
import { diffFingerprints, diffJa4h, type FingerprintSide, type Ja4hSide } from '../../../core/explain/diff.js';
import { JA4H_RE, tlsSideFromText } from '../../../core/explain/side-from-text.js';
import { computeJa4h, ja4hParts } from '../../../core/fingerprint/ja4plus/ja4h.js';
import { looksLikeHttp1Request, parseHttp1Request } from '../../../core/http/http1.js';
import type { ConnectionRecord } from '../../../core/capture/connection.js';
import { fingerprintClientHello } from '../../../core/fingerprint/tls-fingerprints.js';
import { NotTlsError, parseTls } from '../../../core/tls/parse-tls.js';
import { readCaptureFile } from '../../services/capture-file.js';
import { parseArgs } from '../args.js';
import { CliError } from '../cli-error.js';
import { bytesFromRawOrHex, readInput, unreadableReason } from '../input.js';

export const DIFF_USAGE = `helloscope diff <a> <b> [--json]
  Says why two TLS client fingerprints, or two HTTP requests, differ. A TLS side is a JA4
  (t13d1516h2_..._...), a raw JA4 (_r or _ro form), a JA3 string (771,4865-...,...), a
  ClientHello file (raw or hex, as for hello), or capture.pcap#<stream> (the first ClientHello of
  that TCP or UDP conversation). An HTTP side is a raw HTTP/1 request file or a JA4H.`;

/** An HTTP side: a request file or a JA4H string; undefined when the argument is about TLS. */
async function httpSide(arg: string): Promise<Ja4hSide | undefined> {
  if (JA4H_RE.test(arg)) return { name: arg, ja4h: arg };
  if (!existsSync(arg)) return undefined;
  const bytes = await readInput(arg);
  if (!looksLikeHttp1Request(bytes.subarray(0, 32))) return undefined;
  const r = parseHttp1Request(bytes).request;
  if (!r) return undefined;
  const fp = computeJa4h(r), p = ja4hParts(r);
  return { name: arg, ja4h: fp.ja4h, ja4h_ro: fp.ja4h_ro, parts: { headers: p.headerNames, names: p.cookieNames, pairs: p.cookiePairs } };
}

async function side(arg: string): Promise<FingerprintSide> {
  const hash = arg.lastIndexOf('#');
  if (hash > 0 && existsSync(arg.slice(0, hash))) {
    const file = arg.slice(0, hash), stream = Number(arg.slice(hash + 1));
    if (!Number.isInteger(stream)) throw new CliError(`${arg}: the part after # must be a stream number`, 2);
    const found: ConnectionRecord[] = [];
    try {
      await readCaptureFile(file, { onConnection: (r) => { if (r.stream === stream && r.hellos.length) found.push(r); } });
    } catch (e) {
      if (e instanceof CaptureFormatError) throw new CliError(e.message);
      const why = unreadableReason(e);
      if (why) throw new CliError(`cannot read ${file}: ${why}`);
      throw e;
    }
    const r = found.find((x) => x.transport === 'tcp') ?? found[0];
    if (!r) throw new CliError(`${file}: no ClientHello in stream ${stream}`);
    const h = r.hellos[0]!;
    return { name: arg, ja4: h.ja4, ja4_r: h.ja4_r, ja4_ro: h.ja4_ro, ja3: h.ja3, ja3_full: h.ja3_full };
  }
  if (existsSync(arg)) {
    const bytes = bytesFromRawOrHex(await readInput(arg), arg);
    let hello;
    try {
      hello = parseTls(bytes, { tree: false }).clientHello;
    } catch (e) {
      if (e instanceof NotTlsError) throw new CliError(`${arg}: ${e.message}`);
      throw e;
    }
    if (!hello) throw new CliError(`${arg}: no ClientHello found`);
    const fp = fingerprintClientHello(hello);
    return { name: arg, ja4: fp.ja4, ja4_r: fp.ja4_r, ja4_ro: fp.ja4_ro, ja3: fp.ja3, ja3_full: fp.ja3_full };
  }
  const typed = tlsSideFromText(arg);
  if (typed) return typed;
  throw new CliError(`${arg}: not a file, a capture#stream, a JA4, a raw JA4 or a JA3 string`, 2);
}

export async function diffCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { boolean: ['json', 'help'], valued: [] });
  if (args.flags.has('help')) { process.stdout.write(DIFF_USAGE + '\n'); return 0; }
  if (args.positionals.length !== 2) throw new CliError(`diff takes two fingerprints\n${DIFF_USAGE}`, 2);
  const [ha, hb] = await Promise.all(args.positionals.map(httpSide));
  if (ha || hb) {
    if (!ha || !hb) throw new CliError('diff compares two HTTP requests (files or JA4H strings) or two TLS fingerprints, not one of each', 2);
    const d = diffJa4h(ha, hb);
    if (args.flags.has('json')) { process.stdout.write(JSON.stringify({ a: ha, b: hb, ...d }, null, 2) + '\n'); return 0; }
    process.stdout.write([`A: ${ha.ja4h} (${ha.name})`, `B: ${hb.ja4h} (${hb.name})`, `JA4H ${ha.ja4h === hb.ja4h ? 'equal' : 'differs'}`, ...d.findings.map((f) => `- ${f}`), `Conclusion: ${d.conclusion}`].join('\n') + '\n');
    return 0;
  }
  const [a, b] = await Promise.all(args.positionals.map(side));
  const d = diffFingerprints(a!, b!);
  if (args.flags.has('json')) {
    process.stdout.write(JSON.stringify({ a, b, ...d }, null, 2) + '\n');
    return 0;
  }
  const lines = [`A: ${a!.ja4 ?? a!.ja4_r ?? a!.ja3_full} (${a!.name})`, `B: ${b!.ja4 ?? b!.ja4_r ?? b!.ja3_full} (${b!.name})`];
  if (d.equal.ja4 !== null) lines.push(`JA4 ${d.equal.ja4 ? 'equal' : 'differs'}`);
  if (d.equal.ja3 !== null) lines.push(`JA3 ${d.equal.ja3 ? 'equal' : 'differs'}`);
  for (const f of d.findings) lines.push(`- ${f}`);
  lines.push(`Conclusion: ${d.conclusion}`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
