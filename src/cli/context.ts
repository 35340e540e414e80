/**
 * What every scripted command shares: the workspace from --config-dir, secrets read without argv,
 * the mapping of core errors to exit codes and flag names, JSON output, and confirmations that
 * never wait for input without a terminal.
 */
import { readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { ConfigError, resolveConfigDirectory } from '../core/store.js';
import { ModuleInputError, ModuleNotFoundError, type FieldIssue } from '../core/modules.js';
import { Workspace } from '../core/workspace.js';
import { providerModule } from '../providers/registry.js';
import type { ProviderId } from '../providers/catalog.js';
import { ProviderError } from '../providers/types.js';
import { ExitCode, UsageError } from './exit-codes.js';
import type { CliIo } from './io.js';

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

export function openWorkspace(flags: { readonly 'config-dir'?: string | undefined }, io: CliIo): Workspace {
  const workspace = new Workspace(resolveConfigDirectory(flags['config-dir'], io.env));
  for (const warning of workspace.store.permissionWarnings()) io.stderr.write(`warning: ${warning}\n`);
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
    io.stderr.write(`certops ${command}: ${error.message}\n`);
    return ExitCode.config;
  }
  if (error instanceof ModuleNotFoundError) {
    io.stderr.write(`certops ${command}: ${error.message}\n`);
    return ExitCode.usage;
  }
  if (error instanceof ProviderError) {
    io.stderr.write(`certops ${command}: ${error.message}\n`);
    return error.failure === 'configuration' ? ExitCode.config : ExitCode.network;
  }
  return null;
}

/**
 * The password of a module, never from argv: --password-stdin, --password-file or CERTOPS_PASSWORD
 * (least safe: inherited by child processes). One trailing newline is dropped; nothing else.
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
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
    secret = Buffer.concat(chunks).toString('utf8');
  } else if (flags['password-file']) {
    const file = flags['password-file'];
    try {
      secret = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`--password-file: ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, command);
    }
    if ((statSync(file).mode & 0o077) !== 0) io.stderr.write(`warning: ${file} is readable by other users; chmod 600 ${file}\n`);
  } else if (io.env[envVariable] !== undefined) {
    secret = io.env[envVariable];
  }
  if (secret === undefined) return undefined;
  secret = secret.replace(/\r?\n$/, '');
  if (secret === '') throw new UsageError('the password given is empty', command);
  return secret;
}

/** Refuses `--password VALUE`: it would land in shell history and `ps`. */
export function refusePlainPassword(args: readonly string[], command: string, envVariable = 'CERTOPS_PASSWORD'): void {
  if (args.some((arg) => arg === '--password' || arg.startsWith('--password='))) {
    throw new UsageError(`a password is never given as an argument (it would show in shell history and ps); use --password-stdin, --password-file FILE or ${envVariable}`, command);
  }
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
