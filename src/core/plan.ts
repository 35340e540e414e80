/** Use case: project what happens to one subscription ("what happens to my 5-year certificate?"). */
import { formatDay, type Day } from '../rules/calendar.js';
import type { ValidationType } from '../rules/cab-forum.js';
import { projectSubscription, type ProjectedAction, type Projection, type Revalidation } from '../rules/projection.js';
import type { SubscriptionPolicy } from '../rules/reissue-policy.js';
import { PROVIDERS, type ProviderId } from '../providers/catalog.js';
import { providerModule } from '../providers/registry.js';

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
  // The provider's own answer, as the timeline and the run get it (its folder's reissueCapability).
  const provider = request.provider === null ? null : providerModule(request.provider);
  const automaticReissue = provider === null ? ({ supported: true } as const) : provider.reissueCapability({ multiDomain: request.multiDomain });
  const projection = projectSubscription(
    { ordered: request.ordered, years: request.years, validation: request.validation },
    { policy: request.policy, beforeDays: request.beforeDays, automaticReissue },
  );
  // A limit that depends on what plan does not know (eNom's product): said, as the run would act on it.
  if (request.policy === 'auto' && automaticReissue.supported && provider?.reissueLimits && request.provider !== null) {
    return { ...projection, warnings: [...projection.warnings, `${PROVIDERS[request.provider].title}: ${provider.reissueLimits}.`] };
  }
  return projection;
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
