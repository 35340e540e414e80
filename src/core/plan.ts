/** Use case: project what happens to one subscription ("what happens to my 5-year certificate?"). */
import { formatDay, type Day } from '../rules/calendar.js';
import type { ValidationType } from '../rules/cab-forum.js';
import { projectSubscription, type ProjectedAction, type Projection, type Revalidation } from '../rules/projection.js';
import type { SubscriptionPolicy } from '../rules/reissue-policy.js';
import { PROVIDERS, type ProviderId } from '../providers/catalog.js';

export interface PlanRequest {
  readonly ordered: Day;
  readonly years: number;
  readonly validation: ValidationType;
  readonly policy: SubscriptionPolicy;
  readonly beforeDays: number;
  /** The processing module's provider, when it matters (LeaderTelecom multi-domain). */
  readonly provider: ProviderId | null;
  readonly multiDomain: boolean;
}

export function planSubscription(request: PlanRequest): Projection {
  const automaticReissue =
    request.provider === null ? ({ supported: true } as const) : PROVIDERS[request.provider].automaticReissue({ multiDomain: request.multiDomain });
  return projectSubscription(
    { ordered: request.ordered, years: request.years, validation: request.validation },
    { policy: request.policy, beforeDays: request.beforeDays, automaticReissue },
  );
}

/** The documented `certops plan --json` shape (README, "JSON output"). */
export interface PlanJson {
  readonly paidUntil: string | null;
  readonly certificates: readonly {
    readonly issued: string;
    readonly expires: string;
    readonly actionDate: string | null;
    readonly action: ProjectedAction;
    readonly revalidate: readonly Revalidation[];
  }[];
  readonly warnings: readonly string[];
}

export function planJson(projection: Projection): PlanJson {
  const orNull = (value: Day | null) => (value === null ? null : formatDay(value));
  return {
    paidUntil: orNull(projection.paidUntilShown),
    certificates: projection.certificates.map((c) => ({
      issued: formatDay(c.issued),
      expires: formatDay(c.expires),
      actionDate: orNull(c.actionDate),
      action: c.action,
      revalidate: c.revalidate,
    })),
    warnings: projection.warnings,
  };
}
