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
