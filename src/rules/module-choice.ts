/**
 * Which processing module serves a new order when a tariff plan has several: the lowest Sort
 * first, then the lowest id (BILLmanager's module-selection order). Modules with known
 * problems (a failed connection check, a balance under their minimal balance) go after the
 * healthy ones but stay usable; when no module can serve at all, the order becomes a manual task.
 */
export interface ModuleCandidate {
  readonly id: number;
  readonly name: string;
  readonly sort: number;
  /** A processing module that is switched off never serves orders. */
  readonly enabled: boolean;
  /** Outcome of the last connection check; null when never checked. */
  readonly lastCheck: 'ok' | 'failed' | null;
  /** Last known balance at the provider; null when unknown. */
  readonly balance: number | null;
  /** Processing module minimal balance; null when the field is empty (no check, as in BILLmanager). */
  readonly minimalBalance: number | null;
}

export interface RankedModule {
  readonly module: ModuleCandidate;
  /** Why this module goes after the healthy ones; empty when healthy. */
  readonly problems: readonly string[];
}

export type ModuleChoice =
  | { readonly kind: 'module'; readonly module: ModuleCandidate; readonly ranking: readonly RankedModule[] }
  | { readonly kind: 'manual-task'; readonly reason: string; readonly ranking: readonly RankedModule[] };

export function moduleProblems(module: ModuleCandidate): string[] {
  const problems: string[] = [];
  if (module.lastCheck === 'failed') problems.push('its last connection check failed');
  if (module.balance !== null && module.minimalBalance !== null && module.balance < module.minimalBalance) {
    problems.push(`its balance ${module.balance} is under its minimal balance ${module.minimalBalance}`);
  }
  return problems;
}

export function rankProcessingModules(candidates: readonly ModuleCandidate[]): RankedModule[] {
  return candidates
    .filter((module) => module.enabled)
    .map((module) => ({ module, problems: moduleProblems(module) }))
    .sort(
      (a, b) =>
        Number(a.problems.length > 0) - Number(b.problems.length > 0) || a.module.sort - b.module.sort || a.module.id - b.module.id,
    );
}

export function chooseProcessingModule(candidates: readonly ModuleCandidate[]): ModuleChoice {
  const ranking = rankProcessingModules(candidates);
  const first = ranking[0];
  if (first) return { kind: 'module', module: first.module, ranking };
  const reason =
    candidates.length === 0
      ? 'no processing module is connected to the tariff plan'
      : 'every processing module connected to the tariff plan is switched off';
  return { kind: 'manual-task', reason, ranking };
}
