/**
 * Amounts and the minimal balance: how every screen, command and message writes an amount, and
 * what the processing module minimal balance is compared with. Pure.
 */

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
