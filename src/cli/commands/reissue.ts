/** `certops reissue run`: carry out the actions whose date has come, once each (cron-friendly). */
import { findModule, listModules, ModuleNotFoundError } from '../../core/modules.js';
import { ConfigError } from '../../core/store.js';
import { JournalError } from '../../core/reissue/journal.js';
import { RunLockedError } from '../../core/reissue/lock.js';
import { NEEDS_ATTENTION, runReissue, type ActionReport, type Outcome, type RunReport } from '../../core/reissue/run.js';
import type { ReissuePolicySettings } from '../../core/timeline.js';
import type { LifecycleReport } from '../../core/reissue/lifecycle.js';
import { reissueStatus } from '../../core/reissue/status.js';
import { runEffects } from '../../core/reissue/effects.js';
import { dayOfInstant, formatDay, parseDay, type Day } from '../../rules/calendar.js';
import { didYouMean, parseFlags, takeRepeated } from '../args.js';
import { openWorkspace, printJson, WORKSPACE_FLAGS, WORKSPACE_HELP } from '../context.js';
import { combinedExitCode, ExitCode, exitCodeOfCause, UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';
import { reissueLimitsHelp } from '../labels.js';
import { noModulesMessage } from './check.js';

export const summary = 'carry out the reissue policy, and follow every reissue until the new certificate is served';

export const help = `Usage: certops reissue run [--dry-run] [--now YYYY-MM-DD] [--module NAME]... [options]
       certops reissue status [--now YYYY-MM-DD] [--module NAME]... [--all] [--json]
       certops reissue retry ID [--wait SECONDS] [--json]

Takes every certificate of the last sync whose action date has come (overdue ones too) and does
its action under the reissue policy (SSLSubscriptionPolicy):
  auto     reissue through the provider's API, with the order's original CSR where the provider
           returns it (GlobalSign, eNom), else a new key and CSR: the key is written owner-only
           to <config-dir>/keys/<module id>/ before the CSR is sent. Where the provider cannot
           reissue, or refuses, a manual task for the module's department instead:
${reissueLimitsHelp(11)}
  manual   the client gets the "certificate expiration" message (SMTP, or the outbox). certops
           knows no client of BILLmanager: the message goes to the address set with certops
           messages client-fallback set ADDR; without one it is written to the outbox with no
           recipient, for you to forward, and the run says so and exits 1.
  none     nothing.
Each action is done once: a journal (<config-dir>/journal/reissue.jsonl) records it before and
after the provider call. A run that was killed is taken up where it stopped; a reissue whose
answer never came is looked up on the provider's list before anything else, and becomes a
manual task when the list cannot tell. Modules with reissues are synced again at the end.
One run at a time: a second one exits (or waits, with --wait).

A reissue is done when the new certificate is served, not when the provider takes the request.
Each run also moves every reissue in flight on (the reissue ledger, <config-dir>/journal/ledger.jsonl):
  submitted -> validating (what the provider needs: DNS record, file, approver e-mail)
  -> issued -> collected (certificate and chain fetched, paired with the key, written in certbot's
  layout to <config-dir>/live/<module id>/<domain>/) -> delivered (the deploy hook succeeded; see
  certops policy set --deploy-hook) -> served (a TLS probe of every name sees the new certificate).
Also failed and cancelled (with the provider's reason), and stuck when a stage outlives its
deadline (counted back from the expiry of the certificate it replaces): one task for the module's
department. Reissues begun in the provider's own panel join the ledger at the next sync.
certops reissue status lists them (--all: also those finished over 30 days ago).

A reissue that failed or was cancelled on the provider is not sent again by itself: the run
reports its certificate as "FAILED earlier: not retried" (with the provider's reason) and exits 1.
Fix the cause (the approver e-mail, the DNS record), then certops reissue retry ID (the record's
id, from certops reissue status --all --json, or a on its record in the console): the next run
sends the reissue again, once, as an action of its own in the journal.

Options:
  --dry-run            print what would be done; change nothing, send nothing
  --now YYYY-MM-DD     the day the run acts for (default: today, UTC)
  --module NAME        only this module (repeatable)
  --wait SECONDS       wait up to SECONDS for a run in progress (default 0: exit at once)
${WORKSPACE_HELP}

Without --json: a header line (start time, run id, day, policy), one line per action and per
reissue in flight, one summary line with the count of each outcome: made for a cron log.

JSON (--json): {"run", "startedAt", "policy", "today", "dryRun", "actions": [{"key",
"moduleId", "module", "certificateId", "domain", "action", "actionDate", "outcome", "detail",
"taskId"?, "newCertificateId"?, "keyFile"?, "cause"?}], "synced": [module names],
"reissues", "counts": {outcome: n}}; see docs/commands/reissue.md.

Exit codes: 0 every due action was carried out (tasks included) and every reissue in flight is
done or waits on someone else (a validation, an install); 1 a reissue is stuck or its deploy
hook failed, an earlier reissue failed and was not retried, or a client message was written to
the outbox with no recipient; 2 usage error; 3 configuration or journal problem; 4 an action waits for a provider
(not reachable, or a reissue whose outcome is still unknown); 5 another run holds the lock
longer than --wait.

Examples:
  certops reissue run --dry-run
  certops sync && certops reissue run --json
  certops reissue status --json
  certops reissue retry 3:1042:2026-11-20
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
  'no-recipient': 'written to the outbox, no recipient',
  task: 'manual task',
  'retry-later': 'not done: retried next run',
  'in-doubt': 'IN DOUBT: looked up next run',
  'already-done': 'done earlier',
  'failed-earlier': 'FAILED earlier: not retried',
  'in-flight': 'reissue under way',
  'would-reissue': 'would reissue',
  'would-notify': 'would notify the client',
  'would-open-task': 'would open a manual task',
  'would-look-up': 'would look up on the provider',
};

/** The words of the summary line, by outcome and count, in the order they are listed. */
const SUMMARY_WORDS: Readonly<Record<Outcome, (n: number) => string>> = {
  reissued: () => 'reissued',
  notified: () => 'client notified',
  'no-recipient': () => 'written to the outbox with no recipient',
  task: (n) => (n === 1 ? 'manual task' : 'manual tasks'),
  'retry-later': () => 'not done (retried next run)',
  'in-doubt': () => 'in doubt (looked up next run)',
  'already-done': () => 'done earlier',
  'failed-earlier': () => 'failed earlier (not retried)',
  'in-flight': () => 'under way',
  'would-reissue': () => 'would reissue',
  'would-notify': () => 'would notify the client',
  'would-open-task': (n) => (n === 1 ? 'would open a manual task' : 'would open manual tasks'),
  'would-look-up': () => 'would look up on the provider',
};

/** One line of a table cell: a provider's text may hold line breaks. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * The run's plain-text report, for a terminal and for a cron log alike: a header line (when, the
 * run id of the journal, the day acted for, the policy), one line per action and per reissue in
 * flight, one summary line with the count of each outcome, last. A detail every action of an
 * outcome shares (a dry run's "would reissue through the provider's API…") is said once, before it.
 */
function runHeader(run: string, dryRun: boolean, today: string, startedAt: string, policy: ReissuePolicySettings): string {
  const mode = dryRun ? 'dry run, nothing is changed or sent' : `run ${run}`;
  return `${startedAt} certops reissue run (${mode}): actions due by ${today}, policy ${policy.policy}, SSLSubscriptionBefore ${policy.beforeDays} days\n`;
}

/** The report after its header (written when the run began, see runHeader); the summary line last, for `tail -1` of a log. */
function runText(full: RunReport): string {
  const report = { ...full, actions: perAction(full.actions) };
  const lines: string[] = [];
  const shared = new Map<Outcome, string>();
  for (const outcome of new Set(report.actions.map((action) => action.outcome))) {
    const details = new Set(report.actions.filter((action) => action.outcome === outcome).map((action) => oneLine(action.detail)));
    const count = report.actions.filter((action) => action.outcome === outcome).length;
    if (count > 1 && details.size === 1) shared.set(outcome, [...details][0] as string);
  }
  if (report.actions.length > 0) {
    lines.push(
      formatTable(
        [{ title: 'Module' }, { title: 'Domain' }, { title: 'Action date' }, { title: 'Result' }, { title: 'Detail' }],
        report.actions.map((action) => [action.module, action.domain, action.actionDate, OUTCOME_WORDS[action.outcome], shared.has(action.outcome) ? '' : oneLine(action.detail)]),
      ).trimEnd(),
    );
  }
  if (report.reissues.length > 0) {
    lines.push('Reissues in flight:');
    lines.push(
      formatTable(
        [{ title: 'Module' }, { title: 'Domain' }, { title: 'Stage' }, { title: 'Waiting on' }, { title: 'Detail' }],
        report.reissues.map((entry) => [entry.module, entry.domain, entry.from === entry.stage ? entry.stage : `${entry.from} -> ${entry.stage}`, entry.waiting ?? '-', oneLine(entry.detail)]),
      ).trimEnd(),
    );
  }
  for (const [outcome, detail] of shared) lines.push(`${OUTCOME_WORDS[outcome]}: ${detail}`);
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

/**
 * One report per action: a reissue left in doubt is reported again when this run looks it up, and
 * the text keeps one line for it, with its last outcome and what each report said.
 */
function perAction(actions: readonly ActionReport[]): ActionReport[] {
  const byKey = new Map<string, ActionReport>();
  for (const action of actions) {
    const earlier = byKey.get(action.key);
    byKey.set(action.key, earlier === undefined || earlier.detail === action.detail ? action : { ...action, detail: `${earlier.detail}; then ${action.detail}` });
  }
  return [...byKey.values()];
}

/** "Summary: 41 actions: 12 reissued, 20 manual tasks, …; 3 reissues in flight: 2 validating, 1 stuck; synced again: …". */
function summaryLine(report: RunReport): string {
  const counts = new Map<Outcome, number>();
  for (const action of report.actions) counts.set(action.outcome, (counts.get(action.outcome) ?? 0) + 1);
  const actions =
    report.actions.length === 0
      ? `nothing due by ${report.today}`
      : `${report.actions.length} action${report.actions.length === 1 ? '' : 's'}: ${(Object.keys(SUMMARY_WORDS) as Outcome[])
          .filter((outcome) => counts.has(outcome))
          .map((outcome) => `${counts.get(outcome)} ${SUMMARY_WORDS[outcome](counts.get(outcome) as number)}`)
          .join(', ')}`;
  const stages = new Map<string, number>();
  for (const entry of report.reissues) stages.set(entry.stage, (stages.get(entry.stage) ?? 0) + 1);
  const inFlight =
    report.reissues.length === 0
      ? 'no reissue in flight'
      : `${report.reissues.length} reissue${report.reissues.length === 1 ? '' : 's'} in flight: ${[...stages].map(([stage, n]) => `${n} ${stage}`).join(', ')}`;
  const synced = report.synced.length > 0 ? `; synced again: ${report.synced.join(', ')}` : '';
  return `Summary: ${actions}; ${inFlight}${synced}`;
}

/**
 * The run's exit code (README, "Exit codes"): 1 for a stuck reissue, a failed deploy hook or a
 * provider that refused; 4 for an action or a reissue that waits for a provider that could not be
 * asked; the smallest of them when both.
 */
function runExitCode(report: RunReport): number {
  const codes: number[] = [];
  for (const action of report.actions) {
    if (action.outcome === 'retry-later' || action.outcome === 'in-doubt') codes.push(exitCodeOfCause(action.cause ?? 'network'));
    if (NEEDS_ATTENTION.has(action.outcome)) codes.push(ExitCode.problem);
  }
  for (const entry of report.reissues) {
    if (entry.waiting === 'provider') codes.push(ExitCode.network);
    if (entry.waiting === 'stuck' || entry.waiting === 'hook') codes.push(ExitCode.problem);
  }
  return combinedExitCode(codes);
}

const STATUS_FLAGS = { ...WORKSPACE_FLAGS, now: { type: 'string' }, all: { type: 'boolean' } } as const;

function parseToday(value: string | undefined, command: string): Day {
  if (value === undefined) return dayOfInstant(new Date());
  const parsed = parseDay(value);
  if (!parsed.ok) throw new UsageError(`--now: ${parsed.error} (UTC, e.g. 2026-11-23)`, command);
  return parsed.value;
}

function moduleIdsOf(workspace: ReturnType<typeof openWorkspace>, names: readonly string[], command: string): number[] {
  const known = listModules(workspace);
  return names.map((name) => {
    try {
      return findModule(known, name).id;
    } catch (error) {
      if (error instanceof ModuleNotFoundError) throw new UsageError(`--module: ${error.message}`, command);
      throw error;
    }
  });
}

/** The flags of run and status (--module repeatable, --now): null when --help was given (and printed). */
function reissueArgs<S extends typeof FLAGS | typeof STATUS_FLAGS>(command: string, args: readonly string[], specs: S, io: CliIo) {
  const { rest, values } = takeRepeated(command, args, ['module']);
  const { flags, positionals } = parseFlags(command, rest, specs, ['module']);
  if (flags.help) {
    io.stdout.write(help);
    return null;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (a module is chosen with --module NAME)`, command);
  return { flags, values, today: parseToday(flags.now as string | undefined, command) };
}

/** `certops reissue status`: the ledger's records, as the console's "Reissues in flight" shows them. */
async function status(rest: readonly string[], io: CliIo): Promise<number> {
  const parsed = reissueArgs('reissue status', rest, STATUS_FLAGS, io);
  if (parsed === null) return ExitCode.ok;
  const { flags, values, today } = parsed;
  const workspace = openWorkspace(flags, io, 'reissue status');
  const moduleIds = moduleIdsOf(workspace, values.get('module') ?? [], 'reissue status');
  let result;
  try {
    result = reissueStatus(workspace, { today, all: flags.all ?? false, ...(moduleIds.length > 0 ? { moduleIds } : {}) });
  } catch (error) {
    if (error instanceof JournalError) throw new ConfigError(workspace.directory, error.message);
    throw error;
  }
  if (flags.json) {
    printJson(io, result);
    return ExitCode.ok;
  }
  if (result.reissues.length === 0) {
    // A note, not data: stdout stays empty for a script (README, "Output").
    io.stderr.write(`No reissue is in flight on ${result.today}${flags.all ? '' : ', and none finished in the last 30 days'}.\n`);
    return ExitCode.ok;
  }
  io.stdout.write(
    formatTable(
      [{ title: 'Module' }, { title: 'Domain' }, { title: 'Stage' }, { title: 'Since' }, { title: 'Deadline' }, { title: 'New id' }],
      result.reissues.map((entry) => [entry.module, entry.domain, entry.stage === 'stuck' ? `stuck (${entry.stuckIn ?? '?'})` : entry.stage, entry.since.slice(0, 16).replace('T', ' '), entry.deadline, entry.newCertificateId ?? '-']),
    ),
  );
  for (const entry of result.reissues) io.stdout.write(`\n${entry.module}: ${entry.domain}: ${entry.detail}${entry.files ? `\n  files: ${entry.files.fullchain.slice(0, entry.files.fullchain.lastIndexOf('/'))}` : ''}\n`);
  return ExitCode.ok;
}

const RETRY_FLAGS = { ...WORKSPACE_FLAGS, wait: { type: 'string' } } as const;

/** `certops reissue retry ID`: the next run sends the failed reissue ID again (core/reissue/retry.ts). */
async function retry(rest: readonly string[], io: CliIo): Promise<number> {
  const command = 'reissue retry';
  const { flags, positionals } = parseFlags(command, rest, RETRY_FLAGS);
  if (flags.help) {
    io.stdout.write(help);
    return ExitCode.ok;
  }
  const [id, extra] = positionals;
  if (id === undefined || id === '') throw new UsageError('ID: the id of the failed reissue is missing (certops reissue status --all --json lists the ids)', command);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}" (one ID at a time)`, command);
  let waitSeconds = 0;
  if (flags.wait !== undefined) {
    if (!/^\d{1,4}$/.test(flags.wait)) throw new UsageError(`--wait: must be a whole number of seconds from 0 to 9999 (got "${flags.wait}")`, command);
    waitSeconds = Number(flags.wait);
  }
  const workspace = openWorkspace({ 'config-dir': flags['config-dir'] }, io, command);
  const { askRetry, RetryRefusedError } = await import('../../core/reissue/retry.js');
  let result;
  try {
    result = await askRetry(workspace, id, { waitSeconds });
  } catch (error) {
    if (error instanceof RetryRefusedError) throw new UsageError(`ID: ${error.message}`, command);
    if (error instanceof RunLockedError) {
      io.stderr.write(`certops ${command}: ${error.message}\n`);
      return ExitCode.busy;
    }
    if (error instanceof JournalError) throw new ConfigError(workspace.directory, error.message);
    throw error;
  }
  const { record } = result;
  if (flags.json) {
    printJson(io, { id: record.id, moduleId: record.moduleId, domain: record.domain, certificateId: record.certificateId, stage: record.stage, reason: record.reason ?? record.detail, retryAskedAt: result.askedAt, asked: result.asked });
    return ExitCode.ok;
  }
  io.stdout.write(
    result.asked
      ? `Retry asked for the reissue of ${record.domain} (${record.stage} on ${record.since.slice(0, 10)}: ${record.reason ?? record.detail}). The next certops reissue run sends it again, once.\n`
      : `A retry of the reissue of ${record.domain} was already asked on ${result.askedAt.slice(0, 10)}; the next certops reissue run sends it (nothing changed).\n`,
  );
  return ExitCode.ok;
}

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout.write(help);
    return sub === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (sub === 'status') return status(rest, io);
  if (sub === 'retry') return retry(rest, io);
  if (sub !== 'run') throw new UsageError(`unknown subcommand "${sub}"${didYouMean(sub, ['run', 'status', 'retry'])} (certops reissue run | status | retry)`, 'reissue');
  const parsed = reissueArgs('reissue run', rest, FLAGS, io);
  if (parsed === null) return ExitCode.ok;
  const { flags, values, today } = parsed;
  // One clock for the run: with --now, the ledger's times and deadlines are on that day too.
  const now = flags.now === undefined ? () => new Date() : () => new Date(today * 86_400_000 + (Date.now() % 86_400_000));
  let waitSeconds = 0;
  if (flags.wait !== undefined) {
    if (!/^\d{1,4}$/.test(flags.wait)) throw new UsageError(`--wait: must be a whole number of seconds from 0 to 9999 (got "${flags.wait}")`, 'reissue run');
    waitSeconds = Number(flags.wait);
  }
  // --wait is for the run lock only: the run's own writes (state, inventory, tasks) keep their default
  // wait, so that a run never stops half-way because a check wrote state.json at that moment.
  const workspace = openWorkspace({ 'config-dir': flags['config-dir'] }, io, 'reissue run');
  const moduleIds = moduleIdsOf(workspace, values.get('module') ?? [], 'reissue run');
  // Nothing set up yet is exit 1 in every command that works on the modules (README, "Exit codes");
  // JSON stays a whole document.
  if (listModules(workspace).length === 0) {
    io.stderr.write(noModulesMessage('reissue run'));
    if (flags.json) printJson(io, { run: null, today: formatDay(today), dryRun: flags['dry-run'] ?? false, actions: [], synced: [], reissues: [], counts: {} });
    return ExitCode.problem;
  }

  const live = !flags.json && io.stderr.isTTY === true;
  // The policy the run acts under and when it began, for the report's header (and a cron log's).
  const policy = workspace.store.read().reissuePolicy;
  const startedAt = `${now().toISOString().slice(0, 19)}Z`;
  let report;
  try {
    report = await runReissue(workspace, {
      today,
      dryRun: flags['dry-run'] ?? false,
      ...(moduleIds.length > 0 ? { moduleIds } : {}),
      runtime: workspace.runtime(),
      effects: runEffects(workspace, now),
      now,
      waitSeconds,
      // The header first, before any work: a run killed half-way still leaves a line in a cron log.
      ...(flags.json ? {} : { onStart: (run: string) => io.stdout.write(runHeader(run, flags['dry-run'] ?? false, formatDay(today), startedAt, policy)) }),
      ...(live
        ? {
            onAction: (action: ActionReport) => io.stderr.write(`${action.module}: ${action.domain}: ${OUTCOME_WORDS[action.outcome]}\n`),
            onReissue: (entry: LifecycleReport) => io.stderr.write(`${entry.module}: ${entry.domain}: ${entry.from === entry.stage ? entry.stage : `${entry.from} -> ${entry.stage}`}\n`),
          }
        : {}),
    });
  } catch (error) {
    if (error instanceof RunLockedError) {
      io.stderr.write(`certops reissue run: ${error.message}\n`);
      return ExitCode.busy;
    }
    if (error instanceof JournalError) throw new ConfigError(workspace.directory, error.message);
    throw error;
  }
  const counts: Record<string, number> = {};
  for (const action of report.actions) counts[action.outcome] = (counts[action.outcome] ?? 0) + 1;
  if (flags.json) printJson(io, { ...report, startedAt, policy: { policy: policy.policy, beforeDays: policy.beforeDays }, counts });
  else io.stdout.write(runText(report));
  return runExitCode(report);
}
