/**
 * Use case: the reissue run. Every certificate whose action date has come gets its action under
 * the reissue policy, once: `reissue` through the provider's API (or a manual task for the module's
 * department where the API cannot), `notify-client` as a message from the expiration template,
 * `manual-task` as a task. Safe to run from cron:
 *
 * - one run at a time (a lock; a run that died leaves it to the next at once);
 * - each action is journaled before and after (journal.ts), keyed by module, certificate and
 *   action date, so a finished action is never done again and a killed run is taken up where it
 *   stopped;
 * - a reissue whose answer never came is looked up on the provider's list (rules/reissue-outcome)
 *   before anything else is tried for it; an outcome that cannot be told becomes a manual task,
 *   never a second reissue.
 */
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { formatDay, formatInstant, type Day } from '../../rules/calendar.js';
import { judgeReissue } from '../../rules/reissue-outcome.js';
import { ProviderError, type CertificateRecord, type FailureCause, type ProviderClient } from '../../providers/types.js';
import { logFailure, moduleLog, openModuleClient, type ModuleRuntime } from '../module.js';
import type { StoredModule } from '../store.js';
import { syncModule } from '../sync.js';
import { buildTimeline, type TimelineEntry } from '../timeline.js';
import type { Workspace } from '../workspace.js';
import type { MailFailure } from '../messages/mail.js';
import { keyFilesFor, reissueCsr } from './csr.js';
import { lineageDirectory } from './deliver.js';
import { failedReissueOf, Ledger, ledgerFile, retriesAsked, retryKey, shownStage, type LedgerRecord } from './ledger.js';
import { advanceModule, type LifecycleEffects, type LifecycleReport } from './lifecycle.js';
import { deliveryFor, type DeliverySettings } from '../store.js';
import { isFinished } from '../../rules/reissue-lifecycle.js';
import { actionStates, Journal, type ActionState, type IntentRecord, type JournalRecord } from './journal.js';
import { removeTemporaryFilesIn } from '../file-lock.js';
import { acquireRunLock } from './lock.js';

/** The actions a run carries out; `none` and `end-of-term` only show on the timeline. */
export type RunAction = 'reissue' | 'notify-client' | 'manual-task';

/** What the run asks of the tasks and messages of certops (core/tasks, core/messages). */
export interface RunEffects extends LifecycleEffects {
  /** Opens the task for `key`, or returns the one already opened for it. */
  openTask(request: TaskRequest): Promise<{ readonly id: string }>;
  /**
   * Sends the expiration message for `key` once; says how it went (SMTP, outbox, already sent),
   * and `addressed: false` when it went to the outbox addressed to nobody (no client address known).
   */
  notifyClient(request: NotifyRequest): Promise<{ readonly detail: string; readonly addressed?: boolean }>;
}

/** The task and message keep keys of their own (core/tasks, core/messages), from the same three parts. */
export interface TaskRequest {
  readonly module: StoredModule;
  readonly entry: TimelineEntry;
  readonly what: string;
  readonly why: string;
}

export interface NotifyRequest {
  readonly module: StoredModule;
  readonly entry: TimelineEntry;
}

export type Outcome =
  | 'reissued'
  | 'notified'
  /**
   * The expiration message was written to the outbox addressed to nobody: certops knows no address
   * of the client. Done as far as the run goes (never written twice), but no client has heard of it.
   */
  | 'no-recipient'
  | 'task'
  /** Not carried out; certainly not applied (the provider could not be reached). A later run tries again. */
  | 'retry-later'
  /** Sent, no answer: looked up on the provider before anything else (this run or the next). */
  | 'in-doubt'
  /** Already finished by an earlier run. */
  | 'already-done'
  /**
   * An earlier run's reissue of the certificate failed (or was cancelled) on the provider: not
   * sent again until the operator asks (`certops reissue retry ID`, or the console's record view).
   */
  | 'failed-earlier'
  /** A reissue of the certificate is under way (the ledger follows it). */
  | 'in-flight'
  /** --dry-run: what the run would do. */
  | 'would-reissue'
  | 'would-notify'
  | 'would-open-task'
  | 'would-look-up';

/**
 * Outcomes the operator must act on although the run did all it could: `reissue run` exits 1 ("a
 * problem found") for them, and says what to do in the action's detail.
 */
export const NEEDS_ATTENTION: ReadonlySet<Outcome> = new Set<Outcome>(['no-recipient', 'failed-earlier']);

export interface ActionReport {
  readonly key: string;
  readonly moduleId: number;
  readonly module: string;
  readonly certificateId: string;
  readonly domain: string;
  readonly action: RunAction;
  readonly actionDate: string;
  readonly outcome: Outcome;
  readonly detail: string;
  readonly taskId?: string;
  /** The reissued certificate's id, when the provider gave it a new one (GlobalSign). */
  readonly newCertificateId?: string;
  /** A generated key's file (the CSR beside it), when certops made the key. */
  readonly keyFile?: string;
  /** Why an action was not done (retry-later, in-doubt): the provider's failure cause, or the SMTP server's (MailFailure; 'mail' when it does not say). */
  readonly cause?: FailureCause | MailFailure | 'mail';
}

export interface RunReport {
  readonly run: string;
  readonly today: string;
  readonly dryRun: boolean;
  readonly actions: readonly ActionReport[];
  /** Modules re-synced after reissues, so the timeline shows the new dates. */
  readonly synced: readonly string[];
  /** Every reissue in flight, and where this run took it. */
  readonly reissues: readonly LifecycleReport[];
}

export interface RunOptions {
  readonly today: Day;
  readonly dryRun?: boolean;
  /** Only these modules; all when absent. */
  readonly moduleIds?: readonly number[];
  /** Only due actions of these kinds (the console's timeline filtered by action); all when absent. */
  readonly actions?: readonly RunAction[];
  readonly runtime: ModuleRuntime;
  readonly effects: RunEffects;
  /** Seconds to wait for another run's lock; 0 gives up at once. */
  readonly waitSeconds?: number;
  /** Called once the run holds its lock, before any work: a cron log's header line. */
  readonly onStart?: (run: string) => void;
  readonly onAction?: (report: ActionReport) => void;
  readonly onReissue?: (report: LifecycleReport) => void;
  readonly now?: () => Date;
  /** Aborts provider calls, hooks and probes in flight (Ctrl+C). */
  readonly signal?: AbortSignal;
  /** How long one TLS probe waits (default 10 s). */
  readonly probeTimeoutMs?: number;
}

/** Causes where the request certainly did not reach the provider, or was refused before any change. */
const NOT_APPLIED: ReadonlySet<FailureCause> = new Set(['insecure-url', 'dns', 'refused', 'tls-untrusted', 'tls', 'credentials', 'ip-not-allowed', 'account-locked', 'configuration']);
/** Causes where the provider answered that it will not reissue this certificate. */
const REFUSED: ReadonlySet<FailureCause> = new Set(['provider-error', 'unsupported']);

const MANUAL_POLICY = 'the reissue policy asks for a manual reissue';

/**
 * What the run says of a certificate whose last reissue failed: when, the provider's reason, and
 * how to have it tried again (it is not, unasked: a retry is a new reissue, and may fail the same way).
 */
export function failedEarlierDetail(record: LedgerRecord): string {
  const how = record.stage === 'failed' ? 'failed' : 'was cancelled';
  const reason = record.reason ?? record.detail;
  return `the reissue ${how} on ${record.since.slice(0, 10)} (${reason}); not retried: fix the cause, then certops reissue retry ${record.id} (or a on its record in the console), and the next run sends it again`;
}

/** One action per certificate and action date, whatever the policy says by then. */
const actionKey = (moduleId: number, certificateId: string, actionDate: string) => `${moduleId}:${certificateId}:${actionDate}`;

export const journalFile = (workspace: Workspace) => join(workspace.directory, 'journal', 'reissue.jsonl');
const keysDirectory = (workspace: Workspace) => join(workspace.directory, 'keys');

const isRunAction = (action: string): action is RunAction => action === 'reissue' || action === 'notify-client' || action === 'manual-task';

function failureOf(error: unknown): ProviderError {
  return error instanceof ProviderError ? error : new ProviderError('unexpected-response', error instanceof Error ? error.message : String(error));
}

export async function runReissue(workspace: Workspace, options: RunOptions): Promise<RunReport> {
  const now = options.now ?? (() => new Date());
  const dryRun = options.dryRun ?? false;
  const run = randomUUID();
  const today = formatDay(options.today);
  const release = dryRun ? null : await acquireRunLock(workspace.directory, options.waitSeconds ?? 0);
  try {
    options.onStart?.(run);
    // A run killed before a rename left temporary copies of keys and certificates (keys/<module>/, live/<module>/<domain>/).
    if (!dryRun) for (const folder of ['keys', 'live']) removeTemporaryFilesIn(join(workspace.directory, folder), 2);
    const journal = new Journal(journalFile(workspace));
    const ledger = new Ledger(ledgerFile(workspace));
    const config = workspace.store.read();
    const modules = config.modules.filter((module) => !options.moduleIds || options.moduleIds.includes(module.id));
    const timeline = buildTimeline(workspace, options.today);
    const inventory = workspace.inventory.read();
    const stamp = () => ({ at: now().toISOString(), run });

    // Modules are worked on at once (each waits on its own provider); their reports keep module order.
    const perModule = await Promise.all(modules.map(async (module) => {
      const reports: ActionReport[] = [];
      const report = (entry: ActionReport) => {
        reports.push(entry);
        options.onAction?.(entry);
      };
      const lifecycle: LifecycleReport[] = [];
      let reissued = false;
      const records = new Map((inventory.modules[String(module.id)]?.certificates ?? []).map((record) => [record.id, record as CertificateRecord]));
      const due = timeline.entries.filter(
        (entry) => entry.moduleId === module.id && entry.actionDate !== null && entry.actionDate <= today && isRunAction(entry.action) && (!options.actions || options.actions.includes(entry.action)),
      );
      const syncedAt = inventory.modules[String(module.id)]?.syncedAt ?? null;
      const paidUntil = new Map(timeline.entries.filter((entry) => entry.moduleId === module.id).map((entry) => [entry.certificateId, entry.paidUntil]));
      const work = new ModuleWork(workspace, module, options, journal, ledger, records, syncedAt, paidUntil, deliveryFor(config, module), report, stamp);
      try {
        await work.recoverInDoubt();
        work.readLedger();
        for (const entry of due) {
          // Cancelled (the operator left the console): no new action is begun; the journal keeps
          // the one in flight, which the next run looks up.
          if (options.signal?.aborted) break;
          await work.act(entry);
        }
        // Calls left in doubt by this run: looked up now, while the operator is watching.
        if (!dryRun && work.leftInDoubt && !options.signal?.aborted) await work.recoverInDoubt();
        const followed = await work.follow(run);
        for (const entry of followed) {
          lifecycle.push(entry);
          options.onReissue?.(entry);
        }
        reissued = work.reissued || followed.some((entry) => entry.from !== entry.stage && ['collected', 'delivered', 'served'].includes(entry.stage));
      } finally {
        await work.close();
      }
      return { module, reports, lifecycle, reissued };
    }));

    // Modules with new dates are synced again, so the timeline shows them.
    const results = await Promise.all(
      perModule.filter((work) => work.reissued).map(({ module }) => syncModule(workspace, module, options.runtime, undefined, options.signal, now)),
    );
    const synced = results.filter((result) => result.ok).map((result) => result.module);
    return { run, today, dryRun, actions: perModule.flatMap((work) => work.reports), synced, reissues: perModule.flatMap((work) => work.lifecycle) };
  } finally {
    await release?.();
  }
}

/** The run's work on one module: its client (opened on first need), journal states and reports. */
class ModuleWork {
  private client: ProviderClient | null = null;
  /** The journal's states, read again after every lookup (recoverInDoubt reads them first). */
  private states = new Map<string, ActionState>();
  private readonly dryRun: boolean;
  reissued = false;
  leftInDoubt = false;

  constructor(
    private readonly workspace: Workspace,
    private readonly module: StoredModule,
    private readonly options: RunOptions,
    private readonly journal: Journal,
    private readonly ledger: Ledger,
    private readonly records: ReadonlyMap<string, CertificateRecord>,
    /** When the inventory of `records` was read from the provider. */
    private readonly syncedAt: string | null,
    /** Paid until per certificate, from the timeline. */
    private readonly paidUntil: ReadonlyMap<string, string | null>,
    /** The module's delivery settings (its own, else the policy's), read once for the run. */
    private readonly delivery: DeliverySettings,
    private readonly report: (entry: ActionReport) => void,
    private readonly stamp: () => { at: string; run: string },
  ) {
    this.dryRun = options.dryRun ?? false;
  }

  private append(record: JournalRecord): void {
    this.journal.append(record);
  }

  /** Unfinished ledger records of this module, by the certificate they replace. */
  private inFlight = new Map<string, LedgerRecord>();
  private ledgerRecords: LedgerRecord[] = [];

  readLedger(): void {
    this.ledgerRecords = this.ledger.records().filter((record) => record.moduleId === this.module.id);
    this.ledgerIds = new Set(this.ledgerRecords.map((record) => record.id));
    this.inFlight = new Map(this.ledgerRecords.filter((record) => !isFinished(record.stage)).map((record) => [record.certificateId, record]));
  }

  /**
   * The ledger's side of the run: a record for every reissue the journal says the provider took
   * and for every reissue found under way on the provider, then each unfinished record moved on.
   */
  async follow(run: string): Promise<LifecycleReport[]> {
    if (this.dryRun) {
      // Nothing moves in a dry run, but its summary counts what is in flight as the run and
      // `reissue status` do.
      return this.ledgerRecords
        .filter((record) => !isFinished(record.stage))
        .map((record) => {
          const stage = shownStage(record);
          return {
            id: record.id,
            moduleId: record.moduleId,
            module: this.module.parameters.name,
            domain: record.domain,
            certificateId: record.certificateId,
            newCertificateId: record.newCertificateId,
            from: stage,
            stage,
            detail: stage === 'stuck' && record.reason ? record.reason : record.detail,
            waiting: stage === 'stuck' ? 'stuck' : null,
          };
        });
    }
    this.openFromJournal();
    this.joinFoundUnderWay();
    this.readLedger();
    const paid = this.paidUntil;
    return advanceModule(
      {
        workspace: this.workspace,
        module: this.module,
        runtime: this.options.runtime,
        ledger: this.ledger,
        effects: this.options.effects,
        client: () => this.open(),
        now: this.options.now ?? (() => new Date()),
        today: this.options.today,
        run,
        paidUntil: (id) => paid.get(id) ?? null,
        ...(this.options.probeTimeoutMs !== undefined ? { probeTimeoutMs: this.options.probeTimeoutMs } : {}),
        ...(this.options.signal ? { signal: this.options.signal } : {}),
      },
      this.ledgerRecords,
      this.delivery,
    );
  }

  /** Ids of the module's ledger records, kept as records are opened. */
  private ledgerIds = new Set<string>();

  /** Reissues the journal says the provider accepted, without a ledger record yet (a run killed between the two). */
  private openFromJournal(): void {
    const intents = new Map<string, IntentRecord>();
    for (const record of this.journal.read()) {
      if (record.type === 'intent') intents.set(record.key, record);
      if (record.type !== 'done' || this.ledgerIds.has(record.key)) continue;
      const intent = intents.get(record.key);
      if (intent) this.openRecord(intent, record);
    }
  }

  /** Opens the ledger record of a reissue the provider accepted (the journal's intent and done). */
  private openRecord(intent: IntentRecord, done: Extract<JournalRecord, { type: 'done' }>): void {
    if (intent.action !== 'reissue' || intent.moduleId !== this.module.id || this.ledgerIds.has(done.key)) return;
    const actionDate = intent.key.slice(intent.key.lastIndexOf(':') + 1);
    const files = keyFilesFor(keysDirectory(this.workspace), this.module.id, intent.snapshot.certificateId, actionDate);
    this.ledger.append({
      type: 'opened',
      id: done.key,
      at: done.at,
      run: done.run,
      moduleId: this.module.id,
      domain: intent.snapshot.mainDomain,
      certificateId: intent.snapshot.certificateId,
      newCertificateId: done.certificateId ?? intent.snapshot.certificateId,
      origin: 'certops',
      expires: intent.snapshot.validTo,
      validation: this.records.get(intent.snapshot.certificateId)?.validation ?? null,
      keyFile: intent.csr?.keyFile ?? null,
      csrFile: files.csrFile,
    });
    this.ledgerIds.add(done.key);
  }

  /**
   * Reissues under way on the provider that certops did not start (begun in the provider's panel).
   * A reissue the ledger follows, or finished after the inventory was read, is not one: the list
   * that showed it under way was read before it was done.
   */
  private joinFoundUnderWay(): void {
    const following = new Set(
      this.ledgerRecords
        .filter((record) => !isFinished(record.stage) || this.syncedAt === null || (record.finishedAt !== null && record.finishedAt >= this.syncedAt))
        .map((record) => record.newCertificateId ?? record.certificateId),
    );
    const opened: string[] = [];
    for (const record of this.records.values()) {
      const pending = record.pendingReissue;
      if (!pending || following.has(pending)) continue;
      const id = `${this.module.id}:${record.id}:found:${pending}`;
      if (this.ledgerIds.has(id)) continue;
      this.ledger.append({
        type: 'opened',
        id,
        at: (this.options.now ?? (() => new Date()))().toISOString(),
        run: 'sync',
        moduleId: this.module.id,
        domain: record.mainDomain,
        certificateId: record.id,
        newCertificateId: pending,
        origin: 'provider',
        expires: record.validTo,
        validation: record.validation,
        keyFile: null,
        csrFile: null,
      });
      opened.push(id);
      this.ledgerIds.add(id);
    }
    if (opened.length > 0) moduleLog(this.module, this.options.runtime).write(1, `${this.module.parameters.name}: ${opened.length} reissue${opened.length === 1 ? '' : 's'} found under way on the provider joined the ledger`);
  }

  private open(): ProviderClient {
    this.client ??= openModuleClient(this.module, this.options.runtime);
    return this.client;
  }

  async close(): Promise<void> {
    await this.client?.close();
  }

  private refresh(): void {
    this.states = actionStates(this.journal.read());
  }

  private base(entry: Pick<TimelineEntry, 'certificateId' | 'domain' | 'actionDate'>, action: RunAction, key: string) {
    return { key, moduleId: this.module.id, module: this.module.parameters.name, certificateId: entry.certificateId, domain: entry.domain, action, actionDate: entry.actionDate ?? '' };
  }

  /**
   * Reissues of this module that were sent and never answered: looked up on the provider's list.
   * Found reissued: done. Found untouched: open again. Cannot tell: a manual task, never a retry.
   * Notifications and tasks in doubt need no lookup: their own keys make a second try harmless.
   */
  async recoverInDoubt(): Promise<void> {
    this.refresh();
    const doubtful = [...this.states.values()].filter(
      (state): state is Extract<ActionState, { state: 'in-doubt' }> => state.state === 'in-doubt' && state.intent.moduleId === this.module.id && state.intent.action === 'reissue',
    );
    if (doubtful.length === 0) return;
    if (this.dryRun) {
      for (const { intent } of doubtful) {
        this.report({ ...this.intentBase(intent), outcome: 'would-look-up', detail: 'a reissue was sent and never answered: the run looks it up on the provider before anything else' });
      }
      return;
    }
    let listed: CertificateRecord[];
    try {
      listed = [];
      for await (const page of this.open().listCertificates()) listed.push(...page);
    } catch (error) {
      const failure = failureOf(error);
      logFailure(this.module, this.options.runtime, 'lookup of unanswered reissues', failure);
      for (const { intent } of doubtful) {
        this.report({ ...this.intentBase(intent), outcome: 'in-doubt', cause: failure.failure, detail: `still in doubt: the lookup on the provider failed (${failure.failure}: ${failure.message}); the next run looks again` });
      }
      this.leftInDoubt = false;
      return;
    }
    for (const { intent } of doubtful) {
      // The day the reissue was sent, on the run's calendar: a run given --now (a test, a replay)
      // is judged against the provider's dates of that day, not against the clock of the machine.
      const sentOn = intent.at.slice(0, 10);
      const today = formatDay(this.options.today);
      const finding = judgeReissue(intent.snapshot, listed, sentOn < today ? sentOn : today);
      const base = this.intentBase(intent);
      if (finding.found === 'reissued') {
        const detail = `found reissued on the provider${finding.certificateId !== intent.snapshot.certificateId ? ` as ${finding.certificateId}` : ''} (the answer had been lost)`;
        this.append({ type: 'done', key: intent.key, ...this.stamp(), detail, certificateId: finding.certificateId });
        this.reissued = true;
        this.report({ ...base, outcome: 'reissued', detail, ...(finding.certificateId !== intent.snapshot.certificateId ? { newCertificateId: finding.certificateId } : {}), ...(intent.csr?.keyFile ? { keyFile: intent.csr.keyFile } : {}) });
      } else if (finding.found === 'not-reissued') {
        this.append({ type: 'not-applied', key: intent.key, ...this.stamp(), detail: 'the provider lists the certificate unchanged: the unanswered reissue was not applied' });
      } else {
        const entry = { certificateId: intent.snapshot.certificateId, domain: intent.snapshot.mainDomain, actionDate: base.actionDate };
        const why = `a reissue was sent and not answered, and the provider's list cannot tell whether it was applied: ${finding.reason}. Check the order on the provider before reissuing by hand.`;
        const task = await this.options.effects.openTask({ module: this.module, entry: this.lookupEntry(intent, entry), what: 'check the reissue on the provider', why });
        this.append({ type: 'task', key: intent.key, ...this.stamp(), taskId: task.id, reason: why });
        this.report({ ...base, outcome: 'task', detail: why, taskId: task.id });
      }
    }
    this.leftInDoubt = false;
    this.refresh();
  }

  private intentBase(intent: IntentRecord) {
    const actionDate = intent.key.slice(intent.key.lastIndexOf(':') + 1);
    return this.base({ certificateId: intent.snapshot.certificateId, domain: intent.snapshot.mainDomain, actionDate }, intent.action, intent.key);
  }

  /** A timeline entry for a task about an in-doubt reissue whose certificate may have left the timeline. */
  private lookupEntry(intent: IntentRecord, entry: { certificateId: string; domain: string; actionDate: string }): TimelineEntry {
    return {
      moduleId: this.module.id,
      module: this.module.parameters.name,
      provider: this.module.provider,
      certificateId: entry.certificateId,
      domain: entry.domain,
      expires: intent.snapshot.validTo,
      paidUntil: null,
      termEnds: null,
      actionDate: entry.actionDate,
      action: 'manual-task',
      department: this.module.parameters.department,
      reason: null,
      revalidate: [],
      overdue: false,
      reissue: null,
    };
  }

  async act(entry: TimelineEntry): Promise<void> {
    const action = entry.action as RunAction;
    let key = actionKey(this.module.id, entry.certificateId, entry.actionDate as string);
    // The last reissue of the certificate failed: reported, never sent again unasked; a retry the
    // operator asked for goes under its own key (journaled exactly-once like any action). Also when
    // the certificate's action is a manual task now (a provider that lists the failed reissue as
    // still pending): "done earlier" would hide the failure.
    const failed = action === 'reissue' || action === 'manual-task' ? failedReissueOf(this.ledgerRecords, this.module.id, entry.certificateId, entry.expires) : null;
    let retryNote = '';
    if (failed) {
      if (failed.retryAskedAt === null) {
        this.report({ ...this.base(entry, action, key), outcome: 'failed-earlier', detail: failedEarlierDetail(failed) });
        return;
      }
      key = retryKey(this.module.id, entry.certificateId, entry.actionDate as string, retriesAsked(this.ledgerRecords, this.module.id, entry.certificateId));
      retryNote = `the retry asked on ${failed.retryAskedAt.slice(0, 10)} of the reissue that ${failed.stage === 'failed' ? 'failed' : 'was cancelled'} on ${failed.since.slice(0, 10)}: `;
    }
    const state = this.states.get(key);
    const base = this.base(entry, action, key);
    if (state?.state === 'finished') {
      this.report({ ...base, outcome: 'already-done', detail: `${retryNote}done by an earlier run (${formatInstant(state.last.at)})` });
      return;
    }
    const flight = this.inFlight.get(entry.certificateId);
    const pending = this.records.get(entry.certificateId)?.pendingReissue;
    if (action === 'reissue' && (flight || pending)) {
      this.report({ ...base, outcome: 'in-flight', detail: flight ? `a reissue is under way (${flight.stage} since ${flight.since.slice(0, 10)})` : `a reissue is under way on the provider (${pending})` });
      return;
    }
    if (state?.state === 'in-doubt') {
      if (state.intent.action === 'reissue') {
        // The lookup could not settle it: nothing is sent until it does.
        this.report({ ...base, outcome: 'in-doubt', detail: 'sent earlier and never answered; the lookup on the provider has not settled it yet' });
        return;
      }
      // A task or a message was under way when a run stopped: their own keys make doing it again harmless.
      if (state.intent.action === 'manual-task') return this.task(entry, base, state.intent.why ?? entry.reason ?? MANUAL_POLICY, false);
    }
    if (action === 'manual-task') return this.task(entry, base, entry.reason ?? MANUAL_POLICY);
    if (action === 'notify-client') return this.notify(entry, base);
    return this.reissue(entry, base, retryNote);
  }

  private snapshotOf(entry: TimelineEntry, record: CertificateRecord | undefined) {
    return {
      certificateId: entry.certificateId,
      mainDomain: entry.domain,
      orderDate: record?.orderDate ?? null,
      validFrom: record?.validFrom ?? null,
      validTo: record?.validTo ?? entry.expires,
    };
  }

  private async task(entry: TimelineEntry, base: ReturnType<ModuleWork['base']>, why: string, journalIntent = true): Promise<void> {
    if (this.dryRun) {
      this.report({ ...base, outcome: 'would-open-task', detail: `a manual task for ${this.module.parameters.department}: ${why}` });
      return;
    }
    if (journalIntent) this.append({ type: 'intent', ...base, ...this.stamp(), action: 'manual-task', snapshot: this.snapshotOf(entry, this.records.get(entry.certificateId)), why });
    const task = await this.options.effects.openTask({ module: this.module, entry, what: 'reissue the certificate by hand', why });
    this.append({ type: 'task', key: base.key, ...this.stamp(), taskId: task.id, reason: why });
    this.report({ ...base, outcome: 'task', detail: `task ${task.id} for ${this.module.parameters.department}: ${why}`, taskId: task.id });
  }

  private async notify(entry: TimelineEntry, base: ReturnType<ModuleWork['base']>): Promise<void> {
    if (this.dryRun) {
      this.report({ ...base, outcome: 'would-notify', detail: 'the client gets the certificate expiration message' });
      return;
    }
    this.append({ type: 'intent', ...base, ...this.stamp(), action: base.action, snapshot: this.snapshotOf(entry, this.records.get(entry.certificateId)) });
    let sent;
    try {
      sent = await this.options.effects.notifyClient({ module: this.module, entry });
    } catch (error) {
      // Not sent (the SMTP server refused or could not be reached): the next run sends it.
      const detail = error instanceof Error ? error.message : String(error);
      this.append({ type: 'retry', key: base.key, ...this.stamp(), cause: 'mail', detail });
      const failure = error instanceof Error && 'failure' in error && typeof error.failure === 'string' ? (error.failure as MailFailure) : 'mail';
      this.report({ ...base, outcome: 'retry-later', cause: failure, detail: `the message could not be sent (${detail}); the next run tries again` });
      return;
    }
    this.append({ type: 'done', key: base.key, ...this.stamp(), detail: sent.detail });
    this.report({ ...base, outcome: sent.addressed === false ? 'no-recipient' : 'notified', detail: sent.detail });
  }

  private async reissue(entry: TimelineEntry, base: ReturnType<ModuleWork['base']>, retryNote = ''): Promise<void> {
    const record = this.records.get(entry.certificateId);
    if (!record) {
      return this.task(entry, base, 'the certificate is missing from the inventory of the last sync');
    }
    if (this.dryRun) {
      this.report({ ...base, outcome: 'would-reissue', detail: `${retryNote}through the provider's API, with the order's original CSR where the provider returns it, else a new key and CSR` });
      return;
    }
    let csr;
    try {
      const client = this.open();
      const files = keyFilesFor(keysDirectory(this.workspace), this.module.id, entry.certificateId, entry.actionDate as string);
      const delivery = this.delivery;
      const currentKeyFile = join(lineageDirectory(this.workspace, this.module.id, entry.domain), 'privkey.pem');
      csr = await reissueCsr(client, record, files, { keyPolicy: delivery.keyPolicy, keyType: delivery.keyType, currentKeyFile });
      if (csr.source === 'original') {
        // Kept beside the keys: the issued certificate is paired with the CSR that was sent.
        const { mkdirSync } = await import('node:fs');
        const { writeFile } = await import('atomically');
        mkdirSync(dirname(files.csrFile), { recursive: true, mode: 0o700 });
        await writeFile(files.csrFile, csr.pem, { mode: 0o600 });
      }
    } catch (error) {
      // Nothing was sent yet: a read or the key failed.
      const failure = failureOf(error);
      logFailure(this.module, this.options.runtime, `reissue of ${entry.domain} (CSR)`, failure);
      this.append({ type: 'retry', key: base.key, ...this.stamp(), cause: failure.failure, detail: failure.message });
      this.report({ ...base, outcome: 'retry-later', cause: failure.failure, detail: `the CSR could not be had (${failure.failure}: ${failure.message}); nothing was sent, the next run tries again` });
      return;
    }
    const intent: IntentRecord = {
      type: 'intent',
      ...base,
      ...this.stamp(),
      action: 'reissue',
      snapshot: this.snapshotOf(entry, record),
      csr: { source: csr.source, ...(csr.keyFile ? { keyFile: csr.keyFile } : {}) },
    };
    this.append(intent);
    const keyFile = csr.keyFile ? { keyFile: csr.keyFile } : {};
    try {
      const outcome = await this.open().reissue({ certificate: record, csr: csr.pem });
      const detail = `${outcome.message ?? 'reissued'}; CSR: ${csr.source === 'original' ? "the order's original" : `new, key in ${csr.keyFile}`}`;
      const done = { type: 'done', key: base.key, ...this.stamp(), detail, certificateId: outcome.certificateId } as const;
      this.append(done);
      this.openRecord(intent, done);
      moduleLog(this.module, this.options.runtime).write(1, `${this.module.parameters.name}: reissued ${entry.domain} (certificate ${entry.certificateId}${outcome.certificateId !== entry.certificateId ? ` -> ${outcome.certificateId}` : ''})`);
      this.reissued = true;
      this.report({ ...base, outcome: 'reissued', detail, ...(outcome.certificateId !== entry.certificateId ? { newCertificateId: outcome.certificateId } : {}), ...keyFile });
    } catch (error) {
      const failure = failureOf(error);
      logFailure(this.module, this.options.runtime, `reissue of ${entry.domain}`, failure);
      if (NOT_APPLIED.has(failure.failure)) {
        this.append({ type: 'retry', key: base.key, ...this.stamp(), cause: failure.failure, detail: failure.message });
        this.report({ ...base, outcome: 'retry-later', cause: failure.failure, detail: `not sent (${failure.failure}: ${failure.message}); the next run tries again`, ...keyFile });
      } else if (REFUSED.has(failure.failure) || (failure.failure === 'http-status' && (failure.details.httpStatus ?? 500) < 500)) {
        await this.task(entry, base, `the provider refused the automatic reissue: ${failure.message}`);
      } else {
        this.append({ type: 'in-doubt', key: base.key, ...this.stamp(), cause: failure.failure, detail: failure.message });
        this.leftInDoubt = true;
        this.report({ ...base, outcome: 'in-doubt', cause: failure.failure, detail: `sent, but no answer came (${failure.failure}: ${failure.message}); it is looked up on the provider before anything else`, ...keyFile });
      }
    }
  }
}
