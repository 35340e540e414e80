/**
 * The projection of one subscription: every technical certificate from the order date to paid
 * until, with the day something must happen to each and what that is.
 *
 * The next certificate starts on the previous one's action date whatever the policy: under `auto`
 * the platform reissues that day, under `manual` the client is told to reissue that day,
 * and under `none` nobody is prompted but the paid term still has to be covered, so the timeline
 * still shows when. The projection therefore shows the earliest schedule that keeps the site
 * covered to paid until.
 */
import { daysBetween, formatDay, type Day } from './calendar.js';
import { reusePeriodsOn, type ValidationType } from './cab-forum.js';
import {
  actionFor,
  effectiveBeforeDays,
  MAX_SUBSCRIPTION_BEFORE_DAYS,
  type AutomaticReissue,
  type ReissueAction,
  type SubscriptionPolicy,
} from './reissue-policy.js';
import { paidUntil, paidUntilShown, technicalCertificate, type TechnicalCertificate } from './subscription.js';

export interface SubscriptionOrder {
  readonly ordered: Day;
  readonly years: number;
  readonly validation: ValidationType;
}

export interface ReissueSettings {
  readonly policy: SubscriptionPolicy;
  /** SSLSubscriptionBefore, already validated (0–200). */
  readonly beforeDays: number;
  readonly automaticReissue: AutomaticReissue;
}

export type Revalidation = 'domain' | 'organization';

/** The last certificate of a term has no reissue: the subscription ends (renewal is a new order). */
export type ProjectedAction = ReissueAction | 'end-of-term';

export interface ProjectedCertificate extends TechnicalCertificate {
  /** The day the policy acts: expiration minus SSLSubscriptionBefore; null for the last certificate. */
  readonly actionDate: Day | null;
  readonly action: ProjectedAction;
  /** Days before expiration actually used (after the one-third fallback); null for the last certificate. */
  readonly beforeDays: number | null;
  readonly beforeFellBack: boolean;
  /** The validations that must be redone for the certificate issued on the action date. */
  readonly revalidate: readonly Revalidation[];
}

export interface Projection {
  readonly paidUntil: Day;
  /** Paid until as shown to the client: null for one-year terms. */
  readonly paidUntilShown: Day | null;
  readonly certificates: readonly ProjectedCertificate[];
  readonly warnings: readonly string[];
}

/**
 * A validation done on day `validated` may be reused on day `reissue` only while it is younger than
 * the reuse period. Dates are whole days and the validation's hour is unknown, so a validation
 * exactly N days old may already be more than N×24 hours old: it counts as expired.
 */
function mustRedo(validated: Day, reissue: Day, reuseDays: number): boolean {
  return daysBetween(validated, reissue) >= reuseDays;
}

export function projectSubscription(order: SubscriptionOrder, settings: ReissueSettings): Projection {
  const { beforeDays, policy } = settings;
  if (!Number.isInteger(beforeDays) || beforeDays < 0 || beforeDays > MAX_SUBSCRIPTION_BEFORE_DAYS) {
    throw new RangeError(`SSLSubscriptionBefore must be a whole number from 0 to ${MAX_SUBSCRIPTION_BEFORE_DAYS}, got ${beforeDays}`);
  }
  const until = paidUntil(order.ordered, order.years);
  const action = actionFor(policy, settings.automaticReissue);
  const certificates: ProjectedCertificate[] = [];
  const fallbacks = new Map<number, { count: number; first: Day; days: number }>();
  const shorterThanReplaced: ProjectedCertificate[] = [];
  let lastDomainValidation = order.ordered;
  let lastOrganizationValidation = order.ordered;

  // Each pass issues one certificate on a day strictly later than the last (the action date falls
  // after the issue day because the effective period is shorter than the lifetime), so the loop
  // ends within (paid until − order date) passes.
  for (let issued = order.ordered; ; ) {
    const certificate = technicalCertificate(issued, until);
    const replaced = certificates.at(-1);
    // Acting long before expiration across a CA/B step can yield a certificate that ends before the
    // one it replaces (150 days before a 200-day certificate, reissued as a 100-day one).
    if (replaced && certificate.expires < replaced.expires) shorterThanReplaced.push(replaced);
    if (certificate.expires >= until) {
      certificates.push({ ...certificate, actionDate: null, action: 'end-of-term', beforeDays: null, beforeFellBack: false, revalidate: [] });
      break;
    }
    const before = effectiveBeforeDays(beforeDays, certificate.lifetimeDays);
    const actionDate = (certificate.expires - before.days) as Day;
    if (before.fellBack) {
      const seen = fallbacks.get(certificate.lifetimeDays);
      if (seen) seen.count += 1;
      else fallbacks.set(certificate.lifetimeDays, { count: 1, first: certificate.issued, days: before.days });
    }
    const reuse = reusePeriodsOn(actionDate, order.validation);
    const revalidate: Revalidation[] = [];
    if (mustRedo(lastDomainValidation, actionDate, reuse.domain)) {
      revalidate.push('domain');
      lastDomainValidation = actionDate;
    }
    if (reuse.organization !== null && mustRedo(lastOrganizationValidation, actionDate, reuse.organization)) {
      revalidate.push('organization');
      lastOrganizationValidation = actionDate;
    }
    certificates.push({ ...certificate, actionDate, action, beforeDays: before.days, beforeFellBack: before.fellBack, revalidate });
    issued = actionDate;
  }

  const warnings: string[] = [];
  for (const [lifetime, { count, first, days }] of fallbacks) {
    warnings.push(
      `SSLSubscriptionBefore ${beforeDays} is not shorter than the ${lifetime}-day lifetime of ${count === 1 ? 'the certificate' : `${count} certificates`} ` +
        `issued from ${formatDay(first)}: acting ${days} days before expiration instead (one third of the lifetime).`,
    );
  }
  const firstShorter = shorterThanReplaced[0];
  if (firstShorter?.actionDate) {
    const count = shorterThanReplaced.length;
    warnings.push(
      `SSLSubscriptionBefore ${beforeDays} is longer than the lifetime of the next certificate: ` +
        (count === 1 ? `the reissue on ${formatDay(firstShorter.actionDate)} gives` : `${count} reissues from ${formatDay(firstShorter.actionDate)} give`) +
        ' a certificate that expires before the one it replaces.',
    );
  }
  if (policy === 'auto' && !settings.automaticReissue.supported) {
    warnings.push(`${settings.automaticReissue.reason}: each reissue becomes a manual task for the processing module's department.`);
  }
  return { paidUntil: until, paidUntilShown: paidUntilShown(order.ordered, order.years), certificates, warnings };
}
