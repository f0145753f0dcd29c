import { defaultDataDir } from '../../services/data-dir.js';
import { startListener } from '../../services/listener/index.js';
import { parseArgs } from '../args.js';
import { CliError } from '../cli-error.js';

export const LISTEN_USAGE = `helloscope listen [--host 127.0.0.1] [--port 8443] [--cert cert.pem --key key.pem] [--data-dir DIR] [--window-mb 50]
  Runs the TLS echo listener: point any client at https://HOST:PORT/ (or /fps, /stats,
  POST /v1/tls/fingerprint) and it answers with that client's own fingerprints. Certificates
  (ECDSA, and RSA for clients that offer only RSA cipher suites) for localhost, 127.0.0.1 and
  ::1 are generated on first run in the data directory
  (default ~/.config/helloscope, or $XDG_CONFIG_HOME/helloscope). /stats and /fps?all=1 consider
  the most recent --window-mb megabytes of observations (50). Ctrl-C stops.`;

export async function listenCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { boolean: ['help'], valued: ['host', 'port', 'cert', 'key', 'data-dir', 'window-mb'] });
  if (args.flags.has('help')) { process.stdout.write(LISTEN_USAGE + '\n'); return 0; }
  const portArg = args.flags.get('port');
  // Digits only: Number('') is 0 (a random port) and Number('0x1bb') is 443.
  const port = portArg === undefined ? 8443 : typeof portArg === 'string' && /^\d{1,5}$/.test(portArg) ? Number(portArg) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('--port must be a number from 0 to 65535', 2);
  const get = (k: string): string | undefined => { const v = args.flags.get(k); return typeof v === 'string' ? v : undefined; };
  const windowArg = get('window-mb');
  const windowMb = windowArg === undefined ? undefined : /^\d+(\.\d+)?$/.test(windowArg) ? Number(windowArg) : NaN;
  if (windowMb !== undefined && !(windowMb > 0 && windowMb <= 16384)) throw new CliError('--window-mb must be a number of megabytes above 0 (at most 16384)', 2);
  let h;
  try {
    h = await startListener({
      host: get('host') ?? '127.0.0.1', port, dataDir: get('data-dir') ?? defaultDataDir(),
      ...(get('cert') ? { cert: get('cert')! } : {}), ...(get('key') ? { key: get('key')! } : {}),
      ...(windowMb !== undefined ? { windowBytes: Math.round(windowMb * 1024 * 1024) } : {}),
      warn: (m) => process.stderr.write(`helloscope: warning: ${m}\n`),
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new CliError(`port ${port} is already in use`);
    if (err.code === 'EACCES') throw new CliError(`not allowed to listen on port ${port}`);
    throw new CliError(err.message);
  }
  // Signals are caught before the line that says where it listens: a script that reads that line
  // and sends SIGTERM at once got the default action (killed, no clean stop).
  const stopped = new Promise<void>((res) => {
    const stop = (): void => { process.off('SIGINT', stop); process.off('SIGTERM', stop); res(); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const shown = h.host.includes(':') ? `[${h.host}]` : h.host;
  process.stdout.write(`listening on https://${shown}:${h.port}/  (certificate SHA-256 ${h.certSha256}${h.certSha256Rsa ? `, RSA certificate ${h.certSha256Rsa}` : ''}; observations in ${h.store.path})\n`);
  // One line per observation; a connection that got no answer shows why instead of its request.
  h.subscribe(({ stored: x }) => process.stdout.write(`${new Date(x.time_ms).toISOString()} ${x.ip}:${x.port} ${x.ja4} ${x.incomplete ? `- (no answer: ${x.error})` : `${x.ja4h} ${x.user_agent ?? ''}`}\n`));
  await stopped;
  await h.stop();
  return 0;
}
