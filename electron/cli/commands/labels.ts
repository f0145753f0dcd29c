import { defaultDataDir } from '../../services/data-dir.js';
import { LabelImportError, LabelStore } from '../../services/labels.js';
import { parseArgs } from '../args.js';
import { CliError } from '../cli-error.js';
import { readInput } from '../input.js';

export const LABELS_USAGE = `helloscope labels list|add <ja4> <label>|remove <ja4>|export|import <file|-> [--data-dir DIR]
  Your own labelled fingerprints, kept in the user data directory and used by hello, read and
  the listener before the bundled knowledge base. export prints JSON; import reads it back.`;

export async function labelsCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { boolean: ['help'], valued: ['data-dir'] });
  if (args.flags.has('help') || !args.positionals.length) { process.stdout.write(LABELS_USAGE + '\n'); return args.flags.has('help') ? 0 : 2; }
  const dir = typeof args.flags.get('data-dir') === 'string' ? (args.flags.get('data-dir') as string) : defaultDataDir();
  const [cmd, a, ...rest] = args.positionals;
  try {
    const store = new LabelStore(dir);
    if (cmd === 'list') process.stdout.write(JSON.stringify(store.list(), null, 2) + '\n');
    else if (cmd === 'add' && a && rest.length) process.stdout.write(JSON.stringify(store.add({ ja4: a, label: rest.join(' '), client: rest.join(' ') }), null, 2) + '\n');
    else if (cmd === 'remove' && a) { if (!store.remove(a)) throw new CliError(`no label for ${a}`); }
    else if (cmd === 'export') process.stdout.write(store.export());
    else if (cmd === 'import' && a) process.stdout.write(`${store.import(new TextDecoder().decode(await readInput(a)), a)} labels imported\n`);
    else throw new CliError(LABELS_USAGE, 2);
  } catch (e) {
    if (e instanceof LabelImportError) throw new CliError(e.message);
    // The data directory cannot be made or written (a file of that name, no permission).
    const code = (e as NodeJS.ErrnoException).code;
    if (code) throw new CliError(`cannot use the data directory ${dir}: ${(e as Error).message}`);
    throw e;
  }
  return 0;
}
