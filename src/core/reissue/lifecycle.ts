/**
 * Use case: follow every reissue in flight until the new certificate is served. For each record of
 * the ledger that is not finished, one step after another, as far as it can go in this run:
 *
 *   submitted / validating → ask the provider for the order's state (what validation needs, or
 *   the issued certificate, or why it failed) → issued → collect: certificate and chain, paired
 *   with the key certops holds or the CSR it sent, written in certbot's layout; the client's
 *   "certificate reissued" message → collected → the deploy hook (or, without one, a task to
 *   install it) → delivered → a TLS probe of every name sees the new certificate → served.
 *
 * Each stage has a deadline counted back from the replaced certificate's expiry
 * (rules/reissue-lifecycle.ts); past it the record is stuck and its department gets one task with
 * the provider's own words. Every effect is recorded in the ledger, so a run killed at any point
 * and run again does it once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dayOfInstant, formatDay, parseDay, type Day } from '../../rules/calendar.js';
import { isFinished, judgeStage, servedDeadline, type ActiveStage } from '../../rules/reissue-lifecycle.js';
import { ProviderError, type OrderState, type ProviderClient, type ValidationNeeds } from '../../providers/types.js';
import { logFailure, moduleLog, type ModuleRuntime } from '../module.js';
import type { DeliverySettings, StoredModule } from '../store.js';
import type { Workspace } from '../workspace.js';
import {
  clearHookFiles,
  hookFiles,
  HOOK_TIMEOUT_MS,
  lineageDirectory,
  pairsWith,
  readIssued,
  startHook,
  waitForHook,
  waitForStart,
  writeLineage,
} from './deliver.js';
import { applyEvent, Ledger, shownStage, type LedgerEvent, type LedgerRecord, type LedgerValidation } from './ledger.js';
import { parseProbeResolve, probe, probeTargets, type ProbeResolve } from './probe.js';

/** Failed hook attempts before the department gets a task (the hook is still tried every run). */
export const HOOK_ATTEMPTS_BEFORE_TASK = 2;
/** How long a hook recorded as started may take to show its wrapper's pid. */
const HOOK_START_GRACE_MS = 2000;
/** "Still the old one a day after delivery becomes a task." */
const SERVED_GRACE_MS = 86_400_000;
/** Records of one module followed at once (each waits on its provider and probes). */
export const LIFECYCLE_CONCURRENCY = 8;

/** What the lifecycle asks of tasks and messages (core/tasks, core/messages), each idempotent by its key. */
export interface LifecycleEffects {
  /** Opens the task `ledger:<record>:<purpose>`, or returns the one opened before. */
  openRecordTask(request: { module: StoredModule; record: LedgerRecord; purpose: string; what: string; why: string; dueDate: string | null }): Promise<{ readonly id: string }>;
  /** The client's "certificate reissued" message, once per record. */
  notifyReissued(request: { module: StoredModule; record: LedgerRecord; names: readonly string[]; expirationDate: string; paidUntil: string | null; validation: string; nextStep: string }): Promise<{ readonly detail: string }>;
}

/** Why a record cannot go on now, for the run's exit code: someone else's turn, or a problem. */
export type Waiting = 'validation' | 'install' | 'server' | 'provider' | 'hook' | 'stuck' | null;

export interface LifecycleReport {
  readonly id: string;
  readonly moduleId: number;
  readonly module: string;
  readonly domain: string;
  readonly certificateId: string;
  readonly newCertificateId: string | null;
  /** Shown stage before and after this run's step. */
  readonly from: string;
  readonly stage: string;
  readonly detail: string;
  readonly waiting: Waiting;
}

export interface LifecycleContext {
  readonly workspace: Workspace;
  readonly module: StoredModule;
  readonly runtime: ModuleRuntime;
  readonly ledger: Ledger;
  readonly effects: LifecycleEffects;
  readonly client: () => ProviderClient;
  readonly now: () => Date;
  /** The run's day (it may be given with --today). */
  readonly today: Day;
  readonly run: string;
  /** Paid until of the certificate a record replaces, as the client sees it (null for a one-year purchase). */
  readonly paidUntil: (certificateId: string) => string | null;
  readonly probeTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

const sameValidation = (a: LedgerValidation | null, b: LedgerValidation | null) => JSON.stringify(a) === JSON.stringify(b);

/** A sentence of what validation needs, for the detail and the client's message. */
export function describeValidation(needs: ValidationNeeds | null): string {
  if (!needs) return 'the provider did not say how';
  switch (needs.method) {
    case 'dns':
      return needs.dnsRecord ? `a DNS ${needs.dnsRecord.type} record ${needs.dnsRecord.name} = ${needs.dnsRecord.value}` : 'a DNS record';
    case 'http':
      return needs.httpFile ? `a file served at ${needs.httpFile.path}` : 'a file served over HTTP';
    case 'email':
      return needs.approverEmail ? `an approval e-mail to ${needs.approverEmail}` : 'an approval e-mail';
    case 'organization':
      return `the organisation's validation${needs.detail ? ` (${needs.detail})` : ''}`;
    default:
      return needs.detail ?? 'a validation the provider did not describe';
  }
}

const dayOf = (iso: string): Day => {
  const parsed = parseDay(iso.slice(0, 10));
  return parsed.ok ? parsed.value : dayOfInstant(new Date(iso));
};

/** One record's step in this run. */
export class RecordStep {
  private record: LedgerRecord;
  private waiting: Waiting = null;
  private readonly from: string;
  private readonly delivery: DeliverySettings;

  constructor(
    private readonly context: LifecycleContext,
    record: LedgerRecord,
    delivery: DeliverySettings,
  ) {
    this.record = record;
    this.from = shownStage(record);
    this.delivery = delivery;
  }

  private stamp() {
    return { id: this.record.id, at: this.context.now().toISOString(), run: this.context.run };
  }

  /** Appends an event and folds it into the record. */
  private append(event: LedgerEvent): void {
    this.context.ledger.append(event);
    this.record = applyEvent(this.record, event);
  }

  private async task(purpose: string, what: string, why: string): Promise<void> {
    if (this.record.tasks[purpose]) return;
    const task = await this.context.effects.openRecordTask({
      module: this.context.module,
      record: this.record,
      purpose,
      what,
      why,
      dueDate: servedDeadline(this.record.expires, this.record.openedAt),
    });
    this.append({ type: 'task', ...this.stamp(), purpose, taskId: task.id });
  }

  async advance(): Promise<LifecycleReport> {
    try {
      if (this.record.stage === 'submitted' || this.record.stage === 'validating' || this.record.stage === 'issued') await this.followOrder();
      if (this.record.stage === 'collected' || this.record.stage === 'delivered') await this.notifyClient();
      if (this.record.stage === 'collected') await this.deliver();
      if (this.record.stage === 'collected' || this.record.stage === 'delivered') await this.confirm();
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      logFailure(this.context.module, this.context.runtime, `reissue of ${this.record.domain} (${this.record.stage})`, error);
      this.waiting = 'provider';
      this.notes.push(`${error.failure}: ${error.message}`);
    }
    if (!isFinished(this.record.stage)) await this.judgeDeadline();
    return this.report();
  }

  /** What this run saw, in order (the report's detail). */
  private readonly notes: string[] = [];

  private report(): LifecycleReport {
    const r = this.record;
    return {
      id: r.id,
      moduleId: r.moduleId,
      module: this.context.module.parameters.name,
      domain: r.domain,
      certificateId: r.certificateId,
      newCertificateId: r.newCertificateId,
      from: this.from,
      stage: shownStage(r),
      detail: this.notes.length > 0 ? `${r.detail}; this run: ${this.notes.join('; ')}` : r.detail,
      waiting: shownStage(r) === 'stuck' ? 'stuck' : this.waiting,
    };
  }

  /** submitted / validating / issued: the provider's word on the order. */
  private async followOrder(): Promise<void> {
    const id = this.record.newCertificateId ?? this.record.certificateId;
    const state = await this.context.client().orderState(id);
    if (state.stage === 'validating') {
      const validation = state.validation;
      const detail = `waiting for validation: ${describeValidation(validation)}${state.reason ? ` (${state.reason})` : ''}; provider status ${state.providerStatus}`;
      if (this.record.stage !== 'validating' || !sameValidation(this.record.validation, validation) || this.record.detail !== detail) {
        this.append({ type: 'stage', ...this.stamp(), stage: 'validating', detail, validation });
      }
      this.waiting = 'validation';
      return;
    }
    if (state.stage === 'failed' || state.stage === 'cancelled') {
      const reason = state.reason ?? state.providerStatus;
      this.append({ type: 'stage', ...this.stamp(), stage: state.stage, detail: `the provider ${state.stage === 'failed' ? 'failed' : 'cancelled'} the reissue: ${reason}`, reason });
      await this.task(state.stage, 'reissue the certificate by hand', `the provider ${state.stage === 'failed' ? 'failed' : 'cancelled'} the reissue of ${this.record.domain} (${id}): ${reason}`);
      return;
    }
    if (this.record.stage !== 'issued') this.append({ type: 'stage', ...this.stamp(), stage: 'issued', detail: `issued by the provider${state.validTo ? `, valid until ${state.validTo}` : ''}` });
    await this.collect(state);
  }

  /** issued → collected: the certificate and chain, paired with the key, in certbot's layout; then the client hears of it once. */
  private async collect(state: OrderState): Promise<void> {
    if (!state.certificate) {
      this.notes.push('the provider says issued but gave no certificate yet');
      this.waiting = 'provider';
      return;
    }
    let issued;
    try {
      issued = readIssued(state.certificate, state.chain);
    } catch (error) {
      throw new ProviderError('unexpected-response', `the certificate of ${this.record.newCertificateId ?? this.record.certificateId} cannot be read: ${(error as Error).message}`);
    }
    const keyPem = this.record.keyFile && existsSync(this.record.keyFile) ? readFileSync(this.record.keyFile, 'utf8') : null;
    const csrPem = this.record.csrFile && existsSync(this.record.csrFile) ? readFileSync(this.record.csrFile, 'utf8') : null;
    const pairing = keyPem ? { keyPem } : csrPem ? { csrPem } : null;
    if (pairing && !(await pairsWith(issued.leaf, pairing))) {
      const reason = `the certificate the provider issued is not for the ${keyPem ? 'key certops made' : 'CSR certops sent'}`;
      this.append({ type: 'stage', ...this.stamp(), stage: 'failed', detail: reason, reason });
      await this.task('pairing', 'check the reissued certificate on the provider', `${reason} (${this.record.domain}, ${this.record.newCertificateId ?? this.record.certificateId}); it was not installed`);
      return;
    }
    const lineage = lineageDirectory(this.context.workspace, this.record.moduleId, this.record.domain);
    const files = await writeLineage(lineage, issued, keyPem);
    this.append({
      type: 'collected',
      ...this.stamp(),
      files,
      names: issued.names.length > 0 ? issued.names : [this.record.domain],
      fingerprint: issued.fingerprint,
      notAfter: new Date(issued.leaf.validTo).toISOString(),
    });
    moduleLog(this.context.module, this.context.runtime).write(1, `${this.context.module.parameters.name}: collected the reissued certificate of ${this.record.domain} in ${lineage}`);
  }

  /** The client hears of the new certificate once (a run killed before it did, does it next). */
  private async notifyClient(): Promise<void> {
    if (this.record.notified || this.record.files === null) return;
    const sent = await this.context.effects.notifyReissued({
      module: this.context.module,
      record: this.record,
      names: this.record.names,
      expirationDate: this.record.notAfter?.slice(0, 10) ?? '',
      paidUntil: this.context.paidUntil(this.record.certificateId),
      validation: this.record.validation ? describeValidation(this.record.validation) : 'no new validation was needed',
      nextStep: this.delivery.deployHook ? 'Nothing is needed from you: the new certificate is being installed.' : 'Your hosting provider installs the new certificate; nothing is needed from you.',
    });
    this.append({ type: 'notified', ...this.stamp(), detail: sent.detail });
  }

  /** collected → delivered: the deploy hook, once per attempt, or a task to install by hand. */
  private async deliver(): Promise<void> {
    const command = this.delivery.deployHook;
    const files = this.record.files;
    if (!files) return;
    if (command === null) {
      const folder = files.cert.slice(0, files.cert.lastIndexOf('/'));
      await this.task('install', `install the new certificate on the servers of ${this.record.domain}`, `certops collected the reissued certificate in ${folder} (cert.pem, chain.pem, fullchain.pem${files.key ? ', privkey.pem' : ''}) and has no deploy hook to install it; set one with certops policy set --deploy-hook COMMAND`);
      this.waiting = 'install';
      return;
    }
    let running = this.record.hookRunning;
    // A hook recorded as started by an earlier run (killed meanwhile); not one this run starts now.
    const startedEarlier = running !== null;
    if (!running) {
      const last = this.record.lastHook;
      if (last && last.attempt >= this.record.hookAttempts && last.exitCode === 0) {
        // The hook succeeded and the run stopped before it said so.
        this.append({ type: 'stage', ...this.stamp(), stage: 'delivered', detail: `the deploy hook installed it (attempt ${last.attempt})` });
        return;
      }
      const attempt = this.record.hookAttempts + 1;
      const paths = hookFiles(this.context.workspace, this.record.id, attempt);
      // Recorded before it starts: a run killed right after finds the wrapper's files, not a second hook.
      this.append({ type: 'hook-started', ...this.stamp(), attempt, pid: null, statusFile: paths.statusFile, outputFile: paths.outputFile });
      running = this.record.hookRunning;
    }
    if (!running) return;
    const paths = hookFiles(this.context.workspace, this.record.id, running.attempt);
    const lineage = files.cert.slice(0, files.cert.lastIndexOf('/'));
    const request = { command, lineage, domains: this.record.names, module: this.context.module.parameters.name, certificateId: this.record.newCertificateId ?? this.record.certificateId };
    // A wrapper started by a run killed a moment ago may not have written its pid yet: give it time to.
    const sinceStart = this.context.now().getTime() - Date.parse(running.at);
    let progress = await waitForStart(paths, startedEarlier && sinceStart >= 0 && sinceStart < HOOK_START_GRACE_MS ? HOOK_START_GRACE_MS - sinceStart : 0);
    if (progress.state === 'not-started') {
      startHook(request, paths);
      progress = await waitForHook(paths, HOOK_TIMEOUT_MS, this.context.signal);
    } else if (progress.state === 'running') {
      progress = await waitForHook(paths, HOOK_TIMEOUT_MS, this.context.signal);
    }
    if (progress.state === 'running' || progress.state === 'not-started') {
      this.waiting = 'hook';
      this.notes.push('the deploy hook is still running');
      return;
    }
    const exitCode = progress.state === 'finished' ? progress.exitCode : null;
    this.append({ type: 'hook-finished', ...this.stamp(), attempt: running.attempt, exitCode, outputTail: progress.outputTail });
    clearHookFiles(paths);
    if (exitCode === 0) {
      this.append({ type: 'stage', ...this.stamp(), stage: 'delivered', detail: `the deploy hook installed it (attempt ${running.attempt})` });
      return;
    }
    const why = exitCode === null ? 'was interrupted (the machine stopped while it ran)' : `exited with ${exitCode}`;
    this.notes.push(`the deploy hook ${why}; the next run tries again`);
    this.waiting = 'hook';
    moduleLog(this.context.module, this.context.runtime).write(3, `${this.context.module.parameters.name}: the deploy hook for ${this.record.domain} ${why}: ${progress.outputTail.slice(-300)}`);
    if (running.attempt >= HOOK_ATTEMPTS_BEFORE_TASK) {
      await this.task('hook', `install the new certificate of ${this.record.domain} and fix the deploy hook`, `the deploy hook "${command}" ${why} ${running.attempt} times; its output ends: ${progress.outputTail.trim().slice(-300) || '(nothing)'}`);
    }
  }

  /** collected / delivered → served: every name of the new certificate serves it. */
  private async confirm(): Promise<void> {
    const fingerprint = this.record.fingerprint;
    if (!fingerprint) return;
    let resolves: ProbeResolve[];
    try {
      resolves = this.delivery.probeResolve.map(parseProbeResolve);
    } catch (error) {
      this.notes.push(`the probe settings are not valid: ${(error as Error).message}`);
      return;
    }
    const targets = probeTargets(this.record.names, resolves);
    const results = await Promise.all(
      targets.map(async (target) => {
        const seen = await probe(target, this.context.probeTimeoutMs);
        const state: 'new' | 'old' | 'error' = seen.fingerprint === fingerprint ? 'new' : seen.fingerprint === null ? 'error' : 'old';
        return { name: target.name, target: `${target.host}:${target.port}`, seen: state, detail: seen.error ?? (state === 'new' ? 'serves the new certificate' : 'serves another certificate') };
      }),
    );
    const changed = JSON.stringify(results.map(({ name, target, seen }) => ({ name, target, seen }))) !== JSON.stringify((this.record.probe?.results ?? []).map(({ name, target, seen }) => ({ name, target, seen })));
    if (changed) this.append({ type: 'probe', ...this.stamp(), results });
    if (results.length > 0 && results.every((result) => result.seen === 'new')) {
      this.append({ type: 'stage', ...this.stamp(), stage: 'served', detail: `served: ${results.map((r) => r.name).join(', ')} ${results.length === 1 ? 'presents' : 'present'} the new certificate` });
      moduleLog(this.context.module, this.context.runtime).write(1, `${this.context.module.parameters.name}: the reissued certificate of ${this.record.domain} is served`);
      return;
    }
    const notYet = results.filter((result) => result.seen !== 'new');
    this.notes.push(`not served yet: ${notYet.map((r) => `${r.name} (${r.target}) ${r.detail}`).join('; ')}`);
    this.waiting ??= this.record.stage === 'delivered' ? 'server' : 'install';
    const deliveredAt = this.record.deliveredAt ? Date.parse(this.record.deliveredAt) : null;
    if (this.record.stage === 'delivered' && deliveredAt !== null && this.context.now().getTime() - deliveredAt >= SERVED_GRACE_MS) {
      await this.task('still-old', `reload the servers of ${this.record.domain}`, `a day after the deploy hook installed the new certificate, ${notYet.map((r) => `${r.name} (${r.target})`).join(', ')} still ${notYet.length === 1 ? 'serves' : 'serve'} another one`);
    }
  }

  /** Past its stage's deadline: stuck, and one task with the provider's own words. */
  private async judgeDeadline(): Promise<void> {
    const stage = this.record.stage as ActiveStage;
    const expires = this.record.expires && parseDay(this.record.expires).ok ? (parseDay(this.record.expires) as { value: Day }).value : null;
    const judgement = judgeStage(stage, dayOf(this.record.since), expires, this.record.validationType, this.context.today);
    if (!judgement.stuck || this.record.stuckIn === stage) return;
    const deadline = formatDay(judgement.deadline);
    const reason = `${stage} since ${this.record.since.slice(0, 10)}, past its deadline ${deadline}: ${this.record.detail}`;
    this.append({ type: 'stuck', ...this.stamp(), stuckIn: stage, deadline, reason });
    await this.task(`stuck:${stage}`, `unblock the reissue of ${this.record.domain}`, `the reissue is stuck in "${stage}" (${reason}); the certificate it replaces expires ${this.record.expires ?? 'on an unknown day'}`);
  }
}

/** Advances every unfinished record of one module, a few at a time. */
export async function advanceModule(context: LifecycleContext, records: readonly LedgerRecord[], delivery: DeliverySettings): Promise<LifecycleReport[]> {
  const { default: pLimit } = await import('p-limit');
  const limit = pLimit(LIFECYCLE_CONCURRENCY);
  return Promise.all(records.filter((record) => !isFinished(record.stage)).map((record) => limit(() => new RecordStep(context, record, delivery).advance())));
}
