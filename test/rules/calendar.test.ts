import { afterEach, describe, expect, it } from 'vitest';
import { addDays, addYears, day, dayFromParts, dayOfInstant, daysBetween, formatDay, parseDay } from '../../src/rules/calendar.js';

describe('UTC calendar days', () => {
  it('parses and formats YYYY-MM-DD both ways', () => {
    const parsed = parseDay('2026-04-02');
    expect(parsed).toEqual({ ok: true, value: 20545 });
    expect(formatDay(day('2026-04-02'))).toBe('2026-04-02');
    expect(formatDay(day('1970-01-01'))).toBe('1970-01-01');
  });

  it.each([
    ['2026-02-30', '2026-02-30 is not a calendar date'],
    ['2027-02-29', '2027-02-29 is not a calendar date'],
    ['2026-13-01', '2026-13-01 is not a calendar date'],
    ['2026-00-10', '2026-00-10 is not a calendar date'],
    ['2026-4-2', '"2026-4-2" is not a date in the form YYYY-MM-DD'],
    ['2026-04-02T00:00:00Z', '"2026-04-02T00:00:00Z" is not a date in the form YYYY-MM-DD'],
    [' 2026-04-02', '" 2026-04-02" is not a date in the form YYYY-MM-DD'],
    ['', '"" is not a date in the form YYYY-MM-DD'],
  ])('refuses %j', (text, error) => {
    expect(parseDay(text)).toEqual({ ok: false, error });
  });

  it('accepts leap days only in leap years', () => {
    expect(dayFromParts(2028, 2, 29)).not.toBeNull();
    expect(dayFromParts(2100, 2, 29)).toBeNull();
    expect(dayFromParts(2000, 2, 29)).not.toBeNull();
  });

  it('adds days and years; 29 February falls back to 28 February', () => {
    expect(formatDay(addDays(day('2026-04-02'), 200))).toBe('2026-10-19');
    expect(daysBetween(day('2026-04-02'), day('2026-10-19'))).toBe(200);
    expect(formatDay(addYears(day('2026-04-02'), 5))).toBe('2031-04-02');
    expect(formatDay(addYears(day('2028-02-29'), 1))).toBe('2029-02-28');
    expect(formatDay(addYears(day('2028-02-29'), 4))).toBe('2032-02-29');
  });

  describe('does not depend on the server time zone', () => {
    const original = process.env.TZ;
    afterEach(() => {
      process.env.TZ = original;
    });
    it.each(['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Europe/Moscow'])('in %s', (zone) => {
      process.env.TZ = zone;
      expect(formatDay(day('2026-03-15'))).toBe('2026-03-15');
      expect(formatDay(addYears(day('2026-03-15'), 1))).toBe('2027-03-15');
      expect(formatDay(dayOfInstant(new Date('2026-03-14T23:59:59Z')))).toBe('2026-03-14');
      expect(formatDay(dayOfInstant(new Date('2026-03-15T00:00:00Z')))).toBe('2026-03-15');
    });
  });
});
