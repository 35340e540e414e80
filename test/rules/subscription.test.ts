import { describe, expect, it } from 'vitest';
import { day, formatDay } from '../../src/rules/calendar.js';
import { paidUntil, paidUntilShown, technicalCertificate } from '../../src/rules/subscription.js';

const cert = (issued: string, until: string) => {
  const c = technicalCertificate(day(issued), day(until));
  return { expires: formatDay(c.expires), days: c.lifetimeDays, limitedBy: c.limitedBy };
};

describe("subscriptions (BILLmanager's documentation)", () => {
  it('seed 000: ordered 2026-04-02 for 5 years expires 2026-10-19, paid until 2031-04-02', () => {
    const until = paidUntil(day('2026-04-02'), 5);
    expect(formatDay(until)).toBe('2031-04-02');
    expect(paidUntilShown(day('2026-04-02'), 5)).toBe(until);
    expect(cert('2026-04-02', '2031-04-02')).toEqual({ expires: '2026-10-19', days: 200, limitedBy: 'cab-maximum' });
  });

  it('seed 001: ordered 2020-10-20 for 5 years ends 2021-10-20, paid till 2025-10-20', () => {
    expect(formatDay(paidUntil(day('2020-10-20'), 5))).toBe('2025-10-20');
    expect(cert('2020-10-20', '2025-10-20')).toEqual({ expires: '2021-10-20', days: 365, limitedBy: 'one-year' });
  });

  it('shows no paid until for a one-year purchase, but the term still ends a year later', () => {
    expect(paidUntilShown(day('2026-04-02'), 1)).toBeNull();
    expect(formatDay(paidUntil(day('2026-04-02'), 1))).toBe('2027-04-02');
    expect(formatDay(paidUntilShown(day('2026-04-02'), 2) ?? day('1970-01-01'))).toBe('2028-04-02');
  });

  it.each([0, 6, 1.5, -1, Number.NaN])('refuses a term of %s years', (years) => {
    expect(() => paidUntil(day('2026-04-02'), years)).toThrow(RangeError);
  });

  it('takes the CA/B maximum of the issue day across each step', () => {
    // Issued the day before a step: the old rules, and the certificate keeps its whole life.
    expect(cert('2026-03-14', '2031-01-01')).toEqual({ expires: '2027-03-14', days: 365, limitedBy: 'one-year' });
    expect(cert('2026-03-15', '2031-01-01')).toEqual({ expires: '2026-10-01', days: 200, limitedBy: 'cab-maximum' });
    expect(cert('2027-03-14', '2031-01-01')).toEqual({ expires: '2027-09-30', days: 200, limitedBy: 'cab-maximum' });
    expect(cert('2027-03-15', '2031-01-01')).toEqual({ expires: '2027-06-23', days: 100, limitedBy: 'cab-maximum' });
    expect(cert('2029-03-14', '2031-01-01')).toEqual({ expires: '2029-06-22', days: 100, limitedBy: 'cab-maximum' });
    expect(cert('2029-03-15', '2031-01-01')).toEqual({ expires: '2029-05-01', days: 47, limitedBy: 'cab-maximum' });
  });

  it('never lasts longer than a year, even when 398 days were allowed', () => {
    expect(cert('2024-02-29', '2029-01-01')).toEqual({ expires: '2025-02-28', days: 365, limitedBy: 'one-year' });
    expect(cert('2023-03-01', '2029-01-01')).toEqual({ expires: '2024-03-01', days: 366, limitedBy: 'one-year' });
  });

  it('ends with what is left of the paid term', () => {
    expect(cert('2031-03-10', '2031-04-02')).toEqual({ expires: '2031-04-02', days: 23, limitedBy: 'paid-until' });
    expect(cert('2031-04-01', '2031-04-02')).toEqual({ expires: '2031-04-02', days: 1, limitedBy: 'paid-until' });
    // A tie between the term and another limit is reported as the term, since it ends the subscription.
    expect(cert('2020-10-20', '2021-10-20')).toEqual({ expires: '2021-10-20', days: 365, limitedBy: 'paid-until' });
    expect(() => technicalCertificate(day('2031-04-02'), day('2031-04-02'))).toThrow(RangeError);
  });
});
