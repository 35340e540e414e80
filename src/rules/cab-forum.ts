/**
 * The CA/Browser Forum schedule of ballot SC-081 (Baseline Requirements §6.3.2 validity, §4.2.1
 * data reuse), keyed on the day a certificate is issued. A step that starts "on" a date applies to
 * certificates issued from 00:00 UTC of that day. Certificates issued earlier keep their full
 * life: the BRs limit issuance, not certificates already out.
 */
import { day, type Day } from './calendar.js';

export type ValidationType = 'dv' | 'ov' | 'ev';
export const VALIDATION_TYPES: readonly ValidationType[] = ['dv', 'ov', 'ev'];

export interface CabLimits {
  /** First issue day of this step; null for the rules in force before SC-081. */
  readonly since: Day | null;
  /** Maximum validity period of a certificate issued in this step. */
  readonly maxValidityDays: number;
  /** How long a domain (DCV) validation may be reused. */
  readonly domainReuseDays: number;
  /** How long subject identity information (SII, the organisation of OV/EV) may be reused. */
  readonly subjectReuseDays: number;
}

export const CABF_SCHEDULE: readonly CabLimits[] = [
  { since: null, maxValidityDays: 398, domainReuseDays: 398, subjectReuseDays: 825 },
  { since: day('2026-03-15'), maxValidityDays: 200, domainReuseDays: 200, subjectReuseDays: 398 },
  { since: day('2027-03-15'), maxValidityDays: 100, domainReuseDays: 100, subjectReuseDays: 398 },
  { since: day('2029-03-15'), maxValidityDays: 47, domainReuseDays: 10, subjectReuseDays: 398 },
];

/**
 * The EV Guidelines (§3.2.2.14.3) cap every reused EV data item at 398 days, so before SC-081 an
 * EV organisation validation could not be reused for the BR's 825 days.
 */
const EV_DATA_REUSE_DAYS = 398;

/** The limits in force for a certificate issued on `issued`. */
export function cabLimitsOn(issued: Day): CabLimits {
  let current = CABF_SCHEDULE[0] as CabLimits;
  for (const step of CABF_SCHEDULE) {
    if (step.since === null || issued >= step.since) current = step;
  }
  return current;
}

/** Reuse periods of a validation type on an issue day; organisation is null for DV. */
export function reusePeriodsOn(issued: Day, validation: ValidationType): { domain: number; organization: number | null } {
  const limits = cabLimitsOn(issued);
  if (validation === 'dv') return { domain: limits.domainReuseDays, organization: null };
  const organization = validation === 'ev' ? Math.min(limits.subjectReuseDays, EV_DATA_REUSE_DAYS) : limits.subjectReuseDays;
  return { domain: limits.domainReuseDays, organization };
}
