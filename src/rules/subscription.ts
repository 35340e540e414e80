/**
 * SSL subscriptions as BILLmanager describes them: a client pays for 1–5 years, and the platform keeps
 * a technical certificate in place for that whole term, each one as long as the rules allow.
 */
import { addDays, addYears, daysBetween, minDay, type Day } from './calendar.js';
import { cabLimitsOn } from './cab-forum.js';

export const MIN_TERM_YEARS = 1;
export const MAX_TERM_YEARS = 5;

export function isTermYears(years: number): boolean {
  return Number.isInteger(years) && years >= MIN_TERM_YEARS && years <= MAX_TERM_YEARS;
}

/** The end of the paid term: the order date plus the term in years. */
export function paidUntil(ordered: Day, years: number): Day {
  if (!isTermYears(years)) throw new RangeError(`the paid term must be ${MIN_TERM_YEARS}–${MAX_TERM_YEARS} whole years, got ${years}`);
  return addYears(ordered, years);
}

/** "Paid until" as the client area shows it: empty for a one-year purchase. */
export function paidUntilShown(ordered: Day, years: number): Day | null {
  return years > 1 ? paidUntil(ordered, years) : null;
}

/** What ended a technical certificate's life where it did. */
export type LifetimeLimit = 'paid-until' | 'cab-maximum' | 'one-year';

export interface TechnicalCertificate {
  readonly issued: Day;
  readonly expires: Day;
  readonly lifetimeDays: number;
  readonly limitedBy: LifetimeLimit;
}

/**
 * The technical certificate issued on `issued` within a subscription paid until `until`: the
 * shortest of one year, the CA/B maximum of its issue day and what is left of the paid term.
 * Its expiration date is the issue date plus its lifetime in days, as BILLmanager counts
 * (2026-04-02 + 200 days = 2026-10-19).
 */
export function technicalCertificate(issued: Day, until: Day): TechnicalCertificate {
  if (issued >= until) throw new RangeError('a certificate must be issued before the end of the paid term');
  const oneYear = addYears(issued, 1);
  const cabMaximum = addDays(issued, cabLimitsOn(issued).maxValidityDays);
  const expires = minDay(minDay(oneYear, cabMaximum), until);
  // On a tie the paid term wins, so the last certificate of a term always says so.
  const limitedBy: LifetimeLimit = expires === until ? 'paid-until' : expires === cabMaximum ? 'cab-maximum' : 'one-year';
  return { issued, expires, lifetimeDays: daysBetween(issued, expires), limitedBy };
}
