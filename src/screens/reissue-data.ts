/**
 * What the console shows of the reissue ledger, read through the core (core/reissue/status.ts and
 * ledger.ts): the status rows of `certops reissue status`, each with the ledger record it comes
 * from (the record's id opens its view, and the view shows what the status row leaves out: hook,
 * probe, tasks). Nothing here decides a stage or a deadline; the core does.
 */
import { isFinished } from '../rules/reissue-lifecycle.js';
import type { ConsoleServices } from '../core/services.js';
import { Ledger, ledgerFile } from '../core/reissue/ledger.js';
import { failedReissues, reissueCounts, reissueStatus, reissueStatusRows, statusEntry, type ReissueStatusEntry, type ReissueStatusRow } from '../core/reissue/status.js';

export type ReissueRow = ReissueStatusRow;

export interface ReissueRows {
  readonly today: string;
  readonly rows: readonly ReissueRow[];
}

/** The status rows for today (`all`: also those finished over 30 days ago), with their records. */
export function readReissues(services: ConsoleServices, all = false): ReissueRows {
  return reissueStatusRows(services.workspace, { today: services.today(), all });
}

/** One ledger record by id, as the status shows it; null when the ledger has no such record. */
export function readReissue(services: ConsoleServices, recordId: string): ReissueRow | null {
  const record = new Ledger(ledgerFile(services.workspace)).records().find((r) => r.id === recordId);
  if (!record) return null;
  const name = services.modules().find((module) => module.id === record.moduleId)?.parameters.name ?? `module ${record.moduleId} (removed)`;
  return { entry: statusEntry(record, name), record };
}

export interface InFlightCounts {
  /** Not yet served, failed or cancelled (stuck ones included). */
  readonly inFlight: number;
  readonly stuck: number;
  /** Failed or cancelled, and not retried (core/reissue/status.ts, failedReissues). */
  readonly failed: number;
  readonly oldestInFlightDays: number | null;
}

/** The dashboard's line: how many reissues are in flight, how many of them stuck. */
export function inFlightCounts(services: ConsoleServices): InFlightCounts {
  const today = services.today();
  const { perStage, oldestInFlightDays } = reissueCounts(reissueStatus(services.workspace, { today }), today);
  let inFlight = 0;
  for (const [stage, count] of Object.entries(perStage)) if (!isFinished(stage as ReissueStatusEntry['stage'])) inFlight += count;
  return { inFlight, stuck: perStage.stuck ?? 0, failed: failedReissues(services.workspace).length, oldestInFlightDays };
}
