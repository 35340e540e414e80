/**
 * Use case: the reissues in flight, as the ledger holds them (`certops reissue status` and the
 * console's "Reissues in flight"). Every record not yet finished, and the finished ones (served,
 * failed, cancelled) for 30 days after they finished; all of them when asked.
 */
import { addDays, formatDay, type Day } from '../../rules/calendar.js';
import { servedDeadline, type ReissueStage } from '../../rules/reissue-lifecycle.js';
import type { Workspace } from '../workspace.js';
import { Ledger, ledgerFile, shownStage, UNSUCCESSFUL_STAGES, type LedgerFiles, type LedgerRecord, type LedgerValidation } from './ledger.js';

/** Finished records stay listed this long after they finished. */
export const FINISHED_SHOWN_DAYS = 30;

export interface ReissueStatusEntry {
  /** The ledger record's id. */
  readonly id: string;
  readonly module: string;
  readonly moduleId: number;
  readonly domain: string;
  readonly certificateId: string;
  readonly newCertificateId: string | null;
  readonly stage: ReissueStage;
  /** The stage it stalled in, when `stage` is stuck. */
  readonly stuckIn?: ReissueStage;
  readonly since: string;
  /** When the reissue joined the ledger (submitted, or found under way). */
  readonly openedAt: string;
  readonly deadline: string;
  readonly validation: LedgerValidation | null;
  readonly files: LedgerFiles | null;
  readonly detail: string;
}

export interface ReissueStatus {
  readonly today: string;
  readonly reissues: readonly ReissueStatusEntry[];
}

export function statusEntry(record: LedgerRecord, moduleName: string): ReissueStatusEntry {
  const stage = shownStage(record);
  return {
    id: record.id,
    module: moduleName,
    moduleId: record.moduleId,
    domain: record.domain,
    certificateId: record.certificateId,
    newCertificateId: record.newCertificateId,
    stage,
    ...(stage === 'stuck' && record.stuckIn ? { stuckIn: record.stuckIn } : {}),
    since: record.since,
    openedAt: record.openedAt,
    deadline: servedDeadline(record.expires, record.openedAt),
    validation: record.validation,
    files: record.files,
    detail: stage === 'stuck' && record.reason ? record.reason : record.detail,
  };
}

export interface StatusOptions {
  readonly today: Day;
  readonly moduleIds?: readonly number[];
  readonly all?: boolean;
}

/** A status row with the ledger record it shows (the console's record view shows the rest: hook, probe, tasks). */
export interface ReissueStatusRow {
  readonly entry: ReissueStatusEntry;
  readonly record: LedgerRecord;
}

/** The ledger's records as the status shows them: the ones in flight first, by deadline, then the finished ones. */
export function reissueStatusRows(workspace: Workspace, options: StatusOptions): { readonly today: string; readonly rows: readonly ReissueStatusRow[] } {
  const modules = new Map(workspace.store.read().modules.map((module) => [module.id, module.parameters.name]));
  const oldest = formatDay(addDays(options.today, -FINISHED_SHOWN_DAYS));
  const rows = new Ledger(ledgerFile(workspace))
    .records()
    .filter((record) => !options.moduleIds || options.moduleIds.includes(record.moduleId))
    .filter((record) => options.all || record.finishedAt === null || record.finishedAt.slice(0, 10) >= oldest)
    .map((record) => ({ entry: statusEntry(record, modules.get(record.moduleId) ?? `module ${record.moduleId} (removed)`), record }));
  const finished = (entry: ReissueStatusEntry) => (['served', 'failed', 'cancelled'].includes(entry.stage) ? 1 : 0);
  rows.sort((a, b) => finished(a.entry) - finished(b.entry) || a.entry.deadline.localeCompare(b.entry.deadline) || a.entry.domain.localeCompare(b.entry.domain));
  return { today: formatDay(options.today), rows };
}

export function reissueStatus(workspace: Workspace, options: StatusOptions): ReissueStatus {
  const { today, rows } = reissueStatusRows(workspace, options);
  return { today, reissues: rows.map((row) => row.entry) };
}

/** Counts per shown stage, and the age in days of the oldest record in flight (for the dashboard and metrics). */
export function reissueCounts(status: ReissueStatus, today: Day): { perStage: Record<string, number>; oldestInFlightDays: number | null } {
  const perStage: Record<string, number> = {};
  let oldest: string | null = null;
  for (const entry of status.reissues) {
    perStage[entry.stage] = (perStage[entry.stage] ?? 0) + 1;
    if (!['served', 'failed', 'cancelled'].includes(entry.stage) && (oldest === null || entry.openedAt < oldest)) oldest = entry.openedAt;
  }
  const oldestInFlightDays = oldest === null ? null : Math.max(0, today - Math.floor(Date.parse(oldest) / 86_400_000));
  return { perStage, oldestInFlightDays };
}

/**
 * The reissues that failed (or were cancelled) and wait for the operator: the last record of their
 * certificate, no retry asked, and the certificate still the one they failed to replace (its expiry
 * in the last sync). The run reports them as failed-earlier, the timeline shows them, the dashboard counts them.
 */
export function failedReissues(workspace: Workspace): LedgerRecord[] {
  const last = new Map<string, LedgerRecord>();
  for (const record of new Ledger(ledgerFile(workspace)).records()) last.set(`${record.moduleId}:${record.certificateId}`, record);
  const waiting = [...last.values()].filter((record) => UNSUCCESSFUL_STAGES.includes(record.stage) && record.retryAskedAt === null);
  if (waiting.length === 0) return [];
  const inventory = workspace.inventory.read();
  return waiting.filter((record) => inventory.modules[String(record.moduleId)]?.certificates.some((certificate) => certificate.id === record.certificateId && certificate.validTo === record.expires));
}
