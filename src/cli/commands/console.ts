/**
 * `certops` with no command, and `certops demo`: the Ink console. It starts only when stdin and
 * stdout are terminals; otherwise it says which scripted commands do the same. Colour is switched
 * off before Ink loads when NO_COLOR, TERM=dumb or --no-color ask for it (chalk ignores NO_COLOR).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { dayOfInstant, formatDay, parseDay, type Day } from '../../rules/calendar.js';
import { PROVIDER_IDS } from '../../providers/catalog.js';
import { ConsoleServices } from '../../core/services.js';
import { resolveConfigDirectory } from '../../core/store.js';
import { Workspace } from '../../core/workspace.js';
import { noPositionals, parseFlags } from '../args.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { applyColourPolicy, loadScreens } from '../screens-loader.js';

export const summary = 'the console (also: certops with no command)';
export const help = `Usage: certops [--config-dir DIR] [--no-color]
       certops demo [--today YYYY-MM-DD]

The console: module setup (the seeds' wizard), connection checks, balances, the reissue
timeline, the manual tasks of the departments, the reissue policy and the module logs. It needs a terminal (over SSH: ssh -t).

certops demo starts the four providers' sandboxes and the console on a fresh temporary
configuration that already holds one module per provider, marked SANDBOX.
`;

export const NOT_A_TERMINAL = `the console needs a terminal (stdin and stdout must be a TTY; over SSH use ssh -t).
Without one, the scripted commands do the same work:
  certops module list | show | add | edit | remove
  certops check --all        certops balance --all      certops sync
  certops timeline --within 30d    certops tasks          certops policy show
  certops debug
Run 'certops --help' for all of them.`;

const FLAGS = {
  'config-dir': { type: 'string' },
  'no-color': { type: 'boolean' },
  today: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface ConsoleIo extends CliIo {
  readonly stdin?: { readonly isTTY?: boolean };
}

export function isInteractive(io: ConsoleIo): boolean {
  const stdin = io.stdin ?? process.stdin;
  return Boolean(stdin.isTTY) && Boolean(io.stdout.isTTY) && !io.env.CERTOPS_NO_INPUT;
}

async function start(services: ConsoleServices): Promise<void> {
  const { runConsole } = await loadScreens();
  await runConsole(services);
}

export async function run(args: readonly string[], io: ConsoleIo, demo = false): Promise<number> {
  const { flags, positionals } = parseFlags(demo ? 'demo' : 'console', args, FLAGS);
  if (flags.help) {
    io.stdout.write(help);
    return ExitCode.ok;
  }
  noPositionals(demo ? 'demo' : 'console', positionals);
  let today: Day | undefined;
  if (flags.today !== undefined) {
    const parsed = parseDay(flags.today);
    if (!parsed.ok) throw new UsageError(`--today: ${parsed.error}`, demo ? 'demo' : 'console');
    today = parsed.value;
  }
  if (!isInteractive(io)) {
    io.stderr.write(`certops: ${NOT_A_TERMINAL}\n`);
    return ExitCode.usage;
  }
  applyColourPolicy(flags['no-color'] ?? false);
  if (!demo) {
    await start(new ConsoleServices(new Workspace(resolveConfigDirectory(flags['config-dir'], io.env)), today ? { today } : {}));
    return ExitCode.ok;
  }
  // The sandboxes and the sync are the demo's alone: the plain console does not load them.
  const [{ addSandboxModules, sandboxAccountsOf, startSandboxes, stopSandboxes }, { syncModules }, { openTasks, reissueTaskInput }, { buildTimeline, dueDate }] = await Promise.all([
    import('../../core/sandboxes.js'),
    import('../../core/sync.js'),
    import('../../core/tasks.js'),
    import('../../core/timeline.js'),
  ]);
  const temporary = flags['config-dir'] === undefined ? mkdtempSync(join(tmpdir(), 'certops-demo-')) : null;
  const directory = flags['config-dir'] ?? join(temporary as string, 'config');
  // The demo's own configuration holds the sandboxes' test passwords: it goes with them, also when
  // a hang-up (the SSH connection or the terminal gone) or a kill ends the process, which skips
  // every finally.
  const removeTemporary = () => {
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    removeTemporary();
    process.exit(128 + (constants.signals[signal] ?? 0));
  };
  const signals = ['SIGHUP', 'SIGTERM'] as const;
  for (const signal of signals) process.once(signal, onSignal);
  try {
    const workspace = new Workspace(directory);
    const sandboxes = await startSandboxes({ providers: PROVIDER_IDS, port: 0, tls: false, certificates: 300, latencyMs: 0, faults: [], today: today ?? dayOfInstant(new Date()) });
    try {
      const modules = await addSandboxModules(workspace, sandboxes, {
        name: (title) => `${title} sandbox`,
        department: 'SSL support',
        dataCenter: 'Main DC',
        // The second module's minimal balance is above its balance, so the demo shows the ▼ warning.
        minimalBalance: (index) => (index === 1 ? 20000 : 100),
        network: { connectTimeoutMs: 3000, totalTimeoutMs: 10000 },
      });
      // The timeline and the dashboard's due counts have real data from the first screen on.
      await syncModules(workspace, modules, workspace.runtime());
      // The manual tasks a reissue run would have opened for the next 30 days, so the Tasks screen
      // has some (LeaderTelecom's reissues are all manual: its API has no confirmed reissue call).
      const planned = today ?? dayOfInstant(new Date());
      const horizon = formatDay((planned + 30) as Day);
      await openTasks(workspace, buildTimeline(workspace, planned).entries.filter((e) => e.action === 'manual-task' && dueDate(e) <= horizon).map(reissueTaskInput));
      const sandboxAccounts = sandboxAccountsOf(sandboxes);
      await start(new ConsoleServices(workspace, { sandbox: true, sandboxAccounts, ...(today ? { today } : {}) }));
    } finally {
      await stopSandboxes(sandboxes);
    }
  } finally {
    removeTemporary();
    for (const signal of signals) process.off(signal, onSignal);
  }
  io.stderr.write(temporary ? 'certops demo: stopped the sandboxes and removed the demo configuration\n' : `certops demo: stopped the sandboxes; the configuration stays in ${directory}\n`);
  return ExitCode.ok;
}
