/** Use case: a module's balance at its provider, against its processing module minimal balance. */
import type { ProviderId } from '../providers/catalog.js';
import { moduleFailure, type ModuleFailure } from './check.js';
import { logFailure, withModuleClient, type ModuleRuntime, type ProcessingModule } from './module.js';

export type BalanceResult =
  | {
      readonly ok: true;
      readonly module: string;
      readonly provider: ProviderId;
      readonly amount: number;
      /** What can be spent, where the provider tells it apart (eNom's AvailableBalance); null otherwise. */
      readonly available?: number | null | undefined;
      readonly currency: string;
      /** null when the field is empty: no low-balance check, as in BILLmanager. */
      readonly minimalBalance: number | null;
      readonly underMinimum: boolean;
      readonly checkedAt: string;
    }
  | ModuleFailure;

export async function moduleBalance(module: ProcessingModule, runtime: ModuleRuntime, now: () => Date = () => new Date()): Promise<BalanceResult> {
  try {
    const balance = await withModuleClient(module, runtime, (client) => client.getBalance());
    const { minimalBalance } = module.parameters;
    return {
      ok: true,
      module: module.parameters.name,
      provider: module.provider,
      amount: balance.amount,
      available: balance.available ?? null,
      currency: balance.currency,
      minimalBalance,
      // What can be spent is what the minimal balance guards: eNom's AvailableBalance where it is given.
      underMinimum: minimalBalance !== null && (balance.available ?? balance.amount) < minimalBalance,
      checkedAt: now().toISOString(),
    };
  } catch (error) {
    logFailure(module, runtime, 'balance query', error);
    return moduleFailure(module, error, now());
  }
}

export function moduleBalances(modules: readonly ProcessingModule[], runtime: ModuleRuntime): Promise<BalanceResult[]> {
  return Promise.all(modules.map((module) => moduleBalance(module, runtime)));
}
