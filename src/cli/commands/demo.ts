/**
 * `certops demo`: the console on the four providers' sandboxes (core/demo.ts sets them up, with
 * reissues at several stages), on a fresh temporary configuration that goes with them, also when
 * a hang-up or a kill ends the process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { dayOfInstant } from '../../rules/calendar.js';
import { ConsoleServices } from '../../core/services.js';
import { Workspace } from '../../core/workspace.js';
import { configDirectory } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { loadScreens } from '../screens-loader.js';
import { consoleArgs, type ConsoleIo } from './console.js';

export const summary = 'the console on the four providers\' sandboxes, with a fresh demo configuration';
export const help = `Usage: certops demo [--today YYYY-MM-DD] [--no-color] [--config-dir DIR]

Starts the four providers' sandboxes on loopback and the console on a fresh temporary
configuration that holds one processing module per provider, marked SANDBOX: certificates
synced, the manual tasks of the next 30 days, and reissues at several stages made by two reissue
runs before the console opens (a line on stderr says which):
  served      Ispmanager (SSL): its deploy hook installs into the demo's web server on
              loopback, and the TLS probe sees the new certificate there
  collected   the other modules have no deploy hook: a task asks to install it
  validating  the sandboxes wait for their domain validation, as real CAs do; one of them
              was begun in LeaderTelecom's panel and found by a sync
  failed      one validation refused by its CA
Quitting, or the terminal going away, stops the sandboxes and removes all of it. With
--config-dir DIR the modules and reissues go to DIR instead, and stay.

--today YYYY-MM-DD   the day the demo (and its reissue runs) takes as today
--no-color           no colour (also NO_COLOR); on TERM=dumb the console does not start
`;


const STAGE_ORDER = ['served', 'delivered', 'collected', 'issued', 'validating', 'submitted', 'stuck', 'failed', 'cancelled'];

export async function run(args: readonly string[], io: ConsoleIo): Promise<number> {
  const parsed = consoleArgs('demo', args, io, help);
  if (typeof parsed === 'number') return parsed;
  const { flags, today: given } = parsed;
  // Ink and yoga load while the sandboxes start and the reissues run.
  loadScreens().catch(() => {});
  const today = given ?? dayOfInstant(new Date());
  // With --today, the reissue runs' clock is on that day too (as certops reissue run --now).
  const now = given === undefined ? () => new Date() : () => new Date(given * 86_400_000 + (Date.now() % 86_400_000));

  // The sandboxes, the run and the web server are the demo's alone: loaded only here.
  const { startDemo } = await import('../../core/demo.js');
  // The demo's own folder holds its configuration (with the sandboxes' test passwords) unless
  // --config-dir names one, and always its web server's installed keys and its deploy hook: it
  // goes with them.
  // An empty --config-dir is refused (configDirectory), not taken for the current folder.
  const keptConfig = flags['config-dir'] === undefined ? undefined : configDirectory(flags['config-dir'], {}, 'demo');
  const temporary = mkdtempSync(join(tmpdir(), 'certops-demo-'));
  const directory = keptConfig ?? join(temporary, 'config');
  const removeTemporary = () => rmSync(temporary, { recursive: true, force: true });
  // A hang-up (the SSH connection or the terminal gone) or a kill skips every finally.
  const onSignal = (signal: NodeJS.Signals) => {
    removeTemporary();
    process.exit(128 + (constants.signals[signal] ?? 0));
  };
  const signals = ['SIGHUP', 'SIGTERM'] as const;
  for (const signal of signals) process.once(signal, onSignal);
  let left: 'quit' | 'interrupted' = 'quit';
  try {
    const workspace = new Workspace(directory);
    const demo = await startDemo(workspace, {
      today,
      now,
      scratch: join(temporary, 'scratch'),
      onReissues: (event) => {
        if (event.phase === 'start') {
          io.stderr.write('certops demo: following reissues on the sandboxes… ');
          return;
        }
        const stages = STAGE_ORDER.filter((stage) => event.perStage[stage]).map((stage) => `${event.perStage[stage]} ${stage}`);
        io.stderr.write(`${stages.join(', ') || 'none due'} (${event.seconds.toFixed(1)} s)\n`);
      },
    });
    try {
      const { runConsole } = await loadScreens();
      left = await runConsole(new ConsoleServices(workspace, { sandbox: true, sandboxAccounts: demo.sandboxAccounts, ...(given !== undefined ? { today: given } : {}) }));
    } finally {
      await demo.stop();
    }
  } finally {
    removeTemporary();
    for (const signal of signals) process.off(signal, onSignal);
  }
  io.stderr.write(keptConfig === undefined ? 'certops demo: stopped the sandboxes and removed the demo configuration\n' : `certops demo: stopped the sandboxes; the configuration stays in ${directory}\n`);
  return left === 'interrupted' ? ExitCode.interrupted : ExitCode.ok;
}
