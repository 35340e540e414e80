/**
 * The two notifications certops sends, as use cases: the certificate expiration notice to the
 * client (reissue policy `manual`) and the processing module low balance message to the module's
 * department. Each renders its template from messages.json, picks the recipients and delivers
 * once per key.
 */
import { PROVIDERS } from '../../providers/catalog.js';
import { spendable, underMinimal } from '../../rules/amount.js';
import { formatDay, type Day } from '../../rules/calendar.js';
import type { ProcessingModule } from '../module.js';
import type { Workspace } from '../workspace.js';
import { deliver, type Delivery, type DeliverOptions } from './mail.js';
import { departmentAddresses, readMessageSettings, templateOf } from './settings.js';
import { renderTemplate } from './templates.js';

/** The key of an expiration notice: one per certificate and action date. */
export function expirationKey(moduleId: number, certificateId: string, actionDate: string): string {
  return `expiration:${moduleId}:${certificateId}:${actionDate}`;
}

/** The key of a low-balance message: at most one per module and day. */
export function lowBalanceKey(moduleId: number, day: string): string {
  return `low-balance:${moduleId}:${day}`;
}

export interface Notified {
  readonly key: string;
  /** Who it was addressed to; [] when it went to the outbox for want of an address. */
  readonly to: readonly string[];
  readonly delivery: Delivery;
}

export interface ExpirationNotice {
  readonly module: Pick<ProcessingModule, 'id' | 'provider' | 'parameters'>;
  readonly certificateId: string;
  readonly domain: string;
  /** YYYY-MM-DD */
  readonly expirationDate: string;
  /** YYYY-MM-DD, or null for a one-year purchase. */
  readonly paidUntil: string | null;
  /** YYYY-MM-DD: the day the policy acts (expiration date minus SSLSubscriptionBefore). */
  readonly actionDate: string;
  /**
   * The client's address, when the caller knows it (certops does not know billing clients).
   * Without it the notice goes to the client fallback address, or, when none is set, to the outbox.
   */
  readonly client?: string | null | undefined;
}

/** Sends the certificate expiration notification of one certificate, once per action date. */
export async function notifyExpiration(workspace: Workspace, notice: ExpirationNotice, options: DeliverOptions = {}): Promise<Notified> {
  const settings = readMessageSettings(workspace);
  const { subject, body } = renderTemplate('expiration', templateOf(settings, 'expiration'), {
    domain: notice.domain,
    expirationDate: notice.expirationDate,
    paidUntil: notice.paidUntil,
    actionDate: notice.actionDate,
    module: notice.module.parameters.name,
    provider: PROVIDERS[notice.module.provider].title,
  });
  const client = notice.client?.trim() || null;
  const to = client ? [client] : settings.clientFallback ? [settings.clientFallback] : [];
  const note =
    to.length === 0
      ? `certops does not know the client's address of ${notice.domain}: forward this notice to the client, or set an address for such notices with: certops messages client-fallback set ADDR`
      : undefined;
  const key = expirationKey(notice.module.id, notice.certificateId, notice.actionDate);
  const delivery = await deliver(workspace, { key, to, subject, text: body, note }, options);
  return { key, to, delivery };
}

/** The key of a "certificate reissued" message: one per reissue of the ledger. */
export function reissuedKey(recordId: string): string {
  return `reissued:${recordId}`;
}

export interface ReissuedNotice {
  readonly module: Pick<ProcessingModule, 'id' | 'provider' | 'parameters'>;
  readonly recordId: string;
  readonly domain: string;
  readonly names: readonly string[];
  readonly expirationDate: string;
  readonly paidUntil: string | null;
  readonly validation: string;
  readonly nextStep: string;
}

/** Tells the client its certificate was reissued (what, until when, what to do), once per reissue. */
export async function notifyReissued(workspace: Workspace, notice: ReissuedNotice, options: DeliverOptions = {}): Promise<Notified> {
  const settings = readMessageSettings(workspace);
  const { subject, body } = renderTemplate('reissued', templateOf(settings, 'reissued'), {
    domain: notice.domain,
    names: notice.names.join(', '),
    expirationDate: notice.expirationDate,
    paidUntil: notice.paidUntil,
    module: notice.module.parameters.name,
    provider: PROVIDERS[notice.module.provider].title,
    validation: notice.validation,
    nextStep: notice.nextStep,
  });
  const to = settings.clientFallback ? [settings.clientFallback] : [];
  const note = to.length === 0 ? `certops does not know the client's address of ${notice.domain}: forward this message to the client, or set an address with: certops messages client-fallback set ADDR` : undefined;
  const key = reissuedKey(notice.recordId);
  const delivery = await deliver(workspace, { key, to, subject, text: body, note }, options);
  return { key, to, delivery };
}

export type LowBalanceOutcome =
  | { readonly notified: false; readonly reason: 'no-minimal-balance' | 'not-under-minimum' }
  | ({
      readonly notified: true;
      readonly department: string;
      /** Set when the department has no address: the message is in the outbox addressed to nobody; this says how to give one. */
      readonly noRecipient?: string;
    } & Notified);

/**
 * Sends the processing module low balance message to the module's department when the balance is
 * under its processing module minimal balance (an empty minimal balance means no check, as in
 * BILLmanager). At most once per module and day (`today`, UTC); a department without an address
 * gets it in the outbox, with a note saying so.
 */
export async function notifyLowBalance(
  workspace: Workspace,
  module: Pick<ProcessingModule, 'id' | 'provider' | 'parameters'>,
  balance: { readonly amount: number; readonly available?: number | null | undefined; readonly currency: string },
  today: Day,
  options: DeliverOptions = {},
): Promise<LowBalanceOutcome> {
  const { minimalBalance, department, name } = module.parameters;
  if (minimalBalance === null) return { notified: false, reason: 'no-minimal-balance' };
  // What can be spent (eNom's AvailableBalance) is what the minimal balance guards, as on every screen.
  if (!underMinimal(balance, minimalBalance)) return { notified: false, reason: 'not-under-minimum' };
  const settings = readMessageSettings(workspace);
  const { subject, body } = renderTemplate('low-balance', templateOf(settings, 'low-balance'), {
    module: name,
    provider: PROVIDERS[module.provider].title,
    department,
    balance: spendable(balance),
    minimalBalance,
    currency: balance.currency,
  });
  const to = [...(departmentAddresses(settings, department) ?? [])];
  const note = to.length === 0 ? `no address is set for the department "${department}"; set one with: certops messages department set "${department}" --email ADDR` : undefined;
  const key = lowBalanceKey(module.id, formatDay(today));
  const delivery = await deliver(workspace, { key, to, subject, text: body, note }, options);
  return { notified: true, department, key, to, delivery, ...(note === undefined ? {} : { noRecipient: note }) };
}

/**
 * The low-balance messages after a balance query: for each module whose balance was read and is
 * under its minimum, notifyLowBalance; a message that cannot be sent is reported, not thrown, so
 * the balances are reported whatever the mail does.
 */
export async function notifyLowBalances(
  workspace: Workspace,
  modules: readonly Pick<ProcessingModule, 'id' | 'provider' | 'parameters'>[],
  results: readonly ({ readonly ok: false } | { readonly ok: true; readonly amount: number; readonly available?: number | null | undefined; readonly currency: string; readonly underMinimum: boolean })[],
  today: Day,
): Promise<Map<number, Extract<LowBalanceOutcome, { notified: true }> | { readonly failed: string }>> {
  const sent = new Map<number, Extract<LowBalanceOutcome, { notified: true }> | { readonly failed: string }>();
  for (const [index, result] of results.entries()) {
    const module = modules[index];
    if (!module || !result.ok || !result.underMinimum) continue;
    try {
      const outcome = await notifyLowBalance(workspace, module, { amount: result.amount, available: result.available ?? null, currency: result.currency }, today);
      if (outcome.notified) sent.set(module.id, outcome);
    } catch (error) {
      sent.set(module.id, { failed: error instanceof Error ? error.message : String(error) });
    }
  }
  return sent;
}
