/** `certops balance`: each module's balance at its provider against its processing module minimal balance. */
import { formatAmount, moduleBalances, UNDER_MINIMAL, type BalanceResult } from '../../core/balance.js';
import type { ModuleFailure } from '../../core/check.js';
import { recordBalance } from '../../core/modules.js';
import type { StoredModule } from '../../core/store.js';
import type { Workspace } from '../../core/workspace.js';
import { dayOfInstant } from '../../rules/calendar.js';
import { PROVIDERS } from '../../providers/catalog.js';
import { parseFlags } from '../args.js';
import { openWorkspace, printJson, WAIT_FLAG, WORKSPACE_FLAGS, WORKSPACE_HELP } from '../context.js';
import { combinedExitCode, ExitCode, exitCodeOfCause } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';
import { causeLabel, failureDetails, failureJson, noModulesMessage, RESULTS_WAIT_HELP, resultKeeper, selectModules } from './check.js';

export const summary = 'balances against the processing module minimal balance';

export const help = `Usage: certops balance [<name>...] [--all] [options]

Asks each provider for the account balance, all modules at once, and compares it with the
module's minimal balance (an empty minimal balance means no low-balance check, as in
BILLmanager). Status: ok, ▼ under the minimal balance, or FAILED with the cause, BILLmanager's message and
the troubleshooting steps. Each balance read is kept as the module's last balance.
No names means every module.

Options:
  --all                every module (the default when no name is given)
  --notify             send the "processing module low balance" message to the department of
                       each module under its minimum (once per module and day; SMTP, or the
                       outbox: see certops messages)
${RESULTS_WAIT_HELP}
${WORKSPACE_HELP}

JSON (--json): {"ok", "results": [{"module", "moduleId", "provider", "ok": true, "status":
"ok"|"under-minimum", "amount", "available" (what can be spent, where the provider says:
eNom's AvailableBalance; the minimal balance is compared with it; else null), "currency",
"minimalBalance", "underMinimum", "checkedAt",
"notified"? (with --notify, under the minimum: "smtp"|"outbox"|"already-sent"|"no-recipient"
(in the outbox, the department has no address)|"failed: …")}
or {"module", "moduleId", "provider", "ok": false, "status": "failed", "message", "cause",
"causeLabel", "detail", "steps", "checkedAt"}]}; see docs/commands/balance.md.

Exit codes: 0 every balance at or above its minimum; 1 a balance under its minimum, a
provider that answered and refused (credentials, IP address), a low balance message with no
recipient (the department has no address: certops messages department set), or no module set up; 2 usage
error or unknown module name; 3 configuration problem; 4 a provider could not be reached,
timed out or did not answer as its API does; 5 the balances (printed, and notified with
--notify) could not be kept: another certops held state.json longer than --wait. Mixed: 1
before 3 before 4 before 5, so a cron job reads 4 only when nothing but a provider's
reachability went wrong, and a low balance is 1 even while state.json is busy.

Examples:
  certops balance
  certops balance "eNom main"
  certops balance --json | jq -r '.results[] | select(.status != "ok") | .module'
  0 * * * * certops balance --all --notify >/dev/null
`;

const FLAGS = { ...WORKSPACE_FLAGS, ...WAIT_FLAG, all: { type: 'boolean' }, notify: { type: 'boolean' } } as const;

type Status = 'ok' | 'under-minimum' | 'failed';
const statusOf = (result: BalanceResult): Status => (!result.ok ? 'failed' : result.underMinimum ? 'under-minimum' : 'ok');
const STATUS_TEXT: Readonly<Record<Status, string>> = { ok: 'ok', 'under-minimum': `▼ ${UNDER_MINIMAL}`, failed: 'FAILED' };

// The table writes amounts as every screen does (core/balance.ts); --json keeps numbers.
const money = formatAmount;

function resultJson(module: StoredModule, result: BalanceResult) {
  const base = { module: module.parameters.name, moduleId: module.id, provider: module.provider };
  if (!result.ok) return { ...base, ok: false, status: 'failed' as const, ...failureJson(result) };
  return {
    ...base,
    ok: true,
    status: statusOf(result),
    amount: result.amount,
    available: result.available ?? null,
    currency: result.currency,
    minimalBalance: result.minimalBalance,
    underMinimum: result.underMinimum,
    checkedAt: result.checkedAt,
  };
}

/** A low balance message in the outbox addressed to nobody: it needs the operator, as the reissue run's no-recipient. */
const NO_RECIPIENT = 'no-recipient';
const NOTIFIED_TEXT: Readonly<Record<string, string>> = { [NO_RECIPIENT]: 'written to the outbox, no recipient' };

/** The low-balance messages of the modules under their minimum; per module id, how each went. */
async function notifyUnderMinimum(workspace: Workspace, modules: readonly StoredModule[], results: readonly BalanceResult[], io: CliIo): Promise<Map<number, string>> {
  const { notifyLowBalances } = await import('../../core/messages/notify.js');
  const sent = await notifyLowBalances(workspace, modules, results, dayOfInstant(new Date()));
  const outcome = new Map<number, string>();
  for (const [moduleId, result] of sent) {
    const module = modules.find((m) => m.id === moduleId) as StoredModule;
    if ('failed' in result) {
      outcome.set(moduleId, `failed: ${result.failed}`);
      io.stderr.write(`certops balance: ${module.parameters.name}: the low balance message could not be sent: ${result.failed}\n`);
    } else if (result.noRecipient !== undefined) {
      // Addressed to nobody (the department has no address): no one has heard of the low balance.
      // Said on every run, the later ones of the day included, until the address is set.
      outcome.set(moduleId, NO_RECIPIENT);
      const where = result.delivery.via === 'outbox' ? `: ${result.delivery.path}` : ' (earlier today)';
      io.stderr.write(`certops balance: ${module.parameters.name}: the low balance message was written to the outbox with no recipient${where}; ${result.noRecipient}\n`);
    } else {
      outcome.set(moduleId, result.delivery.via);
      if (result.delivery.via === 'outbox') io.stderr.write(`certops balance: ${module.parameters.name}: the low balance message is in the outbox: ${result.delivery.path}\n`);
    }
  }
  return outcome;
}

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseFlags('balance', args, FLAGS);
  if (flags.help) {
    io.stdout.write(help);
    return ExitCode.ok;
  }
  const workspace = openWorkspace(flags, io, 'balance');
  const modules = selectModules(workspace, positionals, flags.all ?? false, 'balance');
  if (modules.length === 0) {
    io.stderr.write(noModulesMessage('balance', workspace.directory));
    // JSON is always a whole document on stdout, an empty one here.
    if (flags.json) printJson(io, { ok: false, results: [] });
    return ExitCode.problem;
  }
  const results = await moduleBalances(modules, workspace.runtime());
  // A busy state.json stops the keeping, never the notices nor the output: a low balance is never lost to a lock.
  const keeper = resultKeeper();
  for (const [i, result] of results.entries()) keeper.keep(() => recordBalance(workspace, (modules[i] as StoredModule).id, result));
  const busy = await keeper.done();
  const notified = flags.notify ? await notifyUnderMinimum(workspace, modules, results, io) : new Map<number, string>();

  const ok = results.every((result) => statusOf(result) === 'ok');
  if (flags.json) {
    printJson(io, {
      ok,
      results: results.map((result, i) => {
        const module = modules[i] as StoredModule;
        const sent = notified.get(module.id);
        return { ...resultJson(module, result), ...(sent === undefined ? {} : { notified: sent }) };
      }),
    });
  } else {
    const rows = results.map((result, i) => {
      const module = modules[i] as StoredModule;
      const name = [module.parameters.name, PROVIDERS[module.provider].title];
      if (!result.ok) return [...name, '-', '', module.parameters.minimalBalance === null ? '-' : money(module.parameters.minimalBalance), `FAILED: ${causeLabel(result.cause)}`];
      return [
        ...name,
        result.available == null ? money(result.amount) : `${money(result.amount)} (available ${money(result.available)})`,
        result.currency,
        result.minimalBalance === null ? '-' : money(result.minimalBalance),
        STATUS_TEXT[statusOf(result)],
      ];
    });
    io.stdout.write(
      formatTable(
        [{ title: 'Module' }, { title: 'Provider' }, { title: 'Balance', align: 'right' }, { title: 'Currency' }, { title: 'Minimal balance', align: 'right' }, { title: 'Status' }],
        rows,
      ),
    );
    // The table is the data (stdout); what failed and how to fix it is a report (stderr), as in every command.
    io.stderr.write(failureDetails(results.filter((result): result is ModuleFailure => !result.ok)));
    for (const module of modules) {
      const sent = notified.get(module.id);
      if (sent !== undefined) io.stderr.write(`\n${module.parameters.name}: low balance message: ${NOTIFIED_TEXT[sent] ?? sent}\n`);
    }
  }
  if (busy) io.stderr.write(`certops balance: the balances above are not kept as the last balance: ${busy.message}\n`);
  // A message addressed to nobody needs attention (1) whatever the balances say.
  const unaddressed = [...notified.values()].some((sent) => sent === NO_RECIPIENT);
  return combinedExitCode([
    ...(busy ? [ExitCode.busy] : []),
    ...results.map((result) => (!result.ok ? exitCodeOfCause(result.cause) : result.underMinimum ? ExitCode.problem : ExitCode.ok)),
    ...(unaddressed ? [ExitCode.problem] : []),
  ]);
}
