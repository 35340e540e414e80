/** `certops sync`: refresh the certificate inventory from the providers, with a progress line on a TTY. */
import type { StoredModule } from '../../core/store.js';
import { SHRINK_MIN_LOST, SHRINK_REFUSED, syncModules, type SyncProgress, type SyncResult } from '../../core/sync.js';
import { PROVIDERS } from '../../providers/catalog.js';
import { parseFlags } from '../args.js';
import { openWorkspace, printJson, WAIT_FLAG, WAIT_HELP, WORKSPACE_FLAGS, WORKSPACE_HELP } from '../context.js';
import { combinedExitCode, ExitCode, exitCodeOfCause } from '../exit-codes.js';
import type { CliIo, OutputStream } from '../io.js';
import { formatTable } from '../table.js';
import { causeLabel, noModulesMessage, selectModules } from './check.js';

export const summary = 'refresh the certificate inventory from the providers';

export const help = `Usage: certops sync [<name>...] [--all] [options]

Lists every certificate of each module's account at its provider, all modules at once, and
keeps the lists as the inventory that certops timeline reads offline. A module's list is
replaced only when it was read to the end: when a module fails, its previous list is kept
whole. A list that would lose more than half of a module's certificates at once (and at
least ${SHRINK_MIN_LOST} of them) is not taken either: the previous list is kept, the module is reported as
"shrink refused, N → M", and --accept-shrink takes it once the loss is confirmed real.
On a terminal, a progress line on stderr shows "listed N of M" per module.
No names means every module.

Options:
  --all                every module (the default when no name is given)
  --accept-shrink      take the new lists even where they lose most of a module's certificates
${WAIT_HELP}
${WORKSPACE_HELP}

JSON (--json): {"ok", "results": [{"module", "moduleId", "provider", "ok": true,
"certificates", "seconds"} or {"module", "moduleId", "provider", "ok": false, "cause",
"causeLabel", "detail", "kept", "lastSyncedAt", "shrink": {"before", "after"} or null}]};
see docs/commands/sync.md.

Exit codes: 0 every module synced; 1 a provider answered and refused (credentials, IP
address), or no module is set up; 2 usage error or unknown module name; 3 configuration
problem; 4 a provider could not be reached, timed out or did not answer as its API does.
A list refused as a shrink is 1 too (a person should look).
Mixed: 1 before 3 before 4. A failed module's previous list is kept either way. 5: another
certops process kept a file locked longer than --wait.

Examples:
  certops sync
  certops sync "eNom main" --json
  certops sync && certops timeline --within 30d
`;

const FLAGS = { ...WORKSPACE_FLAGS, ...WAIT_FLAG, all: { type: 'boolean' }, 'accept-shrink': { type: 'boolean' } } as const;

const DRAW_INTERVAL_MS = 80;

/** One progress line on stderr, rewritten in place with \\r; only ever used on a terminal. */
function progressLine(stderr: OutputStream, modules: readonly StoredModule[]) {
  const latest = new Map<string, SyncProgress>();
  const columns = Math.max(20, ((stderr as { columns?: number }).columns ?? 80) - 1);
  let shown = 0;
  let lastDraw = 0;
  let pending: NodeJS.Timeout | null = null;
  const draw = (force: boolean) => {
    const now = Date.now();
    if (!force && now - lastDraw < DRAW_INTERVAL_MS) {
      // Drawn at most every DRAW_INTERVAL_MS, and the latest state always drawn in the end.
      pending ??= setTimeout(() => {
        pending = null;
        draw(true);
      }, DRAW_INTERVAL_MS - (now - lastDraw)).unref();
      return;
    }
    lastDraw = now;
    const parts = modules.map((module) => {
      const progress = latest.get(module.parameters.name);
      if (!progress) return `${module.parameters.name}: waiting`;
      return `${module.parameters.name}: listed ${progress.listed}${progress.total === null ? '' : ` of ${progress.total}`}`;
    });
    let line = `Syncing ${parts.join(' · ')}`;
    if (line.length > columns) line = `${line.slice(0, columns - 3)}...`;
    stderr.write(`\r${line.padEnd(shown)}`);
    shown = line.length;
  };
  draw(true);
  return {
    update(progress: SyncProgress) {
      latest.set(progress.module, progress);
      draw(false);
    },
    clear() {
      if (pending) clearTimeout(pending);
      stderr.write(`\r${' '.repeat(shown)}\r`);
    },
  };
}

/** The label of a sync failure's cause: a provider's failure, or a list refused as a shrink. */
function syncCauseLabel(cause: string): string {
  return cause === SHRINK_REFUSED ? 'shrink refused' : causeLabel(cause);
}

function resultJson(module: StoredModule, result: SyncResult, lastSyncedAt: string | null) {
  const base = { module: module.parameters.name, moduleId: module.id, provider: module.provider };
  if (result.ok) return { ...base, ok: true, certificates: result.certificates, seconds: Math.round(result.seconds * 1000) / 1000 };
  return { ...base, ok: false, cause: result.cause, causeLabel: syncCauseLabel(result.cause), detail: result.detail, kept: result.kept, lastSyncedAt, shrink: result.shrink ?? null };
}

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseFlags('sync', args, FLAGS);
  if (flags.help) {
    io.stdout.write(help);
    return ExitCode.ok;
  }
  const workspace = openWorkspace(flags, io, 'sync');
  const modules = selectModules(workspace, positionals, flags.all ?? false, 'sync');
  if (modules.length === 0) {
    io.stderr.write(noModulesMessage('sync'));
    // JSON is always a whole document on stdout, an empty one here.
    if (flags.json) printJson(io, { ok: false, results: [] });
    return ExitCode.problem;
  }
  const progress = io.stderr.isTTY === true ? progressLine(io.stderr, modules) : null;
  let results: SyncResult[];
  try {
    results = await syncModules(workspace, modules, workspace.runtime(), progress ? (p) => progress.update(p) : undefined, undefined, { acceptShrink: flags['accept-shrink'] ?? false });
  } finally {
    progress?.clear();
  }
  // When each module last synced in full: for a failed one, the age of the list that was kept.
  const inventory = workspace.inventory.read();
  const lastSynced = (module: StoredModule) => inventory.modules[String(module.id)]?.syncedAt ?? null;

  const ok = results.every((result) => result.ok);
  if (flags.json) {
    printJson(io, { ok, results: results.map((result, i) => resultJson(modules[i] as StoredModule, result, lastSynced(modules[i] as StoredModule))) });
  } else {
    const rows = results.map((result, i) => {
      const module = modules[i] as StoredModule;
      const name = [module.parameters.name, PROVIDERS[module.provider].title];
      if (result.ok) return [...name, 'synced', String(result.certificates)];
      if (result.shrink) return [...name, `KEPT: shrink refused, ${result.shrink.before} → ${result.shrink.after}`, `${result.kept} kept`];
      return [...name, `FAILED: ${causeLabel(result.cause)}`, `${result.kept} kept`];
    });
    io.stdout.write(formatTable([{ title: 'Module' }, { title: 'Provider' }, { title: 'Result' }, { title: 'Certificates', align: 'right' }], rows));
    for (const [i, result] of results.entries()) {
      if (result.ok) continue;
      if (result.shrink) {
        io.stderr.write(`\n${result.module}: ${result.detail}\n`);
        continue;
      }
      const at = lastSynced(modules[i] as StoredModule);
      const kept = at === null ? 'there is no earlier list to keep' : `the list of ${result.kept} certificate${result.kept === 1 ? '' : 's'} from ${at} is kept`;
      // Failure reports go to stderr under the table (stdout), as in every command.
      io.stderr.write(`\n${result.module}: ${causeLabel(result.cause)}: ${result.detail}\n  ${kept}\n`);
    }
  }
  return combinedExitCode(results.map((result) => (result.ok ? ExitCode.ok : exitCodeOfCause(result.cause))));
}
