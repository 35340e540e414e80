/**
 * The reissue ledger: one record per reissue that certops started (or found under way on the
 * provider), moved through its stages by events appended to `journal/ledger.jsonl`. It is built on
 * the journal: the same append-only, fsync'd, torn-line-safe storage (AppendLog), written under the
 * same run lock, and a reissue's record is keyed by the journal's action key, so the run opens a
 * record for every reissue the journal says was accepted, whether or not the run that sent it lived
 * to open the record itself.
 *
 * Effects that must happen once (collecting, running the deploy hook, the client's message, tasks)
 * are written as events: what a record says was done is never done again, and an effect that a kill
 * may have cut short is recognised on the next run (the hook's status file, the keyed task and
 * message stores) rather than repeated blindly.
 */
import { join } from 'node:path';
import * as z from '../../providers/zod.js';
import { isFinished, REISSUE_STAGES, type ActiveStage, type ReissueStage } from '../../rules/reissue-lifecycle.js';
import type { Workspace } from '../workspace.js';
import { AppendLog } from './journal.js';

const validationSchema = z.object({
  method: z.enum(['dns', 'http', 'email', 'organization', 'unknown']),
  approverEmail: z.nullable(z.string()),
  dnsRecord: z.nullable(z.object({ name: z.string(), type: z.string(), value: z.string() })),
  httpFile: z.nullable(z.object({ path: z.string(), content: z.string() })),
  detail: z.nullable(z.string()),
});

const filesSchema = z.object({ cert: z.string(), chain: z.string(), fullchain: z.string(), key: z.nullable(z.string()) });

const base = { id: z.string(), at: z.string(), run: z.string() };
const stageName = z.enum(REISSUE_STAGES as unknown as [ReissueStage, ...ReissueStage[]]);

export const ledgerEventSchema = z.discriminatedUnion('type', [
  /** A reissue joins the ledger: submitted by certops (the journal's action key), or found under way on the provider. */
  z.object({
    type: z.literal('opened'),
    ...base,
    moduleId: z.number(),
    domain: z.string(),
    /** The certificate that was due. */
    certificateId: z.string(),
    /** The certificate or order the reissue produces; the same id where the provider keeps one. */
    newCertificateId: z.nullable(z.string()),
    origin: z.enum(['certops', 'provider']),
    /** The replaced certificate's expiry (YYYY-MM-DD), which every deadline counts back from. */
    expires: z.nullable(z.string()),
    validation: z.nullable(z.enum(['dv', 'ov', 'ev'])),
    /** The private key certops made for the reissue's CSR; null when it holds none. */
    keyFile: z.nullable(z.string()),
    /** The CSR certops sent, for pairing the issued certificate when it holds no key. */
    csrFile: z.nullable(z.string()),
  }),
  /** The record moves to a stage (submitted, validating, issued, delivered, served, failed, cancelled). */
  z.object({
    type: z.literal('stage'),
    ...base,
    stage: stageName,
    detail: z.string(),
    validation: z.optional(z.nullable(validationSchema)),
    /** The provider's reason, for failed and cancelled. */
    reason: z.optional(z.nullable(z.string())),
  }),
  /** Certificate and chain fetched, paired with the key, written in certbot's layout. */
  z.object({
    type: z.literal('collected'),
    ...base,
    files: filesSchema,
    /** The DNS names of the issued certificate (RENEWED_DOMAINS, the probe's names). */
    names: z.array(z.string()),
    /** SHA-256 of the leaf's DER, hex: what the probe looks for. */
    fingerprint: z.string(),
    notAfter: z.string(),
  }),
  /** The deploy hook was started; its shell writes its exit code to `statusFile` when it ends, even if certops is killed meanwhile. */
  z.object({ type: z.literal('hook-started'), ...base, attempt: z.int(), pid: z.nullable(z.int()), statusFile: z.string(), outputFile: z.string() }),
  z.object({ type: z.literal('hook-finished'), ...base, attempt: z.int(), exitCode: z.nullable(z.int()), outputTail: z.string() }),
  /** What the TLS probe saw, written when it changes. */
  z.object({
    type: z.literal('probe'),
    ...base,
    results: z.array(z.object({ name: z.string(), target: z.string(), seen: z.enum(['new', 'old', 'error']), detail: z.string() })),
  }),
  /** A task opened for the record's module's department, once per purpose. */
  z.object({ type: z.literal('task'), ...base, purpose: z.string(), taskId: z.string() }),
  /** The client's "certificate reissued" message, sent (or put in the outbox) once. */
  z.object({ type: z.literal('notified'), ...base, detail: z.string() }),
  /** A stage outlived its deadline. */
  z.object({ type: z.literal('stuck'), ...base, stuckIn: stageName, deadline: z.string(), reason: z.string() }),
  /**
   * The operator asked for a failed (or cancelled) reissue to be tried again (`certops reissue
   * retry`): the next run sends it under an action key of its own (retryKey in run.ts), once.
   */
  z.object({ type: z.literal('retry-asked'), ...base }),
]);

export type LedgerEvent = z.infer<typeof ledgerEventSchema>;
export type LedgerFiles = z.infer<typeof filesSchema>;
export type LedgerValidation = z.infer<typeof validationSchema>;
type Opened = Extract<LedgerEvent, { type: 'opened' }>;

/** One reissue as its events tell it. */
export interface LedgerRecord {
  readonly id: string;
  readonly moduleId: number;
  readonly domain: string;
  readonly certificateId: string;
  readonly newCertificateId: string | null;
  readonly origin: 'certops' | 'provider';
  readonly expires: string | null;
  readonly validationType: 'dv' | 'ov' | 'ev' | null;
  readonly keyFile: string | null;
  readonly csrFile: string | null;
  readonly openedAt: string;
  /** The stage it is in (never `stuck`: that is `stuckIn` beside it). */
  readonly stage: Exclude<ReissueStage, 'stuck'>;
  /** When that stage began. */
  readonly since: string;
  readonly detail: string;
  readonly validation: LedgerValidation | null;
  readonly reason: string | null;
  readonly files: LedgerFiles | null;
  readonly names: readonly string[];
  readonly fingerprint: string | null;
  readonly notAfter: string | null;
  /** When the deploy hook succeeded. */
  readonly deliveredAt: string | null;
  readonly hookAttempts: number;
  /** A hook started and not known to have finished. */
  readonly hookRunning: Extract<LedgerEvent, { type: 'hook-started' }> | null;
  readonly lastHook: Extract<LedgerEvent, { type: 'hook-finished' }> | null;
  readonly probe: Extract<LedgerEvent, { type: 'probe' }> | null;
  /** Tasks opened, by purpose. */
  readonly tasks: Readonly<Record<string, string>>;
  readonly notified: boolean;
  /** The stage it stalled in, while it has not moved since. */
  readonly stuckIn: ActiveStage | null;
  readonly stuckDeadline: string | null;
  readonly finishedAt: string | null;
  /** When the operator asked for this failed reissue to be tried again; null when not asked. */
  readonly retryAskedAt: string | null;
}

export const ledgerFile = (workspace: Workspace) => join(workspace.directory, 'journal', 'ledger.jsonl');

export class Ledger extends AppendLog<LedgerEvent> {
  constructor(file: string) {
    super(file, ledgerEventSchema as unknown as z.ZodMiniType<LedgerEvent>, 'the reissue ledger', 'a ledger record');
  }

  /** Every record, folded from its events, in the order they were opened. */
  records(): LedgerRecord[] {
    return [...foldLedger(this.read()).values()];
  }
}

function opened(event: Opened): LedgerRecord {
  return {
    id: event.id,
    moduleId: event.moduleId,
    domain: event.domain,
    certificateId: event.certificateId,
    newCertificateId: event.newCertificateId,
    origin: event.origin,
    expires: event.expires,
    validationType: event.validation,
    keyFile: event.keyFile,
    csrFile: event.csrFile,
    openedAt: event.at,
    stage: 'submitted',
    since: event.at,
    detail: event.origin === 'provider' ? 'found under way on the provider' : 'the provider accepted the reissue',
    validation: null,
    reason: null,
    files: null,
    names: [],
    fingerprint: null,
    notAfter: null,
    deliveredAt: null,
    hookAttempts: 0,
    hookRunning: null,
    lastHook: null,
    probe: null,
    tasks: {},
    notified: false,
    stuckIn: null,
    stuckDeadline: null,
    finishedAt: null,
    retryAskedAt: null,
  };
}

/** Folds events into records. An event for an unknown record is ignored (it cannot happen: opened comes first). */
export function foldLedger(events: readonly LedgerEvent[]): Map<string, LedgerRecord> {
  const records = new Map<string, LedgerRecord>();
  for (const event of events) {
    if (event.type === 'opened') {
      if (!records.has(event.id)) records.set(event.id, opened(event));
      continue;
    }
    const record = records.get(event.id);
    if (!record) continue;
    records.set(event.id, applyEvent(record, event));
  }
  return records;
}

/** One event's effect on its record (an `opened` event changes nothing: the record is opened once). */
export function applyEvent(record: LedgerRecord, event: LedgerEvent): LedgerRecord {
  switch (event.type) {
    case 'opened':
      return record;
    case 'stage': {
      if (event.stage === 'stuck') return record;
      const moved = event.stage !== record.stage;
      return {
        ...record,
        stage: event.stage,
        since: moved ? event.at : record.since,
        detail: event.detail,
        validation: event.validation !== undefined ? event.validation : record.validation,
        reason: event.reason ?? (moved ? null : record.reason),
        deliveredAt: event.stage === 'delivered' ? event.at : record.deliveredAt,
        stuckIn: moved ? null : record.stuckIn,
        stuckDeadline: moved ? null : record.stuckDeadline,
        finishedAt: isFinished(event.stage) ? event.at : null,
      };
    }
    case 'collected':
      return {
        ...record,
        stage: 'collected',
        since: event.at,
        detail: `certificate and chain collected in ${event.files.cert.slice(0, event.files.cert.lastIndexOf('/'))}`,
        files: event.files,
        names: event.names,
        fingerprint: event.fingerprint,
        notAfter: event.notAfter,
        stuckIn: null,
        stuckDeadline: null,
      };
    case 'hook-started':
      return { ...record, hookAttempts: Math.max(record.hookAttempts, event.attempt), hookRunning: event };
    case 'hook-finished':
      return { ...record, hookRunning: record.hookRunning?.attempt === event.attempt ? null : record.hookRunning, lastHook: event };
    case 'probe':
      return { ...record, probe: event };
    case 'task':
      return { ...record, tasks: { ...record.tasks, [event.purpose]: event.taskId } };
    case 'notified':
      return { ...record, notified: true };
    case 'retry-asked':
      return { ...record, retryAskedAt: record.retryAskedAt ?? event.at };
    case 'stuck':
      return { ...record, stuckIn: event.stuckIn === 'stuck' || isFinished(event.stuckIn) ? record.stuckIn : (event.stuckIn as ActiveStage), stuckDeadline: event.deadline, reason: event.reason };
  }
}

/** The stage a record shows: `stuck` while it is stalled, else its own. */
export const shownStage = (record: LedgerRecord): ReissueStage => (record.stuckIn !== null && !isFinished(record.stage) ? 'stuck' : record.stage);

/** Stages a reissue ends in without a new certificate: the run does not try it again unless asked. */
export const UNSUCCESSFUL_STAGES: readonly ReissueStage[] = ['failed', 'cancelled'];

/**
 * The reissue of this certificate (in its current term: the expiry it replaces) that failed or was
 * cancelled, when it is the last one the ledger opened for it: the run reports it and does not send
 * another until the operator asks (`certops reissue retry`). Null when the last one did not fail.
 */
export function failedReissueOf(records: readonly LedgerRecord[], moduleId: number, certificateId: string, expires: string | null): LedgerRecord | null {
  let last: LedgerRecord | null = null;
  // Records come in the order they were opened: the last match is the latest.
  for (const record of records) if (record.moduleId === moduleId && record.certificateId === certificateId && record.expires === expires) last = record;
  return last !== null && UNSUCCESSFUL_STAGES.includes(last.stage) ? last : null;
}

/**
 * The action key of a retry: the failed action's key with the retry's number (the count of retries
 * asked for the certificate so far). Its own key, so the journal keeps it exactly-once like any
 * action, and never the failed action's key done a second time. The action date stays the last
 * part after a colon; the key and CSR files are the failed action's (the same CSR is sent again).
 */
export function retryKey(moduleId: number, certificateId: string, actionDate: string, retry: number): string {
  return `${moduleId}:${certificateId}#retry-${retry}:${actionDate}`;
}

/** How many retries were asked for a certificate's reissues. */
export function retriesAsked(records: readonly LedgerRecord[], moduleId: number, certificateId: string): number {
  return records.filter((record) => record.moduleId === moduleId && record.certificateId === certificateId && record.retryAskedAt !== null).length;
}
