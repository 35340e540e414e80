/** Small text helpers for fixed-width rows. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text.padEnd(width);
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

export function fitRight(text: string, width: number): string {
  return text.length <= width ? text.padStart(width) : fit(text, width);
}

export function since(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)}h ago`;
  return `${Math.round(seconds / 86_400)}d ago`;
}

/**
 * A whole number with thousands separators (1,234,567). Written out rather than toLocaleString:
 * the first toLocaleString of a process loads ICU's number formatting, ~10 ms of the dashboard's
 * first frame.
 */
export function grouped(whole: number): string {
  return String(Math.round(whole)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function money(amount: number, currency: string): string {
  return `${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
}
