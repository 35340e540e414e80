/** `certops reissue run`: carry out the actions whose date has come, once each (cron-friendly). */
import { findModule, listModules, ModuleNotFoundError } from '../../core/modules.js';
import { ConfigError } from '../../core/store.js';
import { JournalError } from '../../core/reissue/journal.js';
import { RunLockedError } from '../../core/reissue/lock.js';
import { runReissue, type ActionReport, type Outcome } from '../../core/reissue/run.js';
import { runEffects } from '../../core/reissue/effects.js';
import { dayOfInstant, parseDay, type Day } from '../../rules/calendar.js';
import { parseFlags, takeRepeated } from '../args.js';
import { openWorkspace, printJson, WORKSPACE_FLAGS, WORKSPACE_HELP } from '../context.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

export const summary = 'carry out the reissue policy for certificates whose action date has come';

export const help = `Usage: certops reissue run [--dry-run] [--now YYYY-MM-DD] [--module NAME]... [options]

Takes every certificate of the last sync whose action date has come (overdue ones too) and does
its action under the reissue policy (SSLSubscriptionPolicy):
  auto     reissue through the provider's API, with the order's original CSR where the provider
           returns it (GlobalSign, eNom), else a new key and CSR: the key is written owner-only
           to <config-dir>/keys/<module id>/ before the CSR is sent. Where the provider cannot
           reissue (a LeaderTelecom multi-domain certificate, an eNom product without an API
           reissue, a refusal), a manual task for the module's department instead.
  manual   the client gets the "certificate expiration" message (SMTP, or the outbox).
  none     nothing.
Each action is done once: a journal (<config-dir>/journal/reissue.jsonl) records it before and
after the provider call. A run that was killed is taken up where it stopped; a reissue whose
answer never came is looked up on the provider's list before anything else, and becomes a
manual task when the list cannot tell. Modules with reissues are synced again at the end.
One run at a time: a second one exits (or waits, with --wait).

Options:
  --dry-run            print what would be done; change nothing, send nothing
  --now YYYY-MM-DD     the day the run acts for (default: today, UTC)
  --module NAME        only this module (repeatable)
  --wait SECONDS       wait up to SECONDS for a run in progress (default 0: exit at once)
${WORKSPACE_HELP}

JSON (--json): {"run", "today", "dryRun", "actions": [{"key", "moduleId", "module",
"certificateId", "domain", "action", "actionDate", "outcome", "detail", "taskId"?,
"newCertificateId"?, "keyFile"?}], "synced": [module names], "counts": {outcome: n}};
see docs/commands/reissue.md.

Exit codes: 0 every due action was carried out (tasks included), 1 another run holds the
lock, 2 usage error, 3 configuration or journal problem, 4 an action waits for a provider
(not reachable, or a reissue whose outcome is still unknown).

Examples:
  certops reissue run --dry-run
  certops sync && certops reissue run --json
  17 3 * * * certops sync >/dev/null && certops reissue run >>/var/log/certops-reissue.log 2>&1
`;

const FLAGS = {
  ...WORKSPACE_FLAGS,
  'dry-run': { type: 'boolean' },
  now: { type: 'string' },
  wait: { type: 'string' },
} as const;

const OUTCOME_WORDS: Readonly<Record<Outcome, string>> = {
  reissued: 'reissued',
  notified: 'client notified',
  task: 'manual task',
  'retry-later': 'not done: retried next run',
  'in-doubt': 'IN DOUBT: looked up next run',
  'already-done': 'done earlier',
  'would-reissue': 'would reissue',
  'would-notify': 'would notify the client',
  'would-open-task': 'would open a manual task',
  'would-look-up': 'would look up on the provider',
};

const WAITING: ReadonlySet<Outcome> = new Set(['retry-later', 'in-doubt']);

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout.write(help);
    return sub === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (sub !== 'run') throw new UsageError(`unknown subcommand "${sub}" (certops reissue run)`, 'reissue');
  const { rest: flagArgs, values } = takeRepeated('reissue run', rest, ['module']);
  const { flags, positionals } = parseFlags('reissue run', flagArgs, FLAGS);
  if (flags.help) {
    io.stdout.write(help);
    return ExitCode.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (a module is chosen with --module NAME)`, 'reissue run');
  let today: Day = dayOfInstant(new Date());
  if (flags.now !== undefined) {
    const parsed = parseDay(flags.now);
    if (!parsed.ok) throw new UsageError(`--now: ${parsed.error} (UTC, e.g. 2026-11-23)`, 'reissue run');
    today = parsed.value;
  }
  let waitSeconds = 0;
  if (flags.wait !== undefined) {
    if (!/^\d{1,4}$/.test(flags.wait)) throw new UsageError(`--wait: must be a whole number of seconds from 0 to 9999 (got "${flags.wait}")`, 'reissue run');
    waitSeconds = Number(flags.wait);
  }
  const workspace = openWorkspace(flags, io);
  const modules = values.get('module') ?? [];
  const known = listModules(workspace);
  const moduleIds = modules.map((name) => {
    try {
      return findModule(known, name).id;
    } catch (error) {
      if (error instanceof ModuleNotFoundError) throw new UsageError(`--module: ${error.message}`, 'reissue run');
      throw error;
    }
  });

  const live = !flags.json && io.stderr.isTTY === true;
  let report;
  try {
    report = await runReissue(workspace, {
      today,
      dryRun: flags['dry-run'] ?? false,
      ...(moduleIds.length > 0 ? { moduleIds } : {}),
      runtime: workspace.runtime(),
      effects: runEffects(workspace),
      waitSeconds,
      ...(live ? { onAction: (action: ActionReport) => io.stderr.write(`${action.module}: ${action.domain}: ${OUTCOME_WORDS[action.outcome]}\n`) } : {}),
    });
  } catch (error) {
    if (error instanceof RunLockedError) {
      io.stderr.write(`certops reissue run: ${error.message}\n`);
      return ExitCode.problem;
    }
    if (error instanceof JournalError) throw new ConfigError(workspace.directory, error.message);
    throw error;
  }
  const counts: Record<string, number> = {};
  for (const action of report.actions) counts[action.outcome] = (counts[action.outcome] ?? 0) + 1;
  if (flags.json) {
    printJson(io, { ...report, counts });
  } else if (report.actions.length === 0) {
    io.stdout.write(`Nothing is due on ${report.today}.\n`);
  } else {
    io.stdout.write(
      formatTable(
        [{ title: 'Module' }, { title: 'Domain' }, { title: 'Action date' }, { title: 'Result' }],
        report.actions.map((action) => [action.module, action.domain, action.actionDate, OUTCOME_WORDS[action.outcome]]),
      ),
    );
    for (const action of report.actions) {
      if (action.outcome === 'already-done') continue;
      io.stdout.write(`\n${action.module}: ${action.domain}: ${action.detail}\n`);
    }
    if (report.dryRun) io.stdout.write('\nDry run: nothing was changed or sent.\n');
  }
  return report.actions.some((action) => WAITING.has(action.outcome)) ? ExitCode.network : ExitCode.ok;
}
