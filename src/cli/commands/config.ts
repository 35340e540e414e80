/** `certops config`: the reissue policy in and out of billmgr.conf lines (SSLSubscriptionPolicy/Before). */
import { InputFileError, MIB, readInputFile } from '../../core/input-file.js';
import { billmgrConfLines, parseBillmgrConf, readPolicy } from '../../core/policy.js';
import type { ReissuePolicySettings } from '../../core/timeline.js';
import { didYouMean, parseFlags } from '../args.js';
import { openWorkspace, printJson, WAIT_FLAG, WAIT_HELP, WORKSPACE_FLAGS, WORKSPACE_HELP } from '../context.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { applyPolicy, parseToday } from './policy.js';

export const summary = 'import or export billmgr.conf and debug.conf lines';

export const help = `Usage: certops config export [options]
       certops config import <billmgr.conf> [--dry-run] [options]

Moves the reissue policy between certops and BILLmanager's billmgr.conf:

  Option SSLSubscriptionPolicy auto
  Option SSLSubscriptionBefore 10

"export" prints these two lines. "import" reads the SSLSubscriptionPolicy and
SSLSubscriptionBefore lines of a billmgr.conf (with or without "Option"; other lines are
ignored; the last one wins), shows what the change does to the next 30 days of the
timeline, and saves it. A file with only one of the two lines changes only that setting.
debug.conf lines (e.g. "pmglobalsign.* 9") are imported with: certops debug --import FILE

Options:
  --dry-run            import: show the preview only; save nothing
  --today YYYY-MM-DD   import: the first day of the preview (default: today, UTC)
${WAIT_HELP}
${WORKSPACE_HELP}

JSON: export prints {"policy", "beforeDays", "lines": ["Option SSLSubscriptionPolicy auto",
"Option SSLSubscriptionBefore 10"]}; import prints the same object as "certops policy set
--json" with "file" added; see docs/commands/config.md.

Exit codes: 0 exported or imported, 2 usage error, a missing file, a bad line (the message
gives its line number) or a file with neither line, 3 configuration problem, 5 another
certops process kept the configuration locked longer than --wait.

Examples:
  certops config export >> /usr/local/mgr5/etc/billmgr.conf
  certops config import /usr/local/mgr5/etc/billmgr.conf --dry-run
  ssh billing cat /usr/local/mgr5/etc/billmgr.conf | certops config import /dev/stdin
`;

/** billmgr.conf is a few KiB; more than this is the wrong file (or a device such as /dev/urandom). */
const MAX_CONF_BYTES = MIB;

const EXPORT_FLAGS = WORKSPACE_FLAGS;
const IMPORT_FLAGS = { ...WORKSPACE_FLAGS, ...WAIT_FLAG, 'dry-run': { type: 'boolean' }, today: { type: 'string' } } as const;

function exportLines(args: readonly string[], io: CliIo): number {
  const { flags, positionals } = parseFlags('config', args, EXPORT_FLAGS);
  if (flags.help) {
    io.stdout.write(help);
    return ExitCode.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, 'config');
  const settings = readPolicy(openWorkspace(flags, io, 'config'));
  const text = billmgrConfLines(settings);
  if (flags.json) printJson(io, { policy: settings.policy, beforeDays: settings.beforeDays, lines: text.trimEnd().split('\n') });
  else io.stdout.write(text);
  return ExitCode.ok;
}

async function importFile(args: readonly string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseFlags('config', args, IMPORT_FLAGS);
  if (flags.help) {
    io.stdout.write(help);
    return ExitCode.ok;
  }
  const [file, extra] = positionals;
  if (file === undefined) throw new UsageError('import needs the billmgr.conf file to read, e.g. certops config import /usr/local/mgr5/etc/billmgr.conf', 'config');
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}" (import reads one file)`, 'config');
  // Said as it is, not "<name> does not exist": an unset shell variable, or "-" taken for stdin.
  if (file === '') throw new UsageError('the file name is empty (an unset shell variable expands to nothing); give the billmgr.conf to read', 'config import');
  if (file === '-') throw new UsageError('import reads a file, not stdin ("-"); give the path of billmgr.conf, e.g. /usr/local/mgr5/etc/billmgr.conf', 'config import');
  const today = parseToday(flags.today, 'config');
  let text: string;
  try {
    text = readInputFile(file, MAX_CONF_BYTES);
  } catch (error) {
    if (error instanceof InputFileError) throw new UsageError(error.message, 'config');
    throw error;
  }
  const parsed = parseBillmgrConf(text);
  if (!parsed.ok) throw new UsageError(`${file}: ${parsed.error}`, 'config');
  const { policy, beforeDays } = parsed.value;
  if (policy === undefined && beforeDays === undefined) {
    throw new UsageError(`${file} has neither an SSLSubscriptionPolicy nor an SSLSubscriptionBefore line; nothing to import`, 'config');
  }
  const workspace = openWorkspace(flags, io, 'config');
  const current = readPolicy(workspace);
  const candidate: ReissuePolicySettings = { policy: policy ?? current.policy, beforeDays: beforeDays ?? current.beforeDays };
  const dryRun = flags['dry-run'] ?? false;
  if (flags.json) return applyPolicy(workspace, candidate, { dryRun, json: true, today, command: 'config import', jsonExtra: { file } }, io);
  io.stderr.write(`certops config import: read ${[policy === undefined ? null : 'SSLSubscriptionPolicy', beforeDays === undefined ? null : 'SSLSubscriptionBefore'].filter(Boolean).join(' and ')} from ${file}\n`);
  return applyPolicy(workspace, candidate, { dryRun, json: false, today, command: 'config import' }, io);
}

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'export') return exportLines(rest, io);
  if (sub === 'import') return importFile(rest, io);
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(help);
    return ExitCode.ok;
  }
  throw new UsageError(sub === undefined || sub.startsWith('-') ? 'give a subcommand: export or import' : `unknown subcommand "${sub}"${didYouMean(sub, ['export', 'import'])}; use export or import`, 'config');
}
