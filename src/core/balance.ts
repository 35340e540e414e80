/** Use case: a module's balance at its provider, against its processing module minimal balance. */
import type { ProviderId } from '../providers/catalog.js';
import { moduleFailure, type ModuleFailure } from './check.js';
import { logFailure, withModuleClient, type ModuleRuntime, type ProcessingModule } from './module.js';
import { formatAmount, formatBalance, spendable, underMinimal } from '../rules/amount.js';

// The one way amounts are written and compared with the minimal balance, for every screen,
// command and message (pure, in rules/amount.ts, so the message templates need no provider code).
export { formatAmount, formatBalance, spendable, underMinimal };

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
      underMinimum: underMinimal(balance, minimalBalance),
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

/** BILLmanager's words for a balance under its processing module minimal balance, on every screen. */
export const UNDER_MINIMAL = 'under the minimal balance';

/**
 * A balance against its minimal balance in one cell: "▼15,000 RUB/20,000" (▼ when under it),
 * "1,150 USD* / 100" written without the space (* what can be spent, where the provider tells it apart: eNom's
 * AvailableBalance), "unknown/100" (never read), "✗ read failed/100" (the last read failed, newer
 * than the amount read before it); the minimal balance is in the same currency.
 */
export function formatBalanceCell(
  balance: { readonly amount: number; readonly available?: number | null | undefined; readonly currency: string; readonly at?: string } | null | undefined,
  minimalBalance: number | null,
  failure?: { readonly at: string } | null,
): string {
  const minimal = minimalBalance === null ? '' : `/${formatAmount(minimalBalance)}`;
  if (failure && (!balance?.at || failure.at >= balance.at)) return `✗ read failed${minimal}`;
  if (!balance) return `unknown${minimal}`;
  return `${underMinimal(balance, minimalBalance) ? '▼' : ''}${formatBalance(spendable(balance), balance.currency)}${balance.available != null ? '*' : ''}${minimal}`;
}
