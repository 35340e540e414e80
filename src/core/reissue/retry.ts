/**
 * Use case: asking for a failed (or cancelled) reissue to be tried again (`certops reissue retry
 * ID`, and `a` on a record in the console). A run never retries one by itself: the provider said
 * no once, and an unasked second reissue is the double the journal exists to prevent. The ask is a
 * ledger event, written under the run lock like every ledger write; the next run sends the reissue
 * under an action key of its own (ledger.ts, retryKey), exactly once.
 */
import { randomUUID } from 'node:crypto';
import type { Workspace } from '../workspace.js';
import { Ledger, ledgerFile, UNSUCCESSFUL_STAGES, type LedgerRecord } from './ledger.js';
import { acquireRunLock } from './lock.js';

/** Why a retry cannot be asked for this record (none such, not failed, followed by another). */
export class RetryRefusedError extends Error {
  override readonly name = 'RetryRefusedError';
}

export interface RetryAsked {
  readonly record: LedgerRecord;
  /** False when a retry had already been asked (nothing was written). */
  readonly asked: boolean;
  readonly askedAt: string;
}

export async function askRetry(workspace: Workspace, recordId: string, options: { readonly now?: () => Date; readonly waitSeconds?: number } = {}): Promise<RetryAsked> {
  const release = await acquireRunLock(workspace.directory, options.waitSeconds ?? 0);
  try {
    const ledger = new Ledger(ledgerFile(workspace));
    const records = ledger.records();
    const record = records.find((candidate) => candidate.id === recordId);
    if (!record) throw new RetryRefusedError(`the reissue ledger has no record "${recordId}" (certops reissue status --all lists them with their ids)`);
    if (!UNSUCCESSFUL_STAGES.includes(record.stage)) throw new RetryRefusedError(`the reissue of ${record.domain} (${recordId}) is ${record.stage}, not failed or cancelled: there is nothing to retry`);
    const later = records.find((other) => other !== record && other.moduleId === record.moduleId && other.certificateId === record.certificateId && other.openedAt > record.openedAt);
    if (later) throw new RetryRefusedError(`the reissue of ${record.domain} (${recordId}) was followed by ${later.id} (${later.stage}); retry that one if it failed`);
    if (record.retryAskedAt !== null) return { record, asked: false, askedAt: record.retryAskedAt };
    const at = (options.now ?? (() => new Date()))().toISOString();
    ledger.append({ type: 'retry-asked', id: record.id, at, run: randomUUID() });
    return { record, asked: true, askedAt: at };
  } finally {
    await release();
  }
}
