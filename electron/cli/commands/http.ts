import { parseHttp1Request } from '../../../core/http/http1.js';
import { Http2ClientStream, startsWithH2Preface } from '../../../core/http/http2/client-stream.js';
import type { HttpRequest } from '../../../core/http/model.js';
import { computeAkamai } from '../../../core/fingerprint/akamai.js';
import { computeJa4h, ja4hParts } from '../../../core/fingerprint/ja4plus/ja4h.js';
import { parseArgs } from '../args.js';
import { CliError } from '../cli-error.js';
import { readInput } from '../input.js';
import { problemsJson, treeJson } from '../json-out.js';

export const HTTP_USAGE = `helloscope http <file|-> [--tree]
  Reads one raw HTTP/1.0 or HTTP/1.1 request (header names in their original case and order) and
  prints its JA4H family as JSON: ja4h, ja4h_r, ja4h_o, ja4h_ro, the parts they are made of, and
  any problems. --tree adds the request's fields with byte offsets. The client side of an HTTP/2
  connection (preface, frames) gives its first request's JA4H family and the Akamai fingerprint.`;

export async function httpCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { boolean: ['tree', 'help'], valued: [] });
  if (args.flags.has('help')) { process.stdout.write(HTTP_USAGE + '\n'); return 0; }
  if (args.positionals.length !== 1) throw new CliError(`http takes one input (a file or -)\n${HTTP_USAGE}`, 2);
  const path = args.positionals[0]!;
  const name = path === '-' ? 'stdin' : path;
  const bytes = await readInput(path);
  const tree = args.flags.has('tree');
  // The HTTP/2 preface reads as an HTTP/1 request line too (`PRI * HTTP/2.0`): look for it first.
  const p: { request: HttpRequest | null; complete: boolean; problems: HttpRequest['problems']; akamai?: string } = startsWithH2Preface(bytes) ? http2First(bytes, name) : parseHttp1Request(bytes, { tree });
  if (!p.request) throw new CliError(`${name}: ${p.problems[0]?.message ?? 'not an HTTP request'}`);
  const fp = computeJa4h(p.request);
  const parts = ja4hParts(p.request);
  const out: Record<string, unknown> = {
    ...fp, ...(p.akamai ? { akamai: p.akamai } : {}),
    method: p.request.method, target: p.request.target, version: p.request.version, complete: p.complete,
    parts: {
      method: parts.method, version: parts.version, cookie: parts.cookie, referer: parts.referer, header_count: parts.count, language: parts.language,
      headers: parts.headerNames, cookie_names: parts.cookieNames, cookie_pairs: parts.cookiePairs,
    },
    problems: problemsJson(p.problems),
  };
  if (tree) out.tree = treeJson(p.request.fields ?? []);
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  return 0;
}

/** The first request of an HTTP/2 client stream, with the Akamai fingerprint of what came before it. */
function http2First(bytes: Uint8Array, name: string): { request: HttpRequest | null; complete: boolean; problems: HttpRequest['problems']; akamai?: string } {
  const s = new Http2ClientStream();
  s.push(bytes);
  const request = s.requests[0] ?? null;
  if (!request && !s.problems.length) throw new CliError(`${name}: an HTTP/2 connection preface but no complete request (HEADERS) after it`);
  return { request, complete: request?.complete ?? false, problems: [...(request?.problems ?? []), ...s.problems], ...(s.preface ? { akamai: computeAkamai(s.preface).akamai } : {}) };
}
