/**
 * The reissue policy of BILLmanager: billmgr.conf's SSLSubscriptionPolicy (what to do with a
 * certificate that is about to expire) and SSLSubscriptionBefore (how many days before its
 * expiration date to do it).
 */
import { quoted } from './control-characters.js';
import { fail, ok, type Result } from './result.js';

export type SubscriptionPolicy = 'auto' | 'manual' | 'none';
export const SUBSCRIPTION_POLICIES: readonly SubscriptionPolicy[] = ['auto', 'manual', 'none'];
export const DEFAULT_SUBSCRIPTION_POLICY: SubscriptionPolicy = 'auto';
export const DEFAULT_SUBSCRIPTION_BEFORE_DAYS = 10;
export const MAX_SUBSCRIPTION_BEFORE_DAYS = 200;

/** What the platform does on a certificate's action date. */
export type ReissueAction =
  /** `auto`: the certificate is reissued through the provider's API. */
  | 'reissue'
  /** `manual`: the client is notified that the certificate expires. */
  | 'notify-client'
  /** `auto` where the processing module cannot reissue automatically: a task for its department. */
  | 'manual-task'
  /** `none`: nothing is done. */
  | 'none';

export const POLICY_DESCRIPTIONS: Readonly<Record<SubscriptionPolicy, string>> = {
  auto: 'Automatic certificate reissue',
  manual: 'Certificate expiration notification',
  none: 'No action',
};

export function parseSubscriptionPolicy(text: string): Result<SubscriptionPolicy> {
  const value = text.trim();
  return (SUBSCRIPTION_POLICIES as readonly string[]).includes(value)
    ? ok(value as SubscriptionPolicy)
    : fail(`SSLSubscriptionPolicy must be one of ${SUBSCRIPTION_POLICIES.join(', ')} (got ${quoted(text)})`);
}

/** SSLSubscriptionBefore: a whole number of days from 0 to 200. Anything else is refused. */
export function parseSubscriptionBefore(input: string | number): Result<number> {
  const rule = `SSLSubscriptionBefore must be a whole number of days from 0 to ${MAX_SUBSCRIPTION_BEFORE_DAYS}`;
  const text = typeof input === 'number' ? String(input) : input.trim();
  if (!/^\d+$/.test(text)) return fail(`${rule} (got ${quoted(String(input))})`);
  const days = Number(text);
  if (days > MAX_SUBSCRIPTION_BEFORE_DAYS) return fail(`${rule}; ${days} is more than the maximum of ${MAX_SUBSCRIPTION_BEFORE_DAYS}`);
  return ok(days);
}

/**
 * How many days before expiration to act on a certificate of `lifetimeDays`. When the configured
 * period is not shorter than the lifetime (100 days before a 47-day certificate), acting "before"
 * would fall on or before the issue day and the schedule could never move forward; like
 * cert-manager, fall back to one third of the lifetime.
 */
export function effectiveBeforeDays(beforeDays: number, lifetimeDays: number): { days: number; fellBack: boolean } {
  if (beforeDays < lifetimeDays) return { days: beforeDays, fellBack: false };
  return { days: Math.floor(lifetimeDays / 3), fellBack: true };
}

/** Whether a processing module can reissue a given certificate by itself, and if not, why. */
export type AutomaticReissue = { readonly supported: true } | { readonly supported: false; readonly reason: string };

export function actionFor(policy: SubscriptionPolicy, automaticReissue: AutomaticReissue): ReissueAction {
  switch (policy) {
    case 'auto':
      return automaticReissue.supported ? 'reissue' : 'manual-task';
    case 'manual':
      return 'notify-client';
    case 'none':
      return 'none';
  }
}
