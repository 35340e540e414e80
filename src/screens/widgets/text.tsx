/**
 * Small text helpers for fixed-width rows. Widths are terminal columns, not string lengths: a
 * module or department name in Chinese or with an emoji takes two columns a character, and a
 * combining accent none, so a row padded by length would wrap or leave a gap. Text is cut between
 * graphemes, never inside one (nor inside a surrogate pair).
 */
import stringWidth from 'string-width';
import { graphemeSegmenter } from '../vendor/graphemes.js';
import { narrowWidth } from '../vendor/narrow-width.js';

/** The columns `text` (plain, without escapes) takes on a terminal. */
export function columns(text: string): number {
  return narrowWidth(text) ?? stringWidth(text);
}

// The UI bundle's own segmenter: certops' glyphs are cut without ICU, other text by Intl.Segmenter.
const segmenter = graphemeSegmenter();

/** The graphemes of `text`, one string each. */
export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), ({ segment }) => segment);
}

/** The longest run of whole graphemes, from the start (or the end), within `width` columns. */
function within(parts: readonly string[], width: number, fromEnd = false): { text: string; columns: number; count: number } {
  let used = 0;
  const kept: string[] = [];
  for (const part of fromEnd ? [...parts].reverse() : parts) {
    const wide = columns(part);
    if (used + wide > width) break;
    kept.push(part);
    used += wide;
  }
  return { text: (fromEnd ? kept.reverse() : kept).join(''), columns: used, count: kept.length };
}

const spaces = (count: number) => ' '.repeat(Math.max(0, count));

/** `text` in exactly `width` columns: padded on the right, or cut with "…". */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const used = columns(text);
  if (used <= width) return text + spaces(width - used);
  if (width === 1) return '…';
  const head = within(graphemes(text), width - 1);
  return `${head.text}…${spaces(width - 1 - head.columns)}`;
}

/** `text` in at most `width` columns: whole, or cut with "…" (no padding). */
export function cut(text: string, width: number): string {
  return columns(text) <= width ? text : fit(text, width).trimEnd();
}

/** `text` in lines of at most `width` columns, cut between graphemes (a long log line, whole). */
export function wrapColumns(text: string, width: number): string[] {
  if (width <= 0) return [];
  if (columns(text) <= width) return [text];
  const lines: string[] = [];
  let rest = graphemes(text);
  while (rest.length > 0) {
    const line = within(rest, width);
    // A grapheme wider than the line (a wide character on a 1-column line) still moves on.
    const taken = Math.max(1, line.count);
    lines.push(rest.slice(0, taken).join(''));
    rest = rest.slice(taken);
  }
  return lines;
}

/** `text` in exactly `width` columns, padded on the left. */
export function fitRight(text: string, width: number): string {
  if (width <= 0) return '';
  const used = columns(text);
  return used <= width ? spaces(width - used) + text : fit(text, width);
}

/**
 * `text` in exactly `width` columns, cut in the middle: module names often share their start
 * ("LeaderTelecom main", "LeaderTelecom shop") and differ at the end, which a cut at the end hides.
 */
export function fitMiddle(text: string, width: number): string {
  if (width <= 1) return fit(text, width);
  const used = columns(text);
  if (used <= width) return text + spaces(width - used);
  const parts = graphemes(text);
  const head = within(parts, Math.ceil((width - 1) / 2));
  const tail = within(parts, width - 1 - head.columns, true);
  return `${head.text}…${tail.text}${spaces(width - 1 - head.columns - tail.columns)}`;
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
