import { CliError } from './cli-error.js';

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

/**
 * Minimal argv parser: `--flag`, `--flag value`, `--flag=value`, `-` as a positional (stdin).
 * `valued` lists flags that take a value; any other unknown flag is an error naming it.
 */
export function parseArgs(argv: readonly string[], known: { boolean: readonly string[]; valued: readonly string[] }): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { positionals.push(...argv.slice(i + 1)); break; }
    if (!a.startsWith('--') || a === '-') { positionals.push(a); continue; }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (known.valued.includes(name)) {
      const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new CliError(`--${name} needs a value`, 2);
      flags.set(name, v);
    } else if (known.boolean.includes(name)) {
      if (eq >= 0) throw new CliError(`--${name} takes no value`, 2);
      flags.set(name, true);
    } else {
      throw new CliError(`unknown option --${name}`, 2);
    }
  }
  return { positionals, flags };
}

export function oneOf<T extends string>(flag: string, value: string | true | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (value === true || !allowed.includes(value as T)) throw new CliError(`--${flag} must be one of ${allowed.join(', ')}`, 2);
  return value as T;
}
