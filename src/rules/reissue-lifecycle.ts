/**
 * The stages of a reissue after it was submitted, and by when each must be over. Pure: days in,
 * decisions out (as cert-manager's renewal-time rule, with a named table of cases).
 *
 * A reissue is done when the new certificate is served, and it must be served before the
 * certificate it replaces expires. Each stage therefore has a deadline counted back from that
 * expiry, leaving room for the stages after it; a stage that outlives its deadline is stuck.
 * Every stage is also given a minimum time of its own (a validation that started late is not
 * stuck the hour it starts), and OV/EV validation takes days where DV takes hours.
 */
import type { ValidationType } from './cab-forum.js';
import { addDays, daysBetween, formatDay, parseDay, type Day } from './calendar.js';

export const REISSUE_STAGES = ['submitted', 'validating', 'issued', 'collected', 'delivered', 'served', 'failed', 'cancelled', 'stuck'] as const;
export type ReissueStage = (typeof REISSUE_STAGES)[number];

/** The stages a reissue moves through on its way to `served`, in order. */
export type ActiveStage = 'submitted' | 'validating' | 'issued' | 'collected' | 'delivered';
export const ACTIVE_STAGES: readonly ActiveStage[] = ['submitted', 'validating', 'issued', 'collected', 'delivered'];
export const FINISHED_STAGES: readonly ReissueStage[] = ['served', 'failed', 'cancelled'];

export const isFinished = (stage: ReissueStage): boolean => FINISHED_STAGES.includes(stage);

/**
 * Per stage: how many days before the replaced certificate's expiry it must be over, and the
 * fewest days it is given from when it began. Named cases, so a test can point at each.
 */
export const STAGE_DEADLINES: Readonly<Record<ActiveStage, { readonly daysBeforeExpiry: number; readonly minimumDays: (validation: ValidationType | null) => number }>> = {
  // The provider should say it took the request within a day.
  submitted: { daysBeforeExpiry: 4, minimumDays: () => 1 },
  // Domain validation is hours of someone's time; organisation (OV) and extended (EV) checks take days.
  validating: { daysBeforeExpiry: 3, minimumDays: (validation) => VALIDATION_DAYS[validation ?? 'dv'] },
  // Collection is certops' own work: the next run does it.
  issued: { daysBeforeExpiry: 2, minimumDays: () => 1 },
  // Installing: a deploy hook, or a person given a task.
  collected: { daysBeforeExpiry: 1, minimumDays: () => 2 },
  // "Still the old one a day after delivery": the server has not been reloaded.
  delivered: { daysBeforeExpiry: 0, minimumDays: () => 1 },
};

/** How long a validation of each type takes at the most, as the CAs publish it (DV hours, OV 1-3 days, EV up to 5). */
export const VALIDATION_DAYS: Readonly<Record<ValidationType, number>> = { dv: 1, ov: 3, ev: 5 };

/** Days a reissue needs after its action date: validation plus collection, install and a probe. */
export function reissueLeadDays(validation: ValidationType | null): number {
  return VALIDATION_DAYS[validation ?? 'dv'] + STAGE_DEADLINES.validating.daysBeforeExpiry;
}

/**
 * A warning when SSLSubscriptionBefore leaves less time than a reissue of this validation type
 * takes (the validation itself plus collection, install and probe); null when it is enough.
 */
export function subscriptionBeforeWarning(beforeDays: number, validation: ValidationType): string | null {
  const needed = reissueLeadDays(validation);
  if (beforeDays >= needed) return null;
  return `SSLSubscriptionBefore ${beforeDays} leaves too little time for a ${validation.toUpperCase()} reissue: its validation takes up to ${VALIDATION_DAYS[validation]} day${VALIDATION_DAYS[validation] === 1 ? '' : 's'}, and collection, install and the check that it is served ${STAGE_DEADLINES.validating.daysBeforeExpiry} more; set it to ${needed} or more`;
}

/** The day by which a stage that began on `since` must be over; null when the expiry is unknown and no minimum applies. */
export function stageDeadline(stage: ActiveStage, since: Day, expires: Day | null, validation: ValidationType | null): Day {
  const rule = STAGE_DEADLINES[stage];
  const minimum = addDays(since, rule.minimumDays(validation));
  if (expires === null) return minimum;
  const byExpiry = addDays(expires, -rule.daysBeforeExpiry);
  return byExpiry > minimum ? byExpiry : minimum;
}

export interface StuckJudgement {
  readonly stuck: boolean;
  /** The day the stage had to be over. */
  readonly deadline: Day;
  /** Days past it (0 when not stuck). */
  readonly daysLate: number;
}

/** A stage is stuck on the day after its deadline. */
export function judgeStage(stage: ActiveStage, since: Day, expires: Day | null, validation: ValidationType | null, today: Day): StuckJudgement {
  const deadline = stageDeadline(stage, since, expires, validation);
  const late = daysBetween(deadline, today);
  return { stuck: late > 0, deadline, daysLate: Math.max(0, late) };
}

/** The day the whole reissue must be served by: the replaced certificate's expiry, else 30 days after it began. */
export function servedDeadline(expires: string | null, since: string): string {
  if (expires !== null && parseDay(expires).ok) return expires;
  const began = parseDay(since.slice(0, 10));
  return began.ok ? formatDay(addDays(began.value, 30)) : since.slice(0, 10);
}
