/**
 * certops' command dispatcher. Each command lives in its own module and is imported only when it
 * runs, so `certops --version` and scripted commands never load what they do not use (the Ink
 * console, when it arrives, stays out of their way the same way).
 */
import { escapeControl, quoted } from '../rules/control-characters.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { didYouMean } from './args.js';
import { exitCodeOfFailure } from './failure.js';
import type { CliIo } from './io.js';

declare const __CERTOPS_VERSION__: string;
/** The console's own bundle, relative to this one; defined by scripts/build.mjs, absent in tests. */
declare const __CERTOPS_CONSOLE_MAIN__: string | undefined;
export const VERSION = __CERTOPS_VERSION__;

export interface Command {
  readonly summary: string;
  readonly help: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

const COMMANDS: Readonly<Record<string, { summary: string; load: () => Promise<Command> }>> = {
  console: { summary: 'the console (also: certops with no command)', load: () => import('./commands/console.js') },
  demo: { summary: "the console on the providers' sandboxes, with a demo configuration", load: () => import('./commands/demo.js') },
  module: { summary: 'add, list, show, edit or remove processing modules', load: () => import('./commands/module.js') },
  check: { summary: 'check the connection of processing modules', load: () => import('./commands/check.js') },
  balance: { summary: 'balances against the processing module minimal balance', load: () => import('./commands/balance.js') },
  sync: { summary: 'refresh the certificate inventory from the providers', load: () => import('./commands/sync.js') },
  timeline: { summary: 'certificates due for reissue (table, JSON, CSV, iCalendar)', load: () => import('./commands/timeline.js') },
  tasks: { summary: 'manual tasks per department: list, filter, close', load: () => import('./commands/tasks.js') },
  metrics: { summary: 'Prometheus metrics for node_exporter (balances, checks, expirations, tasks)', load: () => import('./commands/metrics.js') },
  policy: { summary: 'show or set the reissue policy (SSLSubscriptionPolicy/Before)', load: () => import('./commands/policy.js') },
  config: { summary: 'import or export billmgr.conf and debug.conf lines', load: () => import('./commands/config.js') },
  debug: { summary: 'set the debug level (0-9) of a module log', load: () => import('./commands/debug.js') },
  messages: { summary: 'message templates, department addresses, SMTP, outbox', load: () => import('./commands/messages.js') },
  reissue: { summary: 'carry out the reissue policy for certificates whose action date has come', load: () => import('./commands/reissue.js') },
  plan: { summary: 'project the certificates of an SSL subscription up to paid until', load: () => import('./commands/plan.js') },
  sandbox: { summary: 'run local sandbox servers of the providers', load: () => import('./commands/sandbox.js') },
};

export const HELP = `certops ${VERSION}: set up and run the SSL-certificate processing modules of a hosting
billing (LeaderTelecom, Ispmanager (SSL), GlobalSign, eNom).

Usage: certops [global flags]                    the console (needs a terminal)
       certops [global flags] <command> [flags]  scripted commands

Commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(10)} ${summary}`)
  .join('\n')}

Global flags (before or after the command):
  --config-dir DIR   the configuration folder (default: $CERTOPS_CONFIG_DIR, else ~/.config/certops)
  --json             print JSON, where the command has a JSON output (shapes in docs/commands/)
  --no-color         no colour (also NO_COLOR=1)
  -h, --help         show help (also after a command: certops plan --help)
  -v, --version      print the version (alone: certops -v)

Exit codes: 0 ok, 1 problem found, 2 usage error, 3 configuration problem, 4 a provider
could not be reached or did not answer as its API does, 5 another certops process held a lock
too long, 130 interrupted (Ctrl+C). A closed output pipe (certops timeline | head) is exit 0.
The table: README.md, "Exit codes".
`;

/** The console's own flags: given without a command, they start the console. */
const CONSOLE_FLAGS = ['--today'];

/** Commands whose output can have colour; for the others --no-color has nothing to turn off. */
const COLOURED: ReadonlySet<string> = new Set(['console', 'demo']);
/** Commands that keep no configuration: a global --config-dir has nothing to point at. */
const NO_CONFIG: ReadonlySet<string> = new Set(['plan', 'sandbox']);

interface GlobalFlags {
  configDir?: string;
  json?: true;
  noColor?: true;
}

/**
 * Takes the global flags out of the arguments, wherever they stand before a `--`, as gh and
 * kubectl do (`certops --config-dir D module list`, `certops module list --json`).
 */
function takeGlobals(args: readonly string[]): { globals: GlobalFlags; rest: string[] } {
  const globals: GlobalFlags = {};
  const rest: string[] = [];
  const once = (present: boolean, flag: string) => {
    if (present) throw new UsageError(`${flag} is given more than once`);
  };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (arg === '--json') {
      once(globals.json !== undefined, '--json');
      globals.json = true;
    } else if (arg === '--no-color') {
      once(globals.noColor !== undefined, '--no-color');
      globals.noColor = true;
    } else if (arg === '--config-dir' || arg.startsWith('--config-dir=')) {
      once(globals.configDir !== undefined, '--config-dir');
      if (arg.startsWith('--config-dir=')) globals.configDir = arg.slice('--config-dir='.length);
      else {
        const value = args[i + 1];
        if (value === undefined || value.startsWith('-')) throw new UsageError('--config-dir needs a value (for a value that starts with "-", write --config-dir=VALUE)');
        globals.configDir = value;
        i += 1;
      }
    } else rest.push(arg);
  }
  return { globals, rest };
}

/**
 * The global flags a command takes, put back before its first flag: after the subcommand and names
 * it dispatches on, and never after a flag that takes a value, whose value they would become
 * (`module edit NAME --department --config-dir D` once set the department to "--config-dir=D").
 */
function withGlobals(command: string, args: readonly string[], globals: GlobalFlags): string[] {
  const flags = [
    ...(globals.configDir !== undefined && !NO_CONFIG.has(command) ? [`--config-dir=${globals.configDir}`] : []),
    ...(globals.json ? ['--json'] : []),
    ...(globals.noColor && COLOURED.has(command) ? ['--no-color'] : []),
  ];
  const at = args.findIndex((arg) => arg.startsWith('-') && arg !== '-');
  return at === -1 ? [...args, ...flags] : [...args.slice(0, at), ...flags, ...args.slice(at)];
}

/** Commands whose first word is a subcommand (module edit, reissue run), named with it in messages. */
const WITH_SUBCOMMANDS: ReadonlySet<string> = new Set(['module', 'reissue', 'tasks', 'config', 'policy', 'messages']);

/** The command as messages name it ("timeline", "reissue run"), from the process arguments. */
export function commandLabel(args: readonly string[]): string {
  let rest: string[];
  try {
    rest = takeGlobals(args).rest;
  } catch {
    return 'console';
  }
  const [head, next] = rest;
  if (head === undefined || head.startsWith('-')) return 'console';
  return WITH_SUBCOMMANDS.has(head) && next !== undefined && /^[a-z][a-z-]*$/.test(next) ? `${head} ${next}` : head;
}

export async function main(args: readonly string[], io: CliIo): Promise<number> {
  let first: string | undefined;
  try {
    const { globals, rest: argv } = takeGlobals(args);
    const [head, ...tail] = argv;
    if (head === '--version' || head === '-v') {
      // Alone only: `certops -v module list` must not print the version and skip the command.
      if (args.length > 1) {
        const rest = args.filter((arg) => arg !== head);
        throw new UsageError(`${head} is --version and stands alone; certops has no verbose flag${rest.length > 0 ? ` (did you mean "certops ${escapeControl(rest.join(' '))}"?)` : ''}`);
      }
      io.stdout.write(`certops ${VERSION}\n`);
      return ExitCode.ok;
    }
    if (head === '--help' || head === '-h' || head === 'help') {
      const topic = tail.find((arg) => !arg.startsWith('-'));
      if (topic !== undefined && Object.hasOwn(COMMANDS, topic)) return await main([topic, '--help'], io);
      if (topic !== undefined) throw new UsageError(`unknown command ${quoted(topic)}${didYouMean(topic, Object.keys(COMMANDS))}`);
      io.stdout.write(HELP);
      return ExitCode.ok;
    }
    // No command, or only the console's own flags (--today): the console.
    const command = head === undefined || CONSOLE_FLAGS.some((flag) => head === flag || head.startsWith(`${flag}=`)) ? ['console', ...argv] : argv;
    first = command[0] as string;
    const entry = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
    if (!entry) {
      if (first.startsWith('-')) throw new UsageError(`unknown flag ${escapeControl(first)}${didYouMean(first, ['--config-dir', '--json', '--no-color', '--help', '--version', ...CONSOLE_FLAGS])}`);
      throw new UsageError(`unknown command ${quoted(first)}${didYouMean(first, Object.keys(COMMANDS))}`);
    }
    const rest = withGlobals(first, command.slice(1), globals);
    if (first === 'console' && io.stdout.isTTY === true && process.stdin.isTTY === true && !rest.some((arg) => arg === '--help' || arg === '-h')) {
      // The built console runs from its own bundle (dist/console-main.js, see src/cli/console-main.ts);
      // from source (the tests), the same entry is imported directly.
      const { consoleMain } =
        typeof __CERTOPS_CONSOLE_MAIN__ === 'string'
          ? ((await import(new URL(__CERTOPS_CONSOLE_MAIN__, import.meta.url).href)) as typeof import('./console-main.js'))
          : await import('./console-main.js');
      return await consoleMain(rest, io);
    }
    const loaded = await entry.load();
    return await loaded.run(rest, io);
  } catch (error) {
    // Named with its subcommand (certops module edit: …), as its usage errors are.
    return await exitCodeOfFailure(error, io, first === undefined ? 'certops' : commandLabel(args));
  }
}
