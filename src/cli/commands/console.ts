/**
 * `certops` with no command: the Ink console (`certops demo`, in demo.ts, opens it on the
 * sandboxes). It starts only when stdin and
 * stdout are terminals; otherwise it says which scripted commands do the same. Colour is switched
 * off before Ink loads when NO_COLOR, TERM=dumb or --no-color ask for it (chalk ignores NO_COLOR).
 */
import { parseDay, type Day } from '../../rules/calendar.js';
import { ConsoleServices } from '../../core/services.js';
import { Workspace } from '../../core/workspace.js';
import { noPositionals, parseFlags } from '../args.js';
import { configDirectory } from '../context.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { applyColourPolicy, loadScreens } from '../screens-loader.js';

export const summary = 'the console (also: certops with no command)';
export const help = `Usage: certops [--config-dir DIR] [--no-color]
       certops demo [--today YYYY-MM-DD]

The console: module setup (BILLmanager's wizard), connection checks, balances, the reissue
timeline, the reissues in flight, the manual tasks of the departments, the reissue policy and
the module logs. It needs a terminal (over SSH: ssh -t) that can move its cursor (not TERM=dumb).

certops demo starts the four providers' sandboxes and the console on a fresh temporary
configuration that already holds one module per provider, marked SANDBOX, with reissues at
several stages (certops demo --help).
`;

const SCRIPTED_COMMANDS = `  certops module list | show | add | edit | remove
  certops check --all        certops balance --all      certops sync
  certops timeline --within 30d    certops tasks          certops policy show
  certops debug
Run 'certops --help' for all of them.`;

export const NOT_A_TERMINAL = `the console needs a terminal (stdin and stdout must be a TTY; over SSH use ssh -t).
Without one, the scripted commands do the same work:
${SCRIPTED_COMMANDS}`;

/** A terminal that cannot move its cursor (Emacs' shell, a serial console): the console's frames would be garbage on it. */
export const DUMB_TERMINAL = `this terminal (TERM=dumb) cannot draw the console; use the scripted commands:
${SCRIPTED_COMMANDS}`;

const FLAGS = {
  'config-dir': { type: 'string' },
  'no-color': { type: 'boolean' },
  today: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ConsoleIo extends CliIo {
  readonly stdin?: { readonly isTTY?: boolean };
}

export function isInteractive(io: ConsoleIo): boolean {
  const stdin = io.stdin ?? process.stdin;
  return Boolean(stdin.isTTY) && Boolean(io.stdout.isTTY) && !io.env.CERTOPS_NO_INPUT;
}

/** The console until the operator leaves: 0 for q, 130 for Ctrl+C. */
async function start(services: ConsoleServices): Promise<number> {
  const { runConsole } = await loadScreens();
  return (await runConsole(services)) === 'interrupted' ? ExitCode.interrupted : ExitCode.ok;
}

/**
 * What the console and the demo both take from their arguments: the flags and the day given as
 * today, checked; or the exit code when there is nothing to start (help, no terminal). Colour is
 * decided here, before Ink loads.
 */
export function consoleArgs(command: 'console' | 'demo', args: readonly string[], io: ConsoleIo, helpText: string): { flags: { readonly 'config-dir'?: string | undefined }; today: Day | undefined } | number {
  const { flags, positionals } = parseFlags(command, args, FLAGS);
  if (flags.help) {
    io.stdout.write(helpText);
    return ExitCode.ok;
  }
  noPositionals(command, positionals);
  let today: Day | undefined;
  if (flags.today !== undefined) {
    const parsed = parseDay(flags.today);
    if (!parsed.ok) throw new UsageError(`--today: ${parsed.error}`, command);
    today = parsed.value;
  }
  if (!isInteractive(io)) {
    io.stderr.write(`certops: ${NOT_A_TERMINAL}\n`);
    return ExitCode.usage;
  }
  if (io.env.TERM === 'dumb') {
    io.stderr.write(`certops: ${DUMB_TERMINAL}\n`);
    return ExitCode.usage;
  }
  applyColourPolicy(flags['no-color'] ?? false);
  return { flags, today };
}

export async function run(args: readonly string[], io: ConsoleIo): Promise<number> {
  const parsed = consoleArgs('console', args, io, help);
  if (typeof parsed === 'number') return parsed;
  const { flags, today } = parsed;
  const workspace = new Workspace(configDirectory(flags['config-dir'], io.env, 'console'));
  // What a certops killed half-way through a write left (a temporary copy of the configuration, with its passwords).
  workspace.removeLeftovers();
  return start(new ConsoleServices(workspace, today ? { today } : {}));
}
