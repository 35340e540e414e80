/**
 * certops' command dispatcher. Each command lives in its own module and is imported only when it
 * runs, so `certops --version` and scripted commands never load what they do not use (the Ink
 * console, when it arrives, stays out of their way the same way).
 */
import { ExitCode, UsageError } from './exit-codes.js';
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

Usage: certops                     the console (needs a terminal)
       certops <command> [flags]    scripted commands

Commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(10)} ${summary}`)
  .join('\n')}

Flags:
  -h, --help     show help (also after a command: certops plan --help)
  -v, --version  print the version

Exit codes: 0 ok, 1 problem found, 2 usage error, 3 configuration problem,
4 network or provider error.
`;

const CONSOLE_FLAGS = ['--config-dir', '--no-color', '--today'];

export async function main(args: readonly string[], io: CliIo): Promise<number> {
  let argv = args;
  const [head, ...tail] = argv;
  if (head === '--version' || head === '-v') {
    io.stdout.write(`certops ${VERSION}\n`);
    return ExitCode.ok;
  }
  if (head === '--help' || head === '-h' || head === 'help') {
    const topic = head === 'help' ? tail[0] : undefined;
    if (topic !== undefined && Object.hasOwn(COMMANDS, topic)) return main([topic, '--help'], io);
    io.stdout.write(HELP);
    return ExitCode.ok;
  }
  // No command, or only the console's own flags (--config-dir, --no-color): the console.
  if (head === undefined || CONSOLE_FLAGS.some((flag) => head === flag || head.startsWith(`${flag}=`))) argv = ['console', ...argv];
  const first = argv[0] as string;
  const rest = argv.slice(1);
  const entry = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  try {
    if (!entry) throw new UsageError(first.startsWith('-') ? `unknown flag ${first}` : `unknown command "${first}"`);
    if (first === 'console' && io.stdout.isTTY === true && process.stdin.isTTY === true && !rest.some((arg) => arg === '--help' || arg === '-h')) {
      // The built console runs from its own bundle (dist/console-main.js, see src/cli/console-main.ts);
      // from source (the tests), the same entry is imported directly.
      const { consoleMain } =
        typeof __CERTOPS_CONSOLE_MAIN__ === 'string'
          ? ((await import(new URL(__CERTOPS_CONSOLE_MAIN__, import.meta.url).href)) as typeof import('./console-main.js'))
          : await import('./console-main.js');
      return await consoleMain(rest, io);
    }
    const command = await entry.load();
    return await command.run(rest, io);
  } catch (error) {
    return await exitCodeOfFailure(error, io, first);
  }
}
