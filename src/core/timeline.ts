/**
 * Use case: the reissue timeline. Every certificate of the last sync that is issued (or expired
 * within a paid term) gets its next action under the reissue policy: the rules of
 * src/rules/certificate-action.ts, with the module's own limits (LeaderTelecom multi-domain, a
 * provider without a reissue call for the product) turning `auto` into a manual task for the
 * module's department.
 */
import { formatDay, parseDay, type Day } from '../rules/calendar.js';
import { certificateAction } from '../rules/certificate-action.js';
import type { ProjectedAction, Revalidation } from '../rules/projection.js';
import type { AutomaticReissue, SubscriptionPolicy } from '../rules/reissue-policy.js';
import { PROVIDERS, type ProviderId } from '../providers/catalog.js';
import type { CertificateRecord } from '../providers/types.js';
import { providerModule } from '../providers/registry.js';
import type { StoredModule } from './store.js';
import type { Workspace } from './workspace.js';
import { isFinished, type ReissueStage } from '../rules/reissue-lifecycle.js';
import { Ledger, ledgerFile, UNSUCCESSFUL_STAGES, type LedgerRecord } from './reissue/ledger.js';
import { statusEntry } from './reissue/status.js';

export interface TimelineEntry {
  readonly moduleId: number;
  readonly module: string;
  readonly provider: ProviderId;
  readonly certificateId: string;
  readonly domain: string;
  readonly expires: string | null;
  /** As the client sees it (terms over a year); the term's end is in `termEnds`. */
  readonly paidUntil: string | null;
  readonly termEnds: string | null;
  readonly actionDate: string | null;
  readonly action: ProjectedAction;
  /** The department that gets the task, for manual tasks. */
  readonly department: string | null;
  /** Why `auto` became a manual task. */
  readonly reason: string | null;
  readonly revalidate: readonly Revalidation[];
  /** Past its action date with nothing under way. A certificate whose reissue is under way is not overdue. */
  readonly overdue: boolean;
  /** The reissue under way for this certificate (the ledger's record, or one the provider lists), or null. */
  readonly reissue: TimelineReissue | null;
}

export interface TimelineReissue {
  /** The ledger record's id; null for one the provider lists that has not joined the ledger yet. */
  readonly recordId: string | null;
  readonly stage: ReissueStage;
  readonly stuckIn: ReissueStage | null;
  readonly since: string | null;
  /** The day it must be served by. */
  readonly deadline: string | null;
  readonly newCertificateId: string | null;
  readonly detail: string;
}

export interface ReissuePolicySettings {
  readonly policy: SubscriptionPolicy;
  readonly beforeDays: number;
}

const toDay = (text: string | null): Day | null => {
  if (text === null) return null;
  const parsed = parseDay(text);
  return parsed.ok ? parsed.value : null;
};

/** One module's entries. Only issued certificates (or expired ones with paid term left) have actions. */
export function moduleTimeline(module: StoredModule, records: readonly CertificateRecord[], settings: ReissuePolicySettings, today: Day): TimelineEntry[] {
  const provider = providerModule(module.provider);
  // The provider's own answer (its reissueCapability, then the certificate's state): the run's too.
  const support = (record: CertificateRecord): AutomaticReissue => {
    const answer = provider.reissueSupport(record);
    return answer.supported ? answer : { supported: false, reason: answer.reason };
  };
  const entries: TimelineEntry[] = [];
  for (const record of records) {
    if (record.status !== 'issued' && record.status !== 'expired') continue;
    const validTo = toDay(record.validTo);
    if (validTo === null) continue;
    const automaticReissue = settings.policy === 'auto' ? support(record) : ({ supported: true } as const);
    const action = certificateAction(
      { validFrom: toDay(record.validFrom), validTo, orderDate: toDay(record.orderDate), termMonths: record.termMonths, validation: record.validation },
      { policy: settings.policy, beforeDays: settings.beforeDays, automaticReissue },
      today,
    );
    if (record.status === 'expired' && action.action === 'end-of-term') continue;
    entries.push({
      moduleId: module.id,
      module: module.parameters.name,
      provider: module.provider,
      certificateId: record.id,
      domain: record.mainDomain,
      expires: record.validTo,
      paidUntil: action.paidUntilShown === null ? null : formatDay(action.paidUntilShown),
      termEnds: action.paidUntil === null ? null : formatDay(action.paidUntil),
      actionDate: action.actionDate === null ? null : formatDay(action.actionDate),
      action: action.action,
      department: action.action === 'manual-task' ? module.parameters.department : null,
      reason: action.action === 'manual-task' && !automaticReissue.supported ? automaticReissue.reason : null,
      revalidate: action.revalidate,
      overdue: action.overdue,
      reissue: null,
    });
  }
  return entries;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** When an entry is due: its action date, or its expiration when the term ends with it. */
export const dueDate = (entry: TimelineEntry): string => entry.actionDate ?? entry.expires ?? '9999-12-31';

export interface Timeline {
  readonly entries: readonly TimelineEntry[];
  /** Per module: when its list was last synced, and the error of a later failed sync. */
  readonly modules: readonly {
    readonly id: number;
    readonly name: string;
    readonly syncedAt: string | null;
    readonly failure: string | null;
    /** The last failed sync, when it came after the last good one. */
    readonly failedSync: { readonly at: string; readonly cause: string } | null;
    readonly certificates: number;
  }[];
}

/** A reissue the ledger knows, with the expiry of the certificate it replaces (for a failed one). */
type KnownReissue = TimelineReissue & { readonly expires?: string | null };

/**
 * The reissues in flight by module and certificate: the ledger's unfinished records, and the last
 * record of a certificate when it failed or was cancelled (kept with its expiry: it shows only while
 * the certificate is still the one it failed to replace).
 */
function reissuesInFlight(workspace: Workspace): Map<string, KnownReissue> {
  const inFlight = new Map<string, KnownReissue>();
  const last = new Map<string, LedgerRecord>();
  const records = new Ledger(ledgerFile(workspace)).records();
  for (const record of records) last.set(`${record.moduleId}:${record.certificateId}`, record);
  for (const [key, record] of last) {
    if (!UNSUCCESSFUL_STAGES.includes(record.stage)) continue;
    const reason = record.reason ?? record.detail;
    inFlight.set(key, {
      recordId: record.id,
      stage: record.stage,
      stuckIn: null,
      since: record.since,
      deadline: null,
      newCertificateId: record.newCertificateId,
      detail: `reissue ${record.stage === 'failed' ? 'failed' : 'cancelled'}: ${reason} (${record.since.slice(0, 10)})${record.retryAskedAt ? ` · retry asked on ${record.retryAskedAt.slice(0, 10)}, the next run sends it` : ' · not retried (a on its record, or certops reissue retry)'}`,
      expires: record.expires,
    });
  }
  for (const record of records) {
    if (isFinished(record.stage)) continue;
    const entry = statusEntry(record, '');
    inFlight.set(`${record.moduleId}:${record.certificateId}`, {
      recordId: record.id,
      stage: entry.stage,
      stuckIn: entry.stuckIn ?? null,
      since: entry.since,
      deadline: entry.deadline,
      newCertificateId: entry.newCertificateId,
      detail: entry.detail,
    });
  }
  return inFlight;
}

/** The entry with what is under way for its certificate: the ledger's stage, or the provider's word. */
function withReissue(entry: TimelineEntry, record: CertificateRecord | undefined, inFlight: ReadonlyMap<string, KnownReissue>): TimelineEntry {
  const known = inFlight.get(`${entry.moduleId}:${entry.certificateId}`);
  // A failed reissue is shown while the certificate is the one it failed to replace; it leaves the
  // action overdue (nothing is under way).
  if (known && UNSUCCESSFUL_STAGES.includes(known.stage)) {
    if (known.expires !== entry.expires) return entry;
    const { expires: _expires, ...failed } = known;
    return { ...entry, reissue: failed };
  }
  const reissue =
    known ??
    (record?.pendingReissue
      ? { recordId: null, stage: 'submitted' as const, stuckIn: null, since: null, deadline: entry.expires, newCertificateId: record.pendingReissue, detail: 'under way on the provider; the next reissue run follows it' }
      : null);
  return reissue ? { ...entry, reissue, overdue: false } : entry;
}

export function buildTimeline(workspace: Workspace, today: Day, settings?: ReissuePolicySettings): Timeline {
  const config = workspace.store.read();
  const inventory = workspace.inventory.read();
  const policy = settings ?? config.reissuePolicy;
  const inFlight = reissuesInFlight(workspace);
  const entries: TimelineEntry[] = [];
  const modules = config.modules.map((module) => {
    const stored = inventory.modules[String(module.id)];
    const failure = inventory.failures[String(module.id)];
    if (stored) {
      const byId = new Map(stored.certificates.map((record) => [record.id, record as CertificateRecord]));
      for (const entry of moduleTimeline(module, stored.certificates, policy, today)) entries.push(withReissue(entry, byId.get(entry.certificateId), inFlight));
    }
    return {
      id: module.id,
      name: module.parameters.name,
      syncedAt: stored?.syncedAt ?? null,
      failure: failure ? `${failure.detail} (${failure.at})` : null,
      failedSync: failure ? { at: failure.at, cause: failure.cause } : null,
      certificates: stored?.certificates.length ?? 0,
    };
  });
  // Dates are ISO and domains ASCII (IDNs travel as punycode): code-unit order is the right order,
  // and ~10x cheaper than localeCompare over 100 000 entries.
  entries.sort((a, b) => compareText(dueDate(a), dueDate(b)) || compareText(a.domain, b.domain));
  return { entries, modules };
}

export interface TimelineFilter {
  /** Only entries due within this many days from today (overdue ones included). */
  readonly withinDays?: number;
  readonly modules?: readonly string[];
  readonly actions?: readonly ProjectedAction[];
  /** Only entries whose reissue is in one of these stages; `none` for entries with nothing under way. */
  readonly stages?: readonly (ReissueStage | 'none')[];
}

export function filterTimeline(entries: readonly TimelineEntry[], filter: TimelineFilter, today: Day): TimelineEntry[] {
  const limit = filter.withinDays === undefined ? null : formatDay((today + filter.withinDays) as Day);
  const modules = filter.modules?.map((name) => name.toLowerCase());
  return entries.filter(
    (entry) =>
      (limit === null || dueDate(entry) <= limit) &&
      (!modules || modules.includes(entry.module.toLowerCase())) &&
      (!filter.actions || filter.actions.includes(entry.action)) &&
      (!filter.stages || filter.stages.includes(entry.reissue?.stage ?? 'none')),
  );
}

/** Counts of entries due in the next 7 / 30 / 90 days (overdue included), for the dashboard. */
export function dueCounts(entries: readonly TimelineEntry[], today: Day): { within7: number; within30: number; within90: number; overdue: number } {
  const within = (days: number) => filterTimeline(entries, { withinDays: days }, today).filter((entry) => entry.actionDate !== null).length;
  return { within7: within(7), within30: within(30), within90: within(90), overdue: entries.filter((entry) => entry.overdue).length };
}
