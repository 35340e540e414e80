/**
 * certops' folder under an XDG base directory: `$XDG_CONFIG_HOME/certops` or `~/.config/certops`,
 * `$XDG_CACHE_HOME/certops` or `~/.cache/certops`. A relative $XDG_* is ignored, as the XDG Base
 * Directory specification says. No imports beyond Node's: the console's loader uses it at start.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

const BASES = {
  config: { variable: 'XDG_CONFIG_HOME', fallback: '.config' },
  cache: { variable: 'XDG_CACHE_HOME', fallback: '.cache' },
} as const;

export function xdgFolder(kind: keyof typeof BASES, env: Readonly<Record<string, string | undefined>>): string {
  const { variable, fallback } = BASES[kind];
  const base = env[variable];
  return join(base && base.startsWith('/') ? base : join(homedir(), fallback), 'certops');
}
