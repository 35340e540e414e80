/**
 * The next action on a certificate already issued, from what the provider says of it (its dates and
 * paid term) and the reissue policy: the same rules as the projection, applied to one real
 * certificate on the day `today`.
 */
import { addMonths, daysBetween, type Day } from './calendar.js';
import { reusePeriodsOn, type ValidationType } from './cab-forum.js';
import type { ProjectedAction, Revalidation } from './projection.js';
import { actionFor, effectiveBeforeDays, type AutomaticReissue, type SubscriptionPolicy } from './reissue-policy.js';

export interface IssuedCertificate {
  readonly validFrom: Day | null;
  readonly validTo: Day;
  readonly orderDate: Day | null;
  /** The paid term in months, when known. */
  readonly termMonths: number | null;
  readonly validation: ValidationType | null;
}

export interface CertificateAction {
  /** The end of the paid term, when the order date and term are known. */
  readonly paidUntil: Day | null;
  /** Paid until as the client sees it: only for terms longer than a year. */
  readonly paidUntilShown: Day | null;
  readonly actionDate: Day | null;
  readonly action: ProjectedAction;
  readonly beforeDays: number | null;
  readonly beforeFellBack: boolean;
  readonly revalidate: readonly Revalidation[];
  /** The action date has passed and the certificate has not been replaced yet. */
  readonly overdue: boolean;
}

export interface ActionSettings {
  readonly policy: SubscriptionPolicy;
  readonly beforeDays: number;
  readonly automaticReissue: AutomaticReissue;
}

/**
 * Revalidation is judged on the action date against the last validations certops can know of:
 * domain control at the current certificate's issue (or the order), organisation at the order.
 * A provider may have revalidated since; it cannot have done so earlier, so this errs on the side
 * of warning.
 */
export function certificateAction(certificate: IssuedCertificate, settings: ActionSettings, today: Day): CertificateAction {
  const { validTo, validFrom, orderDate, termMonths } = certificate;
  const paidUntil = orderDate !== null && termMonths !== null && termMonths > 0 ? addMonths(orderDate, termMonths) : null;
  const paidUntilShown = paidUntil !== null && termMonths !== null && termMonths > 12 ? paidUntil : null;
  // No later certificate within the term: the subscription ends with this one (renewal is a new order).
  if (paidUntil === null || validTo >= paidUntil) {
    return { paidUntil, paidUntilShown, actionDate: null, action: 'end-of-term', beforeDays: null, beforeFellBack: false, revalidate: [], overdue: false };
  }
  const lifetime = validFrom !== null ? daysBetween(validFrom, validTo) : null;
  const before = lifetime !== null && lifetime > 0 ? effectiveBeforeDays(settings.beforeDays, lifetime) : { days: settings.beforeDays, fellBack: false };
  const actionDate = (validTo - before.days) as Day;
  const revalidate: Revalidation[] = [];
  if (certificate.validation !== null) {
    const reuse = reusePeriodsOn(actionDate, certificate.validation);
    const domainValidated = validFrom ?? orderDate;
    if (domainValidated !== null && daysBetween(domainValidated, actionDate) >= reuse.domain) revalidate.push('domain');
    if (reuse.organization !== null && orderDate !== null && daysBetween(orderDate, actionDate) >= reuse.organization) revalidate.push('organization');
  }
  return {
    paidUntil,
    paidUntilShown,
    actionDate,
    action: actionFor(settings.policy, settings.automaticReissue),
    beforeDays: before.days,
    beforeFellBack: before.fellBack,
    revalidate,
    overdue: actionDate < today,
  };
}
