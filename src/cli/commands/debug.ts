/** `certops debug`: the debug level (0-9) of each module log, as BILLmanager's debug.conf sets them. */
import { join } from 'node:path';
import { parseDebugConf } from '../../core/debug-conf.js';
import { InputFileError, MIB, readInputFile } from '../../core/input-file.js';
import type { Workspace } from '../../core/workspace.js';
import { PROVIDER_IDS, PROVIDERS, type ProviderId } from '../../providers/catalog.js';
import { DEFAULT_LOG_LEVEL, LOG_LEVELS, type LogLevel } from '../../providers/log.js';
import { parseFlags } from '../args.js';
import { openWorkspace, printJson, WAIT_FLAG, WAIT_HELP, WORKSPACE_FLAGS, WORKSPACE_HELP } from '../context.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

export const summary = 'set the debug level (0-9) of a module log';

const LOG_NAMES = PROVIDER_IDS.map((id) => PROVIDERS[id].logName);

export const help = `Usage: certops debug [options]                 list the module logs and their levels
       certops debug <log> <level> [options]     set one log's level
       certops debug --import <debug.conf> [options]
       certops debug --export [options]          print the levels set, as debug.conf lines

Each processing module kind writes its own log, named as in BILLmanager
(${LOG_NAMES.map((name) => `${name}.log`).join(', ')}),
at a debug level from 0 to 9:
${Object.entries(LOG_LEVELS)
  .map(([level, meaning]) => `  ${level}  ${meaning}`)
  .join('\n')}
A level writes everything of the levels below it; the default is ${DEFAULT_LOG_LEVEL}. Passwords, tokens and
authinfo are masked in every log line, at every level.

<log> is a log name (${LOG_NAMES.join(', ')}),
also written "pmglobalsign.*" as in debug.conf (quote it in a shell), or a provider
(${PROVIDER_IDS.join(', ')}). --import reads debug.conf lines
such as "pmglobalsign.* 9" and sets the logs it knows; other logs are reported and skipped.

Options:
  --import FILE        set the levels of a debug.conf file
  --export             print the levels that were set, as debug.conf lines
  --dry-run            show what would change; save nothing
${WAIT_HELP}
${WORKSPACE_HELP}

JSON: the list is {"logDirectory", "logs": [{"log", "provider", "level", "meaning", "default",
"file"}]}; set and --import print {"saved", "changes": [{"log", "provider", "from", "to",
"meaning"}], "skipped": [{"log", "level", "reason"}]}; --export prints {"lines": [...]};
see docs/commands/debug.md.

Exit codes: 0 listed or set, 2 usage error (unknown log, a level outside 0-9, a missing file,
a bad debug.conf line with its number), 3 configuration problem, 5 another certops process
kept the configuration locked longer than --wait.

Examples:
  certops debug
  certops debug pmglobalsign 9
  certops debug 'pmenomssl.*' 4 --json
  certops debug --import /usr/local/mgr5/etc/debug.conf --dry-run
`;

const FLAGS = {
  ...WORKSPACE_FLAGS,
  import: { type: 'string' },
  export: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  ...WAIT_FLAG,
} as const;

const providerOfLog = (log: string): ProviderId | undefined => PROVIDER_IDS.find((id) => PROVIDERS[id].logName === log);
const meaningOf = (level: number) => LOG_LEVELS[level as LogLevel] ?? '';

/** A log name as typed: pmglobalsign, pmglobalsign.*, or the provider id globalsign. */
function resolveLog(text: string): string | undefined {
  const name = text.trim().toLowerCase().replace(/\.\*$/, '');
  if (LOG_NAMES.includes(name)) return name;
  return PROVIDER_IDS.includes(name as ProviderId) ? PROVIDERS[name as ProviderId].logName : undefined;
}

function parseLevel(text: string): number {
  if (!/^\d$/.test(text.trim())) throw new UsageError(`<level>: must be a whole number from 0 to 9 (got "${text}")`, 'debug');
  return Number(text);
}

interface Change {
  readonly log: string;
  readonly from: number;
  readonly to: number;
}

interface Skipped {
  readonly log: string;
  readonly level: number;
  readonly reason: string;
}

/** Sets levels in the configuration (under its lock), or says what it would set on a dry run. */
async function setLevels(workspace: Workspace, wanted: ReadonlyMap<string, number>, dryRun: boolean): Promise<Change[]> {
  const changesOf = (current: Readonly<Record<string, number>>) =>
    [...wanted].map(([log, level]) => ({ log, from: current[log] ?? DEFAULT_LOG_LEVEL, to: level }));
  if (dryRun) return changesOf(workspace.store.read().debugLevels);
  return workspace.store.update((data) => ({
    data: { ...data, debugLevels: { ...data.debugLevels, ...Object.fromEntries(wanted) } },
    result: changesOf(data.debugLevels),
  }));
}

function report(io: CliIo, changes: readonly Change[], skipped: readonly Skipped[], options: { json: boolean; dryRun: boolean; logDirectory: string }): void {
  if (options.json) {
    printJson(io, {
      saved: !options.dryRun,
      changes: changes.map((change) => ({ log: change.log, provider: providerOfLog(change.log) ?? null, from: change.from, to: change.to, meaning: meaningOf(change.to) })),
      skipped,
    });
  } else {
    for (const change of changes) {
      const what = change.from === change.to ? `${change.to} (unchanged)` : `${change.from} -> ${change.to}`;
      io.stdout.write(`${change.log}: ${what}: ${meaningOf(change.to)}\n`);
    }
  }
  for (const skip of skipped) io.stderr.write(`certops debug: skipped "${skip.log}": ${skip.reason}\n`);
  if (!options.json && changes.some((change) => change.to >= 9 && change.from < 9)) {
    io.stderr.write(`note: level 9 writes whole requests and responses to ${options.logDirectory} (secrets masked); set it back when done\n`);
  }
  if (options.dryRun) io.stderr.write('certops debug: dry run: nothing was saved\n');
}

function list(workspace: Workspace, io: CliIo, json: boolean): number {
  const levels = workspace.store.read().debugLevels;
  const logs = PROVIDER_IDS.map((id) => {
    const log = PROVIDERS[id].logName;
    const level = levels[log] ?? DEFAULT_LOG_LEVEL;
    return { log, provider: id, level, meaning: meaningOf(level), default: levels[log] === undefined, file: join(workspace.logDirectory, `${log}.log`) };
  });
  if (json) {
    printJson(io, { logDirectory: workspace.logDirectory, logs });
    return ExitCode.ok;
  }
  const rows = logs.map((entry) => [entry.log, PROVIDERS[entry.provider].title, String(entry.level), `${entry.meaning}${entry.default ? ' (default)' : ''}`]);
  io.stdout.write(formatTable([{ title: 'Log' }, { title: 'Provider' }, { title: 'Level', align: 'right' }, { title: 'Meaning' }], rows));
  io.stdout.write(`\nLog files: ${join(workspace.logDirectory, '<log>.log')}\n`);
  return ExitCode.ok;
}

function exportLines(workspace: Workspace, io: CliIo, json: boolean): number {
  const levels = workspace.store.read().debugLevels;
  const lines = LOG_NAMES.filter((log) => levels[log] !== undefined).map((log) => `${log}.* ${levels[log]}`);
  if (json) printJson(io, { lines });
  else io.stdout.write(lines.map((line) => `${line}\n`).join(''));
  return ExitCode.ok;
}

function readDebugConf(file: string): { wanted: Map<string, number>; skipped: Skipped[] } {
  let text: string;
  try {
    // debug.conf is a few lines; the limit keeps a device or a wrong file from being read forever.
    text = readInputFile(file, MIB);
  } catch (error) {
    if (error instanceof InputFileError) throw new UsageError(`--import: ${error.message}`, 'debug');
    throw error;
  }
  const parsed = parseDebugConf(text);
  if (!parsed.ok) throw new UsageError(`--import: ${file}: ${parsed.error}`, 'debug');
  const wanted = new Map<string, number>();
  const skipped: Skipped[] = [];
  for (const { logName, level } of parsed.value) {
    const log = resolveLog(logName);
    // Only the processing modules' logs are certops' own; BILLmanager's other logs stay with it.
    if (log === undefined || log !== logName.toLowerCase()) skipped.push({ log: logName, level, reason: `not a processing module log (${LOG_NAMES.join(', ')})` });
    else wanted.set(log, level);
  }
  return { wanted, skipped };
}

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseFlags('debug', args, FLAGS);
  if (flags.help) {
    io.stdout.write(help);
    return ExitCode.ok;
  }
  const json = flags.json ?? false;
  const dryRun = flags['dry-run'] ?? false;
  const modes = [flags.import !== undefined, flags.export === true, positionals.length > 0].filter(Boolean).length;
  if (modes > 1) throw new UsageError('give one of: <log> <level>, --import FILE or --export', 'debug');

  if (flags.import !== undefined) {
    const { wanted, skipped } = readDebugConf(flags.import);
    if (wanted.size === 0) {
      for (const skip of skipped) io.stderr.write(`certops debug: skipped "${skip.log}": ${skip.reason}\n`);
      throw new UsageError(`--import: ${flags.import} sets no processing module log (${LOG_NAMES.join(', ')}); nothing to import`, 'debug');
    }
    const workspace = openWorkspace(flags, io, 'debug');
    report(io, await setLevels(workspace, wanted, dryRun), skipped, { json, dryRun, logDirectory: workspace.logDirectory });
    return ExitCode.ok;
  }
  if (positionals.length > 0) {
    if (positionals.length !== 2) throw new UsageError('give a log and a level, e.g. certops debug pmglobalsign 9', 'debug');
    const [logText, levelText] = positionals as [string, string];
    const log = resolveLog(logText);
    if (log === undefined) throw new UsageError(`<log>: "${logText}" is not a module log; the logs are ${LOG_NAMES.join(', ')}`, 'debug');
    const level = parseLevel(levelText);
    const workspace = openWorkspace(flags, io, 'debug');
    report(io, await setLevels(workspace, new Map([[log, level]]), dryRun), [], { json, dryRun, logDirectory: workspace.logDirectory });
    return ExitCode.ok;
  }
  if (dryRun) throw new UsageError('--dry-run goes with <log> <level> or --import', 'debug');
  const workspace = openWorkspace(flags, io, 'debug');
  return flags.export ? exportLines(workspace, io, json) : list(workspace, io, json);
}
