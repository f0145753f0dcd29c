// The `helloscope` command: the same core and services as the desktop app, for headless use.
import { installNodeHashes } from '../node/native-hashes.js';
import { CliError } from './cli-error.js';
import { HELLO_USAGE, helloCommand } from './commands/hello.js';
import { DIFF_USAGE, diffCommand } from './commands/diff.js';
import { HTTP_USAGE, httpCommand } from './commands/http.js';
import { LABELS_USAGE, labelsCommand } from './commands/labels.js';
import { LISTEN_USAGE, listenCommand } from './commands/listen.js';
import { READ_USAGE, readCommand } from './commands/read.js';

type Command = (argv: readonly string[]) => Promise<number>;

const COMMANDS: Record<string, { run: Command; usage: string }> = {
  hello: { run: helloCommand, usage: HELLO_USAGE },
  read: { run: readCommand, usage: READ_USAGE },
  http: { run: httpCommand, usage: HTTP_USAGE },
  listen: { run: listenCommand, usage: LISTEN_USAGE },
  labels: { run: labelsCommand, usage: LABELS_USAGE },
  diff: { run: diffCommand, usage: DIFF_USAGE },
};

const USAGE = `usage: helloscope <command> [options]

commands:
${Object.values(COMMANDS).map((c) => '  ' + c.usage.split('\n')[0]).join('\n')}

Run helloscope <command> --help for details.`;

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  // No command: the usage is the error (stderr, exit 2); asked for: stdout, exit 0.
  if (!name) { process.stderr.write(USAGE + '\n'); return 2; }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' && rest[0] ? COMMANDS[rest[0]] : undefined;
    process.stdout.write((topic ? topic.usage : USAGE) + '\n');
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) throw new CliError(`unknown command ${JSON.stringify(name)}\n${USAGE}`, 2);
  // `-h` anywhere before `--` is help, as with --help (not a file named -h).
  const end = rest.indexOf('--');
  if ((end < 0 ? rest : rest.slice(0, end)).includes('-h')) { process.stdout.write(cmd.usage + '\n'); return 0; }
  return cmd.run(rest);
}

installNodeHashes();
// `helloscope read big.pcap | head`: the reader went away; stop quietly, as Unix tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  process.stderr.write(`helloscope: cannot write the output: ${e.message}\n`);
  process.exit(74);
});
main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof CliError) {
      process.stderr.write(`helloscope: ${e.message}\n`);
      process.exitCode = e.exitCode;
    } else {
      process.stderr.write(`helloscope: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 70;
    }
  },
);
