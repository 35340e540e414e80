/**
 * Flag parsing on Node's own util.parseArgs, with certops' rules on top: every unknown, repeated
 * or value-less flag is a UsageError that names the flag.
 */
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

export function parseFlags<S extends FlagSpecs>(command: string, args: readonly string[], specs: S): ParsedArgs<S> {
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
    if (!spec) throw new UsageError(`unknown flag ${token.rawName}`, command);
    if (Object.hasOwn(flags, token.name)) throw new UsageError(`--${token.name} is given more than once`, command);
    if (spec.type === 'boolean') {
      if (token.inlineValue) throw new UsageError(`--${token.name} takes no value`, command);
      flags[token.name] = true;
    } else {
      if (token.value === undefined) {
        throw new UsageError(`--${token.name} needs a value (for a value that starts with "-", write --${token.name}=VALUE)`, command);
      }
      flags[token.name] = token.value;
    }
  }
  return { flags: flags as ParsedFlags<S>, positionals };
}

/** Refuses positional arguments a command does not take. */
export function noPositionals(command: string, positionals: readonly string[]): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, command);
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
    values.get(name)?.push(value);
  }
  return { rest, values };
}
