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

/**
 * An amount as every screen and command writes it: thousands grouped, cents only when there are
 * any ("15,000", "1,523.40"). One way everywhere, so the dashboard, the balances, a module and
 * `certops balance` agree. Written out rather than toLocaleString: the first toLocaleString of a
 * process loads ICU's number formatting, ~10 ms of the dashboard's first frame.
 */
export function formatAmount(amount: number): string {
  if (!Number.isFinite(amount)) return String(amount);
  const cents = Math.round(Math.abs(amount) * 100);
  const whole = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = cents % 100 === 0 ? '' : `.${String(cents % 100).padStart(2, '0')}`;
  return `${amount < 0 && cents > 0 ? '-' : ''}${whole}${fraction}`;
}

/** An amount with its currency: "15,000 RUB". */
export function formatBalance(amount: number, currency: string): string {
  return `${formatAmount(amount)} ${currency}`;
}

/** What can be spent, the minimal balance guards: eNom's AvailableBalance where given, else the balance. */
export function spendable(balance: { readonly amount: number; readonly available?: number | null | undefined }): number {
  return balance.available ?? balance.amount;
}

/** Whether a balance is under its module's minimal balance (none: never). */
export function underMinimal(balance: { readonly amount: number; readonly available?: number | null | undefined }, minimalBalance: number | null): boolean {
  return minimalBalance !== null && spendable(balance) < minimalBalance;
}

/**
 * A balance against its minimal balance in one cell: "▼15,000 RUB/20,000" (▼ when under it),
 * "1,523.40 EUR/100", "unknown/100"; the minimal balance is in the same currency.
 */
export function formatBalanceCell(balance: { readonly amount: number; readonly available?: number | null | undefined; readonly currency: string } | null | undefined, minimalBalance: number | null): string {
  const minimal = minimalBalance === null ? '' : `/${formatAmount(minimalBalance)}`;
  if (!balance) return `unknown${minimal}`;
  return `${underMinimal(balance, minimalBalance) ? '▼' : ''}${formatBalance(spendable(balance), balance.currency)}${minimal}`;
}
