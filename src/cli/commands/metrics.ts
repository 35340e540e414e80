/**
 * `certops metrics`: the Prometheus text format for node_exporter's textfile collector, written
 * atomically with --textfile (for cron) or printed. Reads what certops keeps; asks no provider.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildMetrics, collectMetrics, MetricsWriteError, writeMetrics } from '../../core/metrics.js';
import { dayOfInstant, parseDay, type Day } from '../../rules/calendar.js';
import { noPositionals, parseFlags } from '../args.js';
import { openWorkspace } from '../context.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { noModulesMessage } from './check.js';

export const summary = 'Prometheus metrics for node_exporter (balances, checks, expirations, tasks)';

const MAX_WITHIN_DAYS = 36_500;

export const help = `Usage: certops metrics [--textfile PATH] [options]

Writes metrics in the Prometheus text format for node_exporter's textfile collector:
per processing module its balance, minimal balance, last check and last sync; per
certificate its expiration and next action; open manual tasks per department. Reads the
configuration, the last checks and balances, the inventory of the last sync and the manual
tasks; asks no provider (run certops check, balance and sync for fresh data).

Options:
  --textfile PATH      write to PATH (a *.prom file in the collector's folder) atomically:
                       a scrape sees the old file or the new one, never half of one; mode 0644.
                       Without it the metrics go to stdout.
  --within N           per-certificate series only for certificates due within N days
                       (N or Nd, overdue included); the per-module counts still cover all.
                       Default: every certificate (see the cardinality note in docs).
  --today YYYY-MM-DD   the day to plan from (default: today, UTC)
  --config-dir DIR     the configuration folder (default: $CERTOPS_CONFIG_DIR, else ~/.config/certops)
  --json               not taken: the metrics are the Prometheus text format (certops balance,
                       check, timeline and tasks --json give the same numbers as JSON)
  --no-color           taken, and changes nothing (the output has no colour)
  -h, --help           show this help

Metrics (gauges; times in Unix seconds): certops_module_balance, certops_module_minimal_balance,
certops_module_balance_below_minimal, certops_module_check_success,
certops_module_check_timestamp_seconds, certops_inventory_synced_timestamp_seconds,
certops_certificate_expiration_timestamp_seconds, certops_certificate_next_action_timestamp_seconds,
certops_tasks_pending, certops_metrics_generated_timestamp_seconds and more: docs/commands/metrics.md.

Exit codes: 0 written, 1 the file could not be written (the previous one is unchanged),
2 usage error, 3 configuration problem.

Examples:
  certops metrics --textfile /var/lib/prometheus/node-exporter/certops.prom
  certops metrics --within 45d --textfile /var/lib/prometheus/node-exporter/certops.prom
  certops metrics | grep certops_module_balance
`;

const FLAGS = {
  'config-dir': { type: 'string' },
  textfile: { type: 'string' },
  within: { type: 'string' },
  today: { type: 'string' },
  json: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseWithin(text: string): number {
  const match = /^(\d+)d?$/.exec(text.trim());
  const days = match ? Number(match[1]) : NaN;
  if (!(days >= 0 && days <= MAX_WITHIN_DAYS)) {
    throw new UsageError(`--within: must be a whole number of days from 0 to ${MAX_WITHIN_DAYS}, written N or Nd, e.g. 90d (got "${text}")`, 'metrics');
  }
  return days;
}

/** The textfile collector reads *.prom files of an existing folder: anything else is a mistake. */
function checkTextfile(path: string): string {
  const file = resolve(path);
  if (!file.endsWith('.prom')) throw new UsageError(`--textfile: node_exporter's textfile collector reads only files named *.prom (got "${path}")`, 'metrics');
  const folder = dirname(file);
  let kind: 'folder' | 'other' | 'missing';
  try {
    kind = statSync(folder).isDirectory() ? 'folder' : 'other';
  } catch {
    kind = 'missing';
  }
  if (kind !== 'folder') throw new UsageError(`--textfile: the folder ${folder} ${kind === 'missing' ? 'does not exist' : 'is not a folder'} (it must be the collector's --collector.textfile.directory)`, 'metrics');
  try {
    if (statSync(file).isDirectory()) throw new UsageError(`--textfile: ${file} is a folder; give a file in it, e.g. ${file}/certops.prom`, 'metrics');
  } catch (error) {
    if (error instanceof UsageError) throw error;
  }
  return file;
}

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseFlags('metrics', args, FLAGS);
  if (flags.help) {
    io.stdout.write(help);
    return ExitCode.ok;
  }
  noPositionals('metrics', positionals);
  if (flags.json) {
    throw new UsageError('--json: metrics has no JSON form; it prints the Prometheus text format (certops balance, check, timeline and tasks --json give the same numbers as JSON)', 'metrics');
  }
  let today: Day = dayOfInstant(new Date());
  if (flags.today !== undefined) {
    const parsed = parseDay(flags.today);
    if (!parsed.ok) throw new UsageError(`--today: ${parsed.error} (UTC, e.g. 2026-11-23)`, 'metrics');
    today = parsed.value;
  }
  const withinDays = flags.within === undefined ? null : parseWithin(flags.within);
  const file = flags.textfile === undefined ? null : checkTextfile(flags.textfile);

  const workspace = openWorkspace(flags, io, 'metrics');
  const started = performance.now();
  const { text, series } = buildMetrics(collectMetrics(workspace, { today, withinDays }));
  // Nothing set up yet is exit 1 in every command that works on the modules (README, "Exit codes");
  // the metrics are written all the same, so a scrape sees when they were made.
  const unset = workspace.store.read().modules.length === 0;
  if (unset) io.stderr.write(noModulesMessage('metrics'));
  const done = unset ? ExitCode.problem : ExitCode.ok;
  if (file === null) {
    io.stdout.write(text);
    return done;
  }
  try {
    await writeMetrics(file, text);
  } catch (error) {
    if (!(error instanceof MetricsWriteError)) throw error;
    io.stderr.write(`certops metrics: ${error.message}\n`);
    return ExitCode.problem;
  }
  // Quiet for cron (which mails any output); a person at a terminal is told what happened.
  if (io.stderr.isTTY) io.stderr.write(`certops metrics: wrote ${series} series to ${file} in ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
  return done;
}
