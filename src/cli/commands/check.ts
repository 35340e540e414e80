/** `certops check`: the connection check of BILLmanager's last wizard step, for every module at once. */
import { existsSync } from 'node:fs';
import { CAUSE_LABELS, checkModules, type CheckResult, type ModuleFailure } from '../../core/check.js';
import { findModule, listModules, recordCheck } from '../../core/modules.js';
import type { StoredModule } from '../../core/store.js';
import type { Workspace } from '../../core/workspace.js';
import { PROVIDERS } from '../../providers/catalog.js';
import type { FailureCause } from '../../providers/types.js';
import { parseFlags } from '../args.js';
import { openWorkspace, printJson, WAIT_FLAG, WORKSPACE_FLAGS, WORKSPACE_HELP } from '../context.js';
import { LockBusyError } from '../../core/file-lock.js';
import { combinedExitCode, ExitCode, exitCodeOfCause, UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

export const summary = 'check the connection of processing modules';

/** --wait for check and balance: the results are printed whatever the lock does. */
export const RESULTS_WAIT_HELP = `  --wait SECONDS       wait up to SECONDS to keep the results when another certops process is
                       changing state.json (default 30; 0: not at all); the results are printed
                       either way, then exit 5 if they could not be kept`;

export const help = `Usage: certops check [<name>...] [--all] [options]

Checks the connection of processing modules, all at once: each module has its own
timeouts, so one that hangs does not hold the others back and the whole run takes about
as long as the slowest module. A working module shows its round-trip time; a failing one
shows BILLmanager's message, the specific cause and the troubleshooting steps that fit it.
Each result is kept as the module's last check. No names means every module.

Options:
  --all                check every module (the default when no name is given)
${RESULTS_WAIT_HELP}
${WORKSPACE_HELP}

JSON (--json): {"ok", "results": [{"module", "moduleId", "provider", "ok", "roundTripMs",
"checkedAt"} or {"module", "moduleId", "provider", "ok": false, "message", "cause",
"causeLabel", "detail", "steps", "checkedAt"}]}; see docs/commands/check.md.

Exit codes: 0 every module answered; 1 a provider answered and refused (credentials, IP
address, locked account) or no module is set up; 2 usage error or unknown module name;
3 configuration problem (also a module's CA file that cannot be read); 4 a provider could not
be reached, timed out or did not answer as its API does; 5 the results (printed) could not be
kept: another certops held state.json longer than --wait. Mixed: 1 before 3 before 4 before 5.

Examples:
  certops check
  certops check "eNom main" GlobalSign
  certops check --all --json | jq -r '.results[] | select(.ok == false) | .module'
`;

const FLAGS = { ...WORKSPACE_FLAGS, ...WAIT_FLAG, all: { type: 'boolean' } } as const;

/**
 * Keeps results one write at a time, in the order they come; a lock held too long by another
 * certops stops the keeping (the first LockBusyError is kept for the end), never the results.
 */
export function resultKeeper(): { keep: (write: () => Promise<void>) => void; done: () => Promise<LockBusyError | null> } {
  let chain = Promise.resolve();
  let busy: LockBusyError | null = null;
  return {
    keep: (write) => {
      chain = chain.then(async () => {
        if (busy !== null) return;
        try {
          await write();
        } catch (error) {
          if (error instanceof LockBusyError) busy = error;
          else throw error;
        }
      });
    },
    done: async () => {
      await chain;
      return busy;
    },
  };
}

/** The message when no module is set up, with the way to add one. */
export function noModulesMessage(command: string, directory?: string): string {
  // A folder that is not there (a typo in --config-dir): said, and not made by reading it.
  const where = directory !== undefined && !existsSync(directory) ? `no configuration in ${directory}: ` : '';
  return `certops ${command}: ${where}no processing module is set up yet; add one with: certops module add <provider> --name NAME ... (see certops module --help)\n`;
}

/**
 * The modules named on the command line (each once, in the order given), or every module, sorted as
 * the billing sorts them. An unknown name is a ModuleNotFoundError that lists the names there are.
 */
export function selectModules(workspace: Workspace, names: readonly string[], all: boolean, command: string): StoredModule[] {
  if (all && names.length > 0) throw new UsageError('give module names or --all, not both', command);
  const modules = listModules(workspace);
  if (names.length === 0) return modules;
  const chosen = new Map<number, StoredModule>();
  for (const name of names) {
    const module = findModule(modules, name);
    chosen.set(module.id, module);
  }
  return [...chosen.values()];
}

export function causeLabel(cause: string): string {
  return Object.hasOwn(CAUSE_LABELS, cause) ? CAUSE_LABELS[cause as FailureCause] : cause;
}

/** BILLmanager's message, the detail and the steps of each failure, for the lines below a table. */
export function failureDetails(failures: readonly ModuleFailure[]): string {
  return failures
    .map(
      (failure) =>
        `\n${failure.module}: ${failure.message}\n  ${causeLabel(failure.cause)}: ${failure.detail}\n  Check:\n${failure.steps.map((step) => `  - ${step}\n`).join('')}`,
    )
    .join('');
}

export function failureJson(failure: ModuleFailure) {
  return {
    message: failure.message,
    cause: failure.cause,
    causeLabel: causeLabel(failure.cause),
    detail: failure.detail,
    steps: [...failure.steps],
    checkedAt: failure.checkedAt,
  };
}

function resultJson(module: StoredModule, result: CheckResult) {
  const base = { module: module.parameters.name, moduleId: module.id, provider: module.provider };
  return result.ok ? { ...base, ok: true, roundTripMs: result.roundTripMs, checkedAt: result.checkedAt } : { ...base, ok: false, ...failureJson(result) };
}

const resultText = (result: CheckResult) => (result.ok ? `ok (${result.roundTripMs} ms)` : `FAILED: ${causeLabel(result.cause)}`);

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseFlags('check', args, FLAGS);
  if (flags.help) {
    io.stdout.write(help);
    return ExitCode.ok;
  }
  const workspace = openWorkspace(flags, io, 'check');
  const modules = selectModules(workspace, positionals, flags.all ?? false, 'check');
  if (modules.length === 0) {
    io.stderr.write(noModulesMessage('check', workspace.directory));
    // JSON is always a whole document on stdout, an empty one here.
    if (flags.json) printJson(io, { ok: false, results: [] });
    return ExitCode.problem;
  }

  const live = io.stderr.isTTY === true;
  if (live) io.stderr.write(`Checking ${modules.length} processing module${modules.length === 1 ? '' : 's'}...\n`);
  // Each result is kept as it arrives (one write at a time: the state file is changed under a lock),
  // so a run that is stopped while one module hangs still keeps the others' results.
  const keeper = resultKeeper();
  const byName = new Map(modules.map((module) => [module.parameters.name, module]));
  const results = await checkModules(modules, workspace.runtime(), (result) => {
    if (live) io.stderr.write(`  ${result.module}: ${resultText(result)}\n`);
    const module = byName.get(result.module);
    if (module) keeper.keep(() => recordCheck(workspace, module.id, result));
  });
  const busy = await keeper.done();

  const ok = results.every((result) => result.ok);
  if (flags.json) {
    printJson(io, { ok, results: results.map((result, i) => resultJson(modules[i] as StoredModule, result)) });
  } else {
    const rows = results.map((result, i) => {
      const module = modules[i] as StoredModule;
      return [module.parameters.name, PROVIDERS[module.provider].title, resultText(result)];
    });
    io.stdout.write(formatTable([{ title: 'Module' }, { title: 'Provider' }, { title: 'Connection' }], rows));
    // The table is the data (stdout); what failed and how to fix it is a report (stderr), as in every command.
    io.stderr.write(failureDetails(results.filter((result): result is ModuleFailure => !result.ok)));
  }
  // Printed above all the same: what the providers said is not lost to a busy lock.
  if (busy) io.stderr.write(`certops check: the results above are not kept as the last check: ${busy.message}\n`);
  return combinedExitCode([...results.map((result) => (result.ok ? ExitCode.ok : exitCodeOfCause(result.cause))), ...(busy ? [ExitCode.busy] : [])]);
}
