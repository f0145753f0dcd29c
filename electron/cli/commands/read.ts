import { Document as YamlDocument, visit as yamlVisit } from 'yaml';
import { CaptureFormatError, type CaptureWarning } from '../../../core/capture/analyzer.js';
import type { ConnectionRecord } from '../../../core/capture/connection.js';
import { OutputJson, type OutputRecord } from '../../../core/capture/output.js';
import type { ConversationPlugin } from '../../../core/capture/plugin.js';
import { statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { readCaptureFile, readCaptureStream } from '../../services/capture-file.js';
import { oneOf, parseArgs } from '../args.js';
import { ndjsonOf, outputOf } from '../read/emit.js';
import { readExtensions } from '../read/extensions.js';
import { finisherScript, PIPELINE_MIN_BYTES, READ_LINGER_US, readWithFinisherThread } from '../read/pipeline.js';
import { CliError } from '../cli-error.js';
import { unreadableReason } from '../input.js';

export { readExtensions };

export const READ_USAGE = `helloscope read <capture>... [--format ndjson|json|yaml|table] [--raw] [--original] [--all] [--keylog FILE]
  Reads pcap/pcapng captures (gzipped too; - for standard input, a live capture too: tcpdump -U -w - | helloscope read -) and prints one record per TCP or UDP conversation with its
  fingerprints (JA4, JA4S, JA4T/TS, JA4L, JA4X, JA4SSH, JA3/JA3S, HTTP), using the key names of
  FoxIO's ja4 tool. ndjson is the default when stdout is not a terminal, table when it is.
  --raw adds ja4_r, ja4s_r (and ja4h_r, ja4x_r); --original adds ja4_o (and ja4h_o); both
  add ja4_ro and ja4h_ro too (as FoxIO's ja4 tools do). ja4 and ja4h are always there.
  --all also prints conversations with nothing fingerprinted. --keylog FILE (NSS key log, as
  SSLKEYLOGFILE writes it; pcapng decryption secrets are used too) decrypts TLS 1.2/1.3 AEAD
  connections for JA4H/Akamai of the HTTP inside and JA4X of TLS 1.3 certificates. Warnings go to stderr.`;

type Format = 'ndjson' | 'json' | 'yaml' | 'table';

const PROGRESS_MIN_BYTES = 4 * 1024 * 1024;
/** `read -`: a pause in the input this long (ms) finishes what ended before it (CaptureAnalyzer.quiet). */
const STDIN_QUIET_MS = 500;

/**
 * The finishing-thread script when `path` is read with two threads: large files, no key log
 * (decryption keeps whole conversations, which would all be copied to the other thread).
 * HELLOSCOPE_READ_THREADS=1 forces one thread, =2 two threads whatever the size.
 */
function pipelineFor(path: string, flags: Map<string, string | true>): string | undefined {
  const env = process.env.HELLOSCOPE_READ_THREADS;
  if (env === '1' || flags.has('keylog')) return undefined;
  const script = finisherScript();
  if (!script) return undefined;
  if (env === '2') return script;
  try {
    return statSync(path).size >= PIPELINE_MIN_BYTES ? script : undefined;
  } catch {
    return undefined; // the one-thread path reports the error
  }
}

/** ndjson lines are written in batches of about this many characters (one write per record is slow). */
const WRITE_BATCH = 64 * 1024;

export async function readCommand(argv: readonly string[]): Promise<number> {
  // A capture makes many objects that live for a conversation (milliseconds to minutes of capture
  // time) and then die: by default V8 lets the old generation grow to ~4x what is live before a
  // full collection, which put a 1 GiB handshake-dense capture near 256 MB of RSS when finished
  // conversations stayed on the heap as tombstones. Since they are numbers (v4-tombs.ts) the live
  // heap is small and full collections cheap but frequent: growing by 2.5x before the next one
  // (150 %) cut a tenth of the time there, for ~220 MB of peak RSS against ~210 MB at 1.5x and
  // ~250 MB at 4x (BENCHMARKS.md). Set before the heap grows; the finishing thread shares it.
  setFlagsFromString('--heap-growing-percent=150');
  const args = parseArgs(argv, { boolean: ['raw', 'original', 'all', 'help'], valued: ['format', ...readExtensions.valued] });
  if (args.flags.has('help')) { process.stdout.write(READ_USAGE + '\n'); return 0; }
  if (args.positionals.length === 0) throw new CliError(`read needs at least one capture file\n${READ_USAGE}`, 2);
  if (args.positionals.filter((p) => p === '-').length > 1) throw new CliError('read: standard input (-) can be given once', 2);
  if (args.positionals.includes('-') && process.stdin.isTTY) throw new CliError('read -: standard input is a terminal; pipe a capture in (for example tcpdump -U -w - | helloscope read -)', 2);
  const format: Format = oneOf<Format>('format', args.flags.get('format'), ['ndjson', 'json', 'yaml', 'table']) ?? (process.stdout.isTTY ? 'table' : 'ndjson');
  const opts = { raw: args.flags.has('raw'), original: args.flags.has('original') };
  const all = args.flags.has('all');
  const plugins = readExtensions.plugins.map((f) => f(args.flags)).filter((p): p is ConversationPlugin => !!p);
  const multi = args.positionals.length > 1;
  const collected: OutputRecord[] = [];
  let failures = 0;
  for (const path of args.positionals) {
    const tty = process.stderr.isTTY;
    let lastDraw = 0;
    /** A progress bar is on the terminal's last line (a warning starts on a line of its own). */
    let barShown = false;
    const progress = (read: number, total: number): void => {
      if (!tty || total < PROGRESS_MIN_BYTES) return;
      const now = Date.now();
      if (now - lastDraw < 100 && read < total) return;
      lastDraw = now;
      const width = 30, done = Math.round((read / total) * width);
      process.stderr.write(`\r${path} [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${((read / total) * 100).toFixed(0)}% ${(read / 1048576).toFixed(0)}/${(total / 1048576).toFixed(0)} MB`);
      barShown = read < total;
      if (!barShown) process.stderr.write('\n');
    };
    let pending = '';
    const flush = (): void => {
      if (pending) process.stdout.write(pending);
      pending = '';
    };
    const settings = { ...opts, all, ...(multi ? { file: path } : {}) };
    const emitText = (text: string): void => {
      pending += text;
      if (pending.length >= WRITE_BATCH) flush();
    };
    const json = new OutputJson(settings);
    const emit = (r: ConnectionRecord): void => {
      if (format === 'ndjson') {
        const line = ndjsonOf(r, settings, readExtensions.decorate, json);
        if (line !== undefined) emitText(line + '\n');
        return;
      }
      const rec = outputOf(r, settings, readExtensions.decorate);
      if (rec) collected.push(rec);
    };
    const warn = (w: CaptureWarning): void => {
      // Records before the warning go out first, as they did when each was written at once.
      flush();
      process.stderr.write(`${barShown ? '\n' : ''}helloscope: warning: ${w.file ?? path}: offset ${w.offset}${w.frame ? ` (frame ${w.frame})` : ''}: ${w.message}\n`);
      barShown = false;
    };
    try {
      // Records are written as they come; wait for a slow reader instead of queueing them in memory.
      const beforeChunk = (): Promise<void> | undefined => {
        flush();
        return process.stdout.writableNeedDrain ? new Promise<void>((res) => process.stdout.once('drain', () => res())) : undefined;
      };
      const script = path === '-' ? undefined : pipelineFor(path, args.flags);
      if (path === '-') {
        // A pipe may be a live capture (tcpdump -U -w -): after half a second without input, what
        // ended before the pause is finished and written instead of waiting for the next packet.
        await readCaptureStream(process.stdin, { fileName: 'stdin', onConnection: emit, onWarning: warn, plugins, lazyFingerprints: true, lingerUs: READ_LINGER_US, beforeChunk, quietMs: STDIN_QUIET_MS, afterQuiet: flush });
      } else if (script) {
        await readWithFinisherThread(path, {
          script, plugins, onWarning: warn, onProgress: progress, beforeChunk,
          init: { flags: [...args.flags], settings, ndjson: format === 'ndjson' },
          onNdjson: (bytes, written) => { flush(); process.stdout.write(bytes, () => written()); }, onRecords: (rs) => { collected.push(...rs); },
        });
      } else {
        await readCaptureFile(path, { onConnection: emit, onWarning: warn, onProgress: progress, plugins, lazyFingerprints: true, lingerUs: READ_LINGER_US, beforeChunk });
      }
      flush();
    } catch (e) {
      flush();
      if (e instanceof CaptureFormatError) {
        if (!multi) throw new CliError(e.message);
        process.stderr.write(`helloscope: ${e.message}\n`);
        failures++;
        continue;
      }
      const why = unreadableReason(e);
      if (why) {
        const msg = `${path}: cannot read (${why})`;
        if (!multi) throw new CliError(msg);
        process.stderr.write(`helloscope: ${msg}\n`);
        failures++;
        continue;
      }
      throw e;
    }
  }
  if (format !== 'ndjson') {
    // Whole-output formats list conversations in stream order (UDP after TCP).
    collected.sort((a, b) => String(a.file ?? '').localeCompare(String(b.file ?? '')) || (a.transport === b.transport ? (a.stream as number) - (b.stream as number) : a.transport === 'tcp' ? -1 : 1));
    if (format === 'json') process.stdout.write(JSON.stringify(collected, null, 2) + '\n');
    else if (format === 'yaml') process.stdout.write(yaml(collected));
    else process.stdout.write(table(collected));
  }
  return failures ? 1 : 0;
}

/**
 * Plain scalars that some YAML reader would not read back as the string: YAML 1.1 readers (PyYAML)
 * take `5_64` (JA4L) or `8192_00_00_00` (JA4T) for integers, so the document is written with the
 * 1.1 rules, which quote those and everything YAML 1.2 reads as non-strings too, except 1.2's
 * `0o17` octal; PyYAML rejects a plain `=` or `<<` as a value.
 */
const YAML_QUOTE_TOO = /^(?:[-+]?0o[0-7]+|=|<<)$/;

function yaml(records: OutputRecord[]): string {
  const doc = new YamlDocument(records, { version: '1.1' });
  yamlVisit(doc, { Scalar: (_, n) => { if (typeof n.value === 'string' && YAML_QUOTE_TOO.test(n.value)) n.type = 'QUOTE_DOUBLE'; } });
  return doc.toString();
}

/** IPv6 addresses in brackets before a port, as in URLs (`[::1]:443`). */
const hostPort = (host: unknown, port: unknown): string => `${String(host).includes(':') ? `[${host}]` : host}:${port}`;

/**
 * A value as a table cell: control characters (from a capture: a server name, a path) escaped, so
 * a newline does not break the row and an escape sequence does not reach the terminal.
 */
const cellText = (v: string): string => v.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** Columns a string takes on a terminal: combining marks none, East Asian wide characters two. */
function displayWidth(s: string): number {
  if (/^[\x20-\x7e]*$/.test(s)) return s.length;
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (/\p{M}/u.test(ch) || c === 0x200b) continue;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff)
      || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1faff)
      || (c >= 0x20000 && c <= 0x3fffd) ? 2 : 1;
  }
  return w;
}

function table(rows: OutputRecord[]): string {
  const cols: [string, (r: OutputRecord) => string][] = [
    ['stream', (r) => `${r.transport}/${r.stream}`],
    ['client', (r) => hostPort(r.src, r.src_port)],
    ['server', (r) => hostPort(r.dst, r.dst_port)],
    ['sni', (r) => String(r.tls_server_name ?? '')],
    ['ja4', (r) => String(r.ja4 ?? '')],
    ['ja4s', (r) => String(r.ja4s ?? '')],
    ['ja3', (r) => String(r.ja3 ?? '')],
    ['ja4t', (r) => String(r.ja4t ?? '')],
    ['ja4h', (r) => ((r.http as { ja4h: string }[] | undefined) ?? []).map((h) => h.ja4h)[0] ?? ''],
  ];
  // Several files: the same stream numbers recur, so say which file each row is from.
  if (rows.some((r) => r.file !== undefined)) cols.unshift(['file', (r) => String(r.file ?? '')]);
  const cells = rows.map((r) => cols.map(([, f]) => cellText(f(r))));
  // A loop, not Math.max(...column): spreading 150,000+ rows overflowed the stack.
  const widths = cols.map(([h]) => h.length);
  for (const c of cells) c.forEach((v, i) => { widths[i] = Math.max(widths[i]!, displayWidth(v)); });
  const line = (c: string[]): string => c.map((v, i) => v + ' '.repeat(widths[i]! - displayWidth(v))).join('  ').trimEnd();
  return [line(cols.map(([h]) => h)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n' + `${rows.length} conversation${rows.length === 1 ? '' : 's'}\n`;
}
