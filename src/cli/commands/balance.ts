/** `certops balance`: each module's balance at its provider against its processing module minimal balance. */
import { moduleBalances, type BalanceResult } from '../../core/balance.js';
import type { ModuleFailure } from '../../core/check.js';
import { recordBalance } from '../../core/modules.js';
import type { StoredModule } from '../../core/store.js';
import { PROVIDERS } from '../../providers/catalog.js';
import { parseFlags } from '../args.js';
import { openWorkspace, printJson, WORKSPACE_FLAGS, WORKSPACE_HELP } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';
import { causeLabel, failureDetails, failureJson, noModulesMessage, selectModules } from './check.js';

export const summary = 'balances against the processing module minimal balance';

export const help = `Usage: certops balance [<name>...] [--all] [options]

Asks each provider for the account balance, all modules at once, and compares it with the
module's minimal balance (an empty minimal balance means no low-balance check, as in
BILLmanager). Status: ok, UNDER MINIMUM, or FAILED with the cause, the seeds' message and
the troubleshooting steps. Each balance read is kept as the module's last balance.
No names means every module.

Options:
  --all                every module (the default when no name is given)
${WORKSPACE_HELP}

JSON (--json): {"ok", "results": [{"module", "moduleId", "provider", "ok": true, "status":
"ok"|"under-minimum", "amount", "currency", "minimalBalance", "underMinimum", "checkedAt"}
or {"module", "moduleId", "provider", "ok": false, "status": "failed", "message", "cause",
"causeLabel", "detail", "steps", "checkedAt"}]}; see docs/commands/balance.md.

Exit codes: 0 every balance at or above its minimum, 1 a balance under its minimum or a
query failed (or no module is set up), 2 usage error or unknown module name,
3 configuration problem.

Examples:
  certops balance
  certops balance "eNom main"
  certops balance --json | jq -r '.results[] | select(.status != "ok") | .module'
`;

const FLAGS = { ...WORKSPACE_FLAGS, all: { type: 'boolean' } } as const;

type Status = 'ok' | 'under-minimum' | 'failed';
const statusOf = (result: BalanceResult): Status => (!result.ok ? 'failed' : result.underMinimum ? 'under-minimum' : 'ok');
const STATUS_TEXT: Readonly<Record<Status, string>> = { ok: 'ok', 'under-minimum': 'UNDER MINIMUM', failed: 'FAILED' };

const money = (amount: number) => amount.toFixed(2);

function resultJson(module: StoredModule, result: BalanceResult) {
  const base = { module: module.parameters.name, moduleId: module.id, provider: module.provider };
  if (!result.ok) return { ...base, ok: false, status: 'failed' as const, ...failureJson(result) };
  return {
    ...base,
    ok: true,
    status: statusOf(result),
    amount: result.amount,
    currency: result.currency,
    minimalBalance: result.minimalBalance,
    underMinimum: result.underMinimum,
    checkedAt: result.checkedAt,
  };
}

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseFlags('balance', args, FLAGS);
  if (flags.help) {
    io.stdout.write(help);
    return ExitCode.ok;
  }
  const workspace = openWorkspace(flags, io);
  const modules = selectModules(workspace, positionals, flags.all ?? false, 'balance');
  if (modules.length === 0) {
    io.stderr.write(noModulesMessage('balance'));
    return ExitCode.problem;
  }
  const results = await moduleBalances(modules, workspace.runtime());
  for (const [i, result] of results.entries()) await recordBalance(workspace, (modules[i] as StoredModule).id, result);

  const ok = results.every((result) => statusOf(result) === 'ok');
  if (flags.json) {
    printJson(io, { ok, results: results.map((result, i) => resultJson(modules[i] as StoredModule, result)) });
  } else {
    const rows = results.map((result, i) => {
      const module = modules[i] as StoredModule;
      const name = [module.parameters.name, PROVIDERS[module.provider].title];
      if (!result.ok) return [...name, '-', '', module.parameters.minimalBalance === null ? '-' : money(module.parameters.minimalBalance), `FAILED: ${causeLabel(result.cause)}`];
      return [...name, money(result.amount), result.currency, result.minimalBalance === null ? '-' : money(result.minimalBalance), STATUS_TEXT[statusOf(result)]];
    });
    io.stdout.write(
      formatTable(
        [{ title: 'Module' }, { title: 'Provider' }, { title: 'Balance', align: 'right' }, { title: 'Currency' }, { title: 'Minimal balance', align: 'right' }, { title: 'Status' }],
        rows,
      ),
    );
    io.stdout.write(failureDetails(results.filter((result): result is ModuleFailure => !result.ok)));
  }
  return ok ? ExitCode.ok : ExitCode.problem;
}
