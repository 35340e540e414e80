/**
 * UTC calendar days. Every rule in certops works on whole days counted from 1970-01-01 UTC, so a
 * date never shifts with the server's time zone and day arithmetic is plain integer arithmetic.
 */
import { quoted } from './control-characters.js';
import { fail, ok, type Result } from './result.js';

declare const dayBrand: unique symbol;
/** A UTC calendar day, as the number of days since 1970-01-01. */
export type Day = number & { readonly [dayBrand]: true };

const MS_PER_DAY = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day of a year, month (1–12) and day of month, or null when there is no such date. */
export function dayFromParts(year: number, month: number, dayOfMonth: number): Day | null {
  if (![year, month, dayOfMonth].every(Number.isInteger)) return null;
  const ms = Date.UTC(year, month - 1, dayOfMonth);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-30 over to March; a round trip catches it. Years 0–99 are mapped to 19xx by
  // Date.UTC, which the round trip also rejects.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== dayOfMonth) return null;
  return (ms / MS_PER_DAY) as Day;
}

/** Parses `YYYY-MM-DD` strictly: no times, no other separators, and the date must exist. */
export function parseDay(text: string): Result<Day> {
  const match = ISO_DAY.exec(text);
  if (!match) return fail(`${quoted(text)} is not a date in the form YYYY-MM-DD`);
  const day = dayFromParts(Number(match[1]), Number(match[2]), Number(match[3]));
  return day === null ? fail(`${text} is not a calendar date`) : ok(day);
}

/** A day known to be valid, for constants in code and tests. Throws on a typo. */
export function day(text: string): Day {
  const parsed = parseDay(text);
  if (!parsed.ok) throw new RangeError(parsed.error);
  return parsed.value;
}

export function formatDay(value: Day): string {
  return new Date(value * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * An instant as every screen and command writes it: "2026-12-08 01:45 UTC" (to the minute, in
 * UTC). Text that is not an instant is returned as it is.
 */
export function formatInstant(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The UTC calendar day an instant falls on (for callers that hold a clock reading). */
export function dayOfInstant(instant: Date): Day {
  return Math.floor(instant.getTime() / MS_PER_DAY) as Day;
}

export function addDays(value: Day, days: number): Day {
  return (value + days) as Day;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: Day, to: Day): number {
  return to - from;
}

/**
 * The same month and day `years` later. 29 February falls back to 28 February in a year without it,
 * as billing periods do (an order of 2028-02-29 for one year is paid until 2029-02-28).
 */
export function addYears(value: Day, years: number): Day {
  const date = new Date(value * MS_PER_DAY);
  const year = date.getUTCFullYear() + years;
  const month = date.getUTCMonth() + 1;
  return dayFromParts(year, month, date.getUTCDate()) ?? (dayFromParts(year, month, 28) as Day);
}

export const minDay = (a: Day, b: Day): Day => (a <= b ? a : b);

/** The same day `months` later; a day missing in the target month falls back to its last day. */
export function addMonths(value: Day, months: number): Day {
  const date = new Date(value * MS_PER_DAY);
  const total = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  for (let dayOfMonth = date.getUTCDate(); dayOfMonth >= 28; dayOfMonth -= 1) {
    const candidate = dayFromParts(year, month, dayOfMonth);
    if (candidate !== null) return candidate;
  }
  return dayFromParts(year, month, date.getUTCDate()) as Day;
}
