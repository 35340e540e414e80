/**
 * Flag parsing on Node's own util.parseArgs, with certops' rules on top: every unknown, repeated
 * or value-less flag is a UsageError that names the flag.
 */
import { escapeControl, quoted } from '../rules/control-characters.js';
import { parseArgs } from 'node:util';
import { UsageError } from './exit-codes.js';

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
}
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export type ParsedFlags<S extends FlagSpecs> = {
  [K in keyof S]?: S[K]['type'] extends 'boolean' ? boolean : string;
};

export interface ParsedArgs<S extends FlagSpecs> {
  readonly flags: ParsedFlags<S>;
  readonly positionals: readonly string[];
}

/** `repeated`: the flags takeRepeated took out before, offered too when a flag is mistyped. */
export function parseFlags<S extends FlagSpecs>(command: string, args: readonly string[], specs: S, repeated: readonly string[] = []): ParsedArgs<S> {
  // Non-strict parsing with tokens lets certops word its own errors instead of Node's generic ones.
  const { tokens } = parseArgs({ args: [...args], options: specs as never, strict: false, allowPositionals: true, tokens: true });
  const flags: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const spec = Object.hasOwn(specs, token.name) ? specs[token.name] : undefined;
    if (!spec) {
      const known = [...Object.entries(specs).flatMap(([name, { short }]) => [`--${name}`, ...(short ? [`-${short}`] : [])]), ...repeated.map((name) => `--${name}`)];
      throw new UsageError(`unknown flag ${escapeControl(token.rawName)}${didYouMean(token.rawName, known)}`, command);
    }
    if (Object.hasOwn(flags, token.name)) throw new UsageError(`--${token.name} is given more than once`, command);
    if (spec.type === 'boolean') {
      if (token.inlineValue) throw new UsageError(`--${token.name} takes no value`, command);
      flags[token.name] = true;
    } else {
      // util.parseArgs takes the next word as the value even when it is a flag (`--department
      // --json`): a value that looks like a flag counts only written --flag=VALUE (a negative
      // number, or "-" for stdin, is a value).
      if (token.value === undefined || (!token.inlineValue && /^--?[^\d-]/.test(token.value))) {
        throw new UsageError(`--${token.name} needs a value (for a value that starts with "-", write --${token.name}=VALUE)`, command);
      }
      refuseEmpty(token.name, token.value, command);
      flags[token.name] = token.value;
    }
  }
  return { flags: flags as ParsedFlags<S>, positionals };
}

/**
 * An empty value is a usage error on every flag: it is what an unset shell variable gives
 * (`--min-balance "$MIN"`), and taking it as "unset" or "default" would quietly change what the
 * command does. The keyword `none` unsets a setting where a flag allows it.
 */
function refuseEmpty(name: string, value: string, command: string): void {
  if (value.trim() === '') throw new UsageError(`--${name} is empty; give a value (an unset shell variable expands to nothing), or leave the flag out`, command);
}

/** Refuses positional arguments a command does not take. */
export function noPositionals(command: string, positionals: readonly string[]): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${quoted(positionals[0] as string)}`, command);
}

/** Flags that may be given more than once (--module A --module B), taken out before parseFlags. */
export function takeRepeated(command: string, args: readonly string[], names: readonly string[]): { rest: string[]; values: Map<string, string[]> } {
  const values = new Map(names.map((name) => [name, [] as string[]]));
  const rest: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    const name = names.find((n) => arg === `--${n}` || arg.startsWith(`--${n}=`));
    if (name === undefined) {
      rest.push(arg);
      continue;
    }
    let value: string | undefined;
    if (arg.startsWith(`--${name}=`)) value = arg.slice(name.length + 3);
    else {
      const next = args[i + 1];
      if (next === undefined || next.startsWith('-')) {
        throw new UsageError(`--${name} needs a value (for a value that starts with "-", write --${name}=VALUE)`, command);
      }
      value = next;
      i += 1;
    }
    refuseEmpty(name, value, command);
    values.get(name)?.push(value);
  }
  return { rest, values };
}

/**
 * The edit distance of two words (optimal string alignment: insertions, deletions, substitutions
 * and swaps of two neighbours each count 1), for "did you mean".
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const row = rows[i] as number[];
      const above = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((rows[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * ` (did you mean "X"?)` for the known word nearest a mistyped one, or "" when none is near: at
 * most one edit in a short word, two in a longer one, or the start of exactly one known word.
 */
export function didYouMean(given: string, known: readonly string[]): string {
  const typed = given.toLowerCase();
  if (typed.replace(/^-+/, '').length === 0) return '';
  const allowed = typed.replace(/^-+/, '').length <= 4 ? 1 : 2;
  let best: { word: string; distance: number } | null = null;
  for (const word of known) {
    const distance = editDistance(typed, word.toLowerCase());
    if (distance <= allowed && (best === null || distance < best.distance)) best = { word, distance };
  }
  if (best === null) {
    const prefixed = known.filter((word) => typed.length >= 3 && word.toLowerCase().startsWith(typed));
    if (prefixed.length === 1) best = { word: prefixed[0] as string, distance: 0 };
  }
  return best === null ? '' : ` (did you mean "${best.word}"?)`;
}
