/**
 * Metrics for monitoring, in the Prometheus text exposition format (version 0.0.4) that
 * node_exporter's textfile collector reads: per processing module its balance, minimal balance
 * and last check; per certificate its expiration and next action; pending manual tasks per
 * department. Built from what certops keeps (configuration, state, inventory, tasks) without
 * asking any provider, so a cron job can run it every few minutes.
 *
 * What the textfile collector needs, and so what this file does:
 * - every family once, samples of a family together, HELP and TYPE before them;
 * - no two samples with one name and label set (the collector drops the whole file otherwise),
 *   so certificates are de-duplicated by module and certificate id;
 * - no sample timestamps (the collector refuses them): times are values, in Unix seconds;
 * - label values with backslash, double quote and line feed escaped;
 * - the file replaced by a rename, so a scrape never reads half of it; the collector reads
 *   *.prom only, and the temporary file is named otherwise.
 *
 * No secret is read into the text: only names, providers, currencies, domains and departments.
 */
import { randomBytes } from 'node:crypto';
import { open, realpath, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { formatDay, parseDay, type Day } from '../rules/calendar.js';
import type { StoredModule } from './store.js';
import { pendingCounts, type PendingCount } from './tasks.js';
import { REISSUE_STAGES } from '../rules/reissue-lifecycle.js';
import { reissueStatus, type ReissueStatus } from './reissue/status.js';
import { buildTimeline, dueDate, type Timeline, type TimelineEntry } from './timeline.js';
import type { Workspace, WorkspaceState } from './workspace.js';

/** Everything the metrics are made of, read from a workspace (collectMetrics) or given by a test. */
export interface MetricsSource {
  readonly modules: readonly StoredModule[];
  readonly state: WorkspaceState;
  readonly timeline: Timeline;
  readonly pending: readonly PendingCount[];
  readonly generatedAt: Date;
  readonly today: Day;
  /**
   * Per-certificate series only for certificates due within this many days of today (overdue
   * included); null for every certificate. The per-module counts always cover all of them.
   */
  readonly withinDays: number | null;
  /** The reissues the ledger follows (in flight, and finished in the last 30 days). */
  readonly reissues: ReissueStatus;
}

export interface Exposition {
  readonly text: string;
  /** Samples in the text: what a Prometheus server will hold as series. */
  readonly series: number;
}

export function collectMetrics(workspace: Workspace, options: { readonly today: Day; readonly now?: Date; readonly withinDays?: number | null }): MetricsSource {
  return {
    modules: workspace.store.read().modules,
    state: workspace.state.read(),
    timeline: buildTimeline(workspace, options.today),
    pending: pendingCounts(workspace),
    generatedAt: options.now ?? new Date(),
    today: options.today,
    withinDays: options.withinDays ?? null,
    reissues: reissueStatus(workspace, { today: options.today }),
  };
}

const NEEDS_ESCAPE = /[\\"\n]/;

/** A label value as the exposition format writes it: \\, \" and \n. */
export function escapeLabelValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

const isoSeconds = (iso: string | undefined | null): number | null => {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms / 1000;
};

/** A UTC calendar day as the Unix time of its first second (the hour is not known). */
const daySeconds = (text: string | null): number | null => {
  if (text === null) return null;
  const parsed = parseDay(text);
  return parsed.ok ? parsed.value * 86_400 : null;
};

const labels = (pairs: readonly (readonly [string, string])[]) => `{${pairs.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;

/** Families in order; each writes its HELP and TYPE only when it has samples. */
class Writer {
  readonly lines: string[] = [];
  series = 0;

  family(name: string, help: string, samples: Iterable<readonly [labels: string, value: number]>): void {
    let first = true;
    for (const [labelText, value] of samples) {
      if (first) {
        this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
        first = false;
      }
      this.lines.push(`${name}${labelText} ${formatValue(value)}`);
      this.series += 1;
    }
  }
}

const ACTIONS_COUNTED = ['reissue', 'notify-client', 'manual-task', 'none', 'end-of-term'] as const;

export function buildMetrics(source: MetricsSource): Exposition {
  const out = new Writer();
  const { modules, state } = source;
  const moduleLabel = new Map(modules.map((m) => [m.id, `module="${escapeLabelValue(m.parameters.name)}"`]));
  const withProvider = (m: StoredModule) => `{${moduleLabel.get(m.id)},provider="${escapeLabelValue(m.provider)}"}`;
  const only = (m: StoredModule) => `{${moduleLabel.get(m.id)}}`;

  out.family('certops_metrics_generated_timestamp_seconds', 'When certops wrote these metrics (Unix seconds); alert when it gets old.', [['', source.generatedAt.getTime() / 1000]]);

  out.family(
    'certops_module_check_success',
    'Whether the last connection check of the processing module succeeded (1) or failed (0).',
    modules.flatMap((m) => {
      const check = state.checks[String(m.id)];
      return check ? [[withProvider(m), check.ok ? 1 : 0] as const] : [];
    }),
  );
  out.family(
    'certops_module_check_timestamp_seconds',
    'When the last connection check of the processing module ran (Unix seconds).',
    modules.flatMap((m) => {
      const at = isoSeconds(state.checks[String(m.id)]?.at);
      return at === null ? [] : [[only(m), at] as const];
    }),
  );
  out.family(
    'certops_module_balance',
    'The last balance read from the provider account of the processing module, in its currency.',
    modules.flatMap((m) => {
      const balance = state.balances[String(m.id)];
      return balance ? [[`{${moduleLabel.get(m.id)},provider="${escapeLabelValue(m.provider)}",currency="${escapeLabelValue(balance.currency)}"}`, balance.amount] as const] : [];
    }),
  );
  out.family(
    'certops_module_balance_timestamp_seconds',
    'When the balance of the processing module was last read (Unix seconds).',
    modules.flatMap((m) => {
      const at = isoSeconds(state.balances[String(m.id)]?.at);
      return at === null ? [] : [[only(m), at] as const];
    }),
  );
  out.family(
    'certops_module_minimal_balance',
    'The processing module minimal balance (absent when the module has none).',
    modules.flatMap((m) => (m.parameters.minimalBalance === null ? [] : [[withProvider(m), m.parameters.minimalBalance] as const])),
  );
  out.family(
    'certops_module_balance_below_minimal',
    'Whether the last balance read (what can be spent, where the provider tells it apart) is under the processing module minimal balance (1) or not (0).',
    modules.flatMap((m) => {
      const balance = state.balances[String(m.id)];
      const min = m.parameters.minimalBalance;
      return balance && min !== null ? [[only(m), (balance.available ?? balance.amount) < min ? 1 : 0] as const] : [];
    }),
  );
  out.family(
    'certops_module_balance_available',
    'What can be spent of the last balance, where the provider tells it apart (eNom AvailableBalance); the minimal balance is compared with it.',
    modules.flatMap((m) => {
      const balance = state.balances[String(m.id)];
      return balance && typeof balance.available === 'number' ? [[`{${moduleLabel.get(m.id)},provider="${escapeLabelValue(m.provider)}",currency="${escapeLabelValue(balance.currency)}"}`, balance.available] as const] : [];
    }),
  );

  const syncs = new Map(source.timeline.modules.map((m) => [m.id, m]));
  out.family(
    'certops_inventory_synced_timestamp_seconds',
    'When the certificate list of the processing module was last synced successfully (Unix seconds).',
    modules.flatMap((m) => {
      const at = isoSeconds(syncs.get(m.id)?.syncedAt);
      return at === null ? [] : [[only(m), at] as const];
    }),
  );
  out.family(
    'certops_inventory_sync_success',
    'Whether the last sync of the processing module succeeded (1) or failed and the previous list is kept (0).',
    modules.flatMap((m) => {
      const sync = syncs.get(m.id);
      if (!sync || (sync.syncedAt === null && sync.failure === null)) return [];
      return [[only(m), sync.failure === null ? 1 : 0] as const];
    }),
  );
  out.family(
    'certops_inventory_certificates',
    'Certificates in the last synced list of the processing module.',
    modules.flatMap((m) => {
      const sync = syncs.get(m.id);
      return sync && sync.syncedAt !== null ? [[only(m), sync.certificates] as const] : [];
    }),
  );

  // Per module and action, over every certificate, so alerts on counts work whatever --within says.
  const perAction = new Map<number, Map<string, number>>();
  const overdue = new Map<number, number>();
  for (const entry of source.timeline.entries) {
    let counts = perAction.get(entry.moduleId);
    if (!counts) perAction.set(entry.moduleId, (counts = new Map()));
    counts.set(entry.action, (counts.get(entry.action) ?? 0) + 1);
    if (entry.overdue) overdue.set(entry.moduleId, (overdue.get(entry.moduleId) ?? 0) + 1);
  }
  out.family(
    'certops_certificates',
    'Certificates of the processing module by their next action under the reissue policy.',
    modules.flatMap((m) => {
      const counts = perAction.get(m.id);
      if (!counts) return [];
      return ACTIONS_COUNTED.filter((action) => counts.has(action)).map((action) => [`{${moduleLabel.get(m.id)},action="${action}"}`, counts.get(action) ?? 0] as const);
    }),
  );
  out.family(
    'certops_certificates_overdue',
    'Certificates of the processing module whose action date has passed.',
    modules.flatMap((m) => (syncs.get(m.id)?.syncedAt ? [[only(m), overdue.get(m.id) ?? 0] as const] : [])),
  );
  out.family(
    'certops_tasks_pending',
    'Open manual tasks of the department (departments of the processing modules are listed with 0).',
    source.pending.map((p) => [labels([['department', p.department]]), p.open] as const),
  );

  // Reissues per module and shown stage (stuck counted apart from the stage it stalled in), and
  // the age of the oldest one in flight: what an alert on stalled reissues needs.
  const perStage = new Map<number, Map<string, number>>();
  const oldest = new Map<number, number>();
  const nowSeconds = source.generatedAt.getTime() / 1000;
  for (const entry of source.reissues.reissues) {
    let counts = perStage.get(entry.moduleId);
    if (!counts) perStage.set(entry.moduleId, (counts = new Map()));
    counts.set(entry.stage, (counts.get(entry.stage) ?? 0) + 1);
    if (!['served', 'failed', 'cancelled'].includes(entry.stage)) {
      const age = Math.max(0, nowSeconds - Date.parse(entry.openedAt) / 1000);
      oldest.set(entry.moduleId, Math.max(oldest.get(entry.moduleId) ?? 0, age));
    }
  }
  out.family(
    'certops_reissues',
    'Reissues followed by the ledger, by stage (in flight, and finished within the last 30 days).',
    modules.flatMap((m) => {
      const counts = perStage.get(m.id);
      return REISSUE_STAGES.map((stage) => [`{${moduleLabel.get(m.id)},stage="${stage}"}`, counts?.get(stage) ?? 0] as const);
    }),
  );
  out.family(
    'certops_reissue_oldest_in_flight_seconds',
    'Age of the oldest reissue of the processing module not yet served, failed or cancelled: since it was submitted or found (0 when none).',
    modules.map((m) => [only(m), Math.round(oldest.get(m.id) ?? 0)] as const),
  );

  const limit = source.withinDays === null ? null : formatDay((source.today + source.withinDays) as Day);
  const certificates: TimelineEntry[] = [];
  const seen = new Set<string>();
  for (const entry of source.timeline.entries) {
    if (limit !== null && dueDate(entry) > limit) continue;
    const key = `${entry.moduleId}\u0000${entry.certificateId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    certificates.push(entry);
  }
  // The certificate labels are escaped once and shared by both families.
  const certificateLabels = certificates.map(
    (e) => `${moduleLabel.get(e.moduleId) ?? `module="${escapeLabelValue(e.module)}"`},certificate_id="${escapeLabelValue(e.certificateId)}",domain="${escapeLabelValue(e.domain)}"`,
  );
  out.family(
    'certops_certificate_expiration_timestamp_seconds',
    'When the certificate expires: the first second (UTC) of its expiration date.',
    (function* () {
      for (const [i, e] of certificates.entries()) {
        const at = daySeconds(e.expires);
        if (at !== null) yield [`{${certificateLabels[i]}}`, at] as const;
      }
    })(),
  );
  out.family(
    'certops_certificate_next_action_timestamp_seconds',
    'When the next action on the certificate is due (reissue, notify-client, manual-task): the first second (UTC) of its action date.',
    (function* () {
      for (const [i, e] of certificates.entries()) {
        // Policy none plans nothing, and the end of the paid term has no action date.
        if (e.action === 'none' || e.action === 'end-of-term') continue;
        const at = daySeconds(e.actionDate);
        if (at !== null) yield [`{${certificateLabels[i]},action="${e.action}"}`, at] as const;
      }
    })(),
  );
  out.lines.push('');
  return { text: out.lines.join('\n'), series: out.series };
}

/** The file could not be written; the previous one, if any, is untouched. */
export class MetricsWriteError extends Error {
  override readonly name = 'MetricsWriteError';
  constructor(
    readonly file: string,
    readonly code: string,
    detail: string,
  ) {
    super(`${file} cannot be written (${detail}); the previous file, if any, is unchanged`);
  }
}

/**
 * Replaces `file` with `text` atomically: a temporary file beside it (same file system, so the
 * rename is atomic; a name node_exporter does not read), written whole, flushed, mode 0644 (the
 * collector runs as another user; the metrics hold no secret), then renamed over the old one.
 *
 * Not atomically's writeFile: it writes a string with a single write() whose short count on a full
 * disk goes unchecked (the rename then installs a cut file), retries EACCES for seconds, and
 * creates missing folders, where a missing textfile folder is a mistake to report.
 */
export async function writeMetrics(file: string, text: string): Promise<void> {
  // A symbolic link is followed, as an editor would: the file it points at is replaced.
  const target = await realpath(file).catch(() => file);
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temporary, 'wx', 0o644);
    // writeFile on a handle loops until every byte is written, and rejects on ENOSPC or EFBIG.
    await handle.writeFile(text, 'utf8');
    await handle.chmod(0o644);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temporary, { force: true }).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new MetricsWriteError(file, code, `${code}: ${(error as Error).message.replace(/^\w+: /, '').replace(/, \w+ '.*'$/, '')}`);
  }
}
