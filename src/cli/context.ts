/**
 * What every scripted command shares: the workspace from --config-dir, secrets read without argv,
 * the mapping of core errors to exit codes and flag names, JSON output, and confirmations that
 * never wait for input without a terminal.
 */
import { statSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { ConfigError, configDirectoryProblem, configDirectorySource, resolveConfigDirectory } from '../core/store.js';
import { InputFileError, readInputFile, readInputStream } from '../core/input-file.js';
import { ModuleInputError, ModuleNotFoundError, type FieldIssue } from '../core/modules.js';
import { Workspace } from '../core/workspace.js';
import { LockBusyError } from '../core/file-lock.js';
import { providerModule } from '../providers/registry.js';
import type { ProviderId } from '../providers/catalog.js';
import { ProviderError } from '../providers/types.js';
import { ExitCode, exitCodeOfCause, UsageError } from './exit-codes.js';
import type { CliIo } from './io.js';
import { printableMessage, quoted } from '../rules/control-characters.js';

/** Flags every workspace command takes. */
export const WORKSPACE_FLAGS = {
  'config-dir': { type: 'string' },
  json: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const WORKSPACE_HELP = `  --config-dir DIR     the configuration folder (default: $CERTOPS_CONFIG_DIR, else ~/.config/certops)
  --json               print JSON (shapes in docs/commands/)
  --no-color           no colour (also NO_COLOR=1)
  -h, --help           show this help`;

/**
 * The configuration folder of --config-dir, CERTOPS_CONFIG_DIR or the default. Given but empty (an
 * unset shell variable) is a usage error rather than the home configuration; a folder that is not
 * one, or is on /proc or /sys, is refused before anything waits on it or reads from it.
 */
export function configDirectory(flag: string | undefined, env: CliIo['env'], command: string): string {
  const { source, empty } = configDirectorySource(flag, env);
  if (empty) {
    throw new UsageError(
      source === '--config-dir'
        ? '--config-dir is empty; give a folder (an unset shell variable expands to nothing), or leave the flag out for the default'
        : 'CERTOPS_CONFIG_DIR is set but empty; give it a folder, or unset it for the default',
      command,
    );
  }
  const directory = resolveConfigDirectory(flag, env);
  const problem = configDirectoryProblem(directory);
  if (problem !== null) {
    if (source === 'default') throw new ConfigError(directory, `the configuration folder ${problem}`);
    throw new UsageError(`${source}: ${problem}`, command);
  }
  return directory;
}

/** --wait, for the commands that change what certops keeps (each change is made under a file lock). */
export const WAIT_FLAG = { wait: { type: 'string' } } as const;
export const WAIT_HELP = `  --wait SECONDS       wait up to SECONDS for another certops process that is changing the
                       same files (default 30; 0: not at all); then exit 5`;

/** --wait SECONDS in milliseconds; null when not given (each lock's own default). */
export function waitOf(value: string | undefined, command: string): number | null {
  if (value === undefined) return null;
  if (!/^\d{1,4}$/.test(value)) throw new UsageError(`--wait: must be a whole number of seconds from 0 to 9999 (got ${quoted(value)})`, command);
  return Number(value) * 1000;
}

/** `command` is required: a refused folder or --wait says "certops <command>:", as the command's other errors do. */
export function openWorkspace(flags: { readonly 'config-dir'?: string | undefined; readonly wait?: string | undefined }, io: CliIo, command: string): Workspace {
  const workspace = new Workspace(configDirectory(flags['config-dir'], io.env, command), waitOf(flags.wait, command));
  for (const warning of workspace.store.permissionWarnings()) io.stderr.write(`warning: ${warning}\n`);
  // What a certops killed half-way through a write left (a temporary copy of the configuration, with its passwords).
  workspace.removeLeftovers();
  return workspace;
}

/** The flag a module field is set with, for messages that name what to fix. */
export function flagOf(issue: Pick<FieldIssue, 'section' | 'field'>, provider: ProviderId): string {
  const parameters: Record<string, string> = { name: 'name', department: 'department', sort: 'sort', minimalBalance: 'min-balance', dataCenter: 'data-center' };
  const network: Record<string, string> = { endpoint: 'endpoint', caFile: 'ca-file', connectTimeoutMs: 'connect-timeout', totalTimeoutMs: 'timeout' };
  if (issue.section === 'parameters') return `--${parameters[issue.field] ?? issue.field}`;
  if (issue.section === 'network') return `--${network[issue.field] ?? issue.field}`;
  const field = providerModule(provider).fields.find((f) => f.key === issue.field);
  if (field?.kind === 'secret') return '--password-stdin / --password-file / CERTOPS_PASSWORD';
  return `--${field?.flag ?? issue.field}`;
}

/** A ModuleInputError as a usage error whose lines name the flags. */
export function moduleInputUsage(error: ModuleInputError, provider: ProviderId, command: string): UsageError {
  return new UsageError(error.issues.map((issue) => `${flagOf(issue, provider)}: ${issue.message}`).join('\n  '), command);
}

/** Maps what the core throws to certops' exit codes, writing the message. Returns null for bugs. */
export function exitCodeFor(error: unknown, io: CliIo, command: string): number | null {
  if (error instanceof ConfigError) {
    io.stderr.write(`certops ${command}: ${printableMessage(error.message)}\n`);
    return ExitCode.config;
  }
  // Checked before anything that might wrap it: waiting for a lock is never a configuration problem.
  if (error instanceof LockBusyError) {
    io.stderr.write(`certops ${command}: ${printableMessage(error.message)}\n`);
    return ExitCode.busy;
  }
  if (error instanceof InterruptedError) {
    io.stderr.write(`certops ${command}: ${printableMessage(error.message)}\n`);
    return ExitCode.interrupted;
  }
  if (error instanceof ModuleNotFoundError) {
    io.stderr.write(`certops ${command}: ${printableMessage(error.message)}\n`);
    return ExitCode.usage;
  }
  if (error instanceof ProviderError) {
    io.stderr.write(`certops ${command}: ${printableMessage(error.message)}\n`);
    return exitCodeOfCause(error.failure);
  }
  return null;
}

/** No password is this long; a larger input is the wrong file or stream (/dev/urandom, say). */
const MAX_SECRET_BYTES = 64 * 1024;

/**
 * The password of a module, never from argv: --password-stdin, --password-file or CERTOPS_PASSWORD
 * (least safe: inherited by child processes). One trailing newline (LF or CRLF) is dropped; a line
 * break left inside is refused.
 * `envVariable` names another variable for another secret (CERTOPS_SMTP_PASSWORD).
 */
export async function readSecret(
  flags: { readonly 'password-stdin'?: boolean | undefined; readonly 'password-file'?: string | undefined },
  io: CliIo & { readonly stdin?: NodeJS.ReadableStream & { isTTY?: boolean } },
  command: string,
  envVariable = 'CERTOPS_PASSWORD',
): Promise<string | undefined> {
  const sources = [flags['password-stdin'] ? 'stdin' : null, flags['password-file'] ? 'file' : null].filter(Boolean);
  if (sources.length > 1) throw new UsageError('give the password one way: --password-stdin or --password-file', command);
  let secret: string | undefined;
  if (flags['password-stdin']) {
    const stdin = io.stdin ?? process.stdin;
    if ((stdin as { isTTY?: boolean }).isTTY) throw new UsageError('--password-stdin reads a pipe, e.g. `pass show billing/enom | certops ...`; this is a terminal', command);
    try {
      secret = await readInputStream(stdin, MAX_SECRET_BYTES, 'the password on stdin');
    } catch (error) {
      if (error instanceof InputFileError) throw new UsageError(`--password-stdin: ${error.message}`, command);
      throw error;
    }
  } else if (flags['password-file']) {
    const file = flags['password-file'];
    try {
      secret = readInputFile(file, MAX_SECRET_BYTES);
    } catch (error) {
      if (error instanceof InputFileError) throw new UsageError(`--password-file: ${error.message}`, command);
      throw error;
    }
    if ((statSync(file).mode & 0o077) !== 0) io.stderr.write(`warning: ${file} is readable by other users; chmod 600 ${file}\n`);
  } else if (io.env[envVariable] !== undefined) {
    secret = io.env[envVariable];
  }
  if (secret === undefined) return undefined;
  secret = secret.replace(/\r?\n$/, '');
  if (secret === '') throw new UsageError('the password given is empty', command);
  // No provider's password has a line break: one here is the rest of a multi-line `pass` entry, or a
  // CRLF file, and would be refused by the provider as "credentials rejected" with no hint why.
  if (/[\r\n]/.test(secret)) {
    const from = flags['password-stdin'] ? '--password-stdin' : flags['password-file'] ? '--password-file' : envVariable;
    throw new UsageError(`${from}: the password has a line break inside (or a CR of a CRLF line end); give its first line only, e.g. \`pass show billing/enom | head -1 | certops ...\` (pass keeps notes on the lines after the password)`, command);
  }
  return secret;
}

/** Ctrl+C at a question certops asked on the terminal: exit 130, nothing changed. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
}

/**
 * Asks for a secret on the terminal with nothing echoed, as `gh auth login` does: only when both
 * stdin and stderr are a terminal (a script never waits on a question), else undefined. Enter
 * ends it, Backspace and Ctrl+U edit it, Ctrl+D on an empty answer gives up (undefined), Ctrl+C
 * throws InterruptedError.
 */
export async function askSecret(io: CliIo & { readonly stdin?: NodeJS.ReadableStream & { isTTY?: boolean } }, prompt: string): Promise<string | undefined> {
  const stdin = (io.stdin ?? process.stdin) as NodeJS.ReadableStream & { isTTY?: boolean; isRaw?: boolean; setRawMode?: (mode: boolean) => unknown };
  if (stdin.isTTY !== true || io.stderr.isTTY !== true || typeof stdin.setRawMode !== 'function') return undefined;
  const setRawMode = stdin.setRawMode.bind(stdin);
  const wasRaw = stdin.isRaw === true;
  // Echo off before the question shows: an answer typed as soon as it appears is never echoed.
  setRawMode(true);
  io.stderr.write(prompt);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let secret = '';
    const finish = (end: () => void) => {
      stdin.off('data', onData);
      setRawMode(wasRaw);
      stdin.pause();
      io.stderr.write('\n');
      end();
    };
    function onData(chunk: Buffer | string) {
      // Raw mode: each key as it is typed (a paste arrives as one chunk).
      for (const character of String(chunk)) {
        if (character === '\r' || character === '\n') return finish(() => resolve(secret));
        if (character === '\u0003') return finish(() => reject(new InterruptedError('interrupted: nothing changed')));
        if (character === '\u0004') {
          if (secret === '') return finish(() => resolve(undefined));
        } else if (character === '\u007f' || character === '\b') secret = [...secret].slice(0, -1).join('');
        else if (character === '\u0015') secret = '';
        else if (character >= ' ') secret += character;
      }
      return undefined;
    }
    stdin.on('data', onData);
  });
}

/** Refuses `--password VALUE`: it would land in shell history and `ps`. */
export function refusePlainPassword(args: readonly string[], command: string, envVariable = 'CERTOPS_PASSWORD'): void {
  if (args.some((arg) => arg === '--password' || arg.startsWith('--password='))) {
    throw new UsageError(`a password is never given as an argument (it would show in shell history and ps); use --password-stdin, --password-file FILE or ${envVariable}`, command);
  }
}

/**
 * A secret in JSON: `{"set": true}` when there is one, null when not. Never the mask a terminal
 * shows (a script comparing "••••" would break the day the mask changes), never the secret.
 */
export function secretJson(present: boolean): { readonly set: true } | null {
  return present ? { set: true } : null;
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Asks before something destructive: --yes answers; without a terminal it never waits, it refuses. */
export async function confirm(io: CliIo & { readonly stdin?: NodeJS.ReadableStream & { isTTY?: boolean } }, question: string, yes: boolean, command: string): Promise<boolean> {
  if (yes) return true;
  const stdin = io.stdin ?? process.stdin;
  if (!(stdin as { isTTY?: boolean }).isTTY || !io.stderr.isTTY) throw new UsageError(`${question}: add --yes to confirm (there is no terminal to ask on)`, command);
  const rl = createInterface({ input: stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question}? [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
