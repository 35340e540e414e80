import { describe, expect, it } from 'vitest';
import { addMonths, day, formatDay } from '../../src/rules/calendar.js';
import { certificateAction, type ActionSettings, type IssuedCertificate } from '../../src/rules/certificate-action.js';

const AUTO: ActionSettings = { policy: 'auto', beforeDays: 10, automaticReissue: { supported: true } };
const cert = (over: Partial<IssuedCertificate> = {}): IssuedCertificate => ({
  validFrom: day('2026-04-02'),
  validTo: day('2026-10-19'),
  orderDate: day('2026-04-02'),
  termMonths: 60,
  validation: 'dv',
  ...over,
});
const f = (d: number | null) => (d === null ? null : formatDay(d as never));

describe('next action on an issued certificate', () => {
  it('acts SSLSubscriptionBefore days before expiration within the paid term (seed 000 example)', () => {
    const action = certificateAction(cert(), AUTO, day('2026-09-01'));
    expect(f(action.paidUntil)).toBe('2031-04-02');
    expect(f(action.paidUntilShown)).toBe('2031-04-02');
    expect(f(action.actionDate)).toBe('2026-10-09');
    expect(action).toMatchObject({ action: 'reissue', beforeDays: 10, overdue: false, revalidate: [] });
  });

  it('ends the subscription when the certificate reaches paid until, and hides paid until for one-year terms', () => {
    const last = certificateAction(cert({ validFrom: day('2027-02-01'), validTo: day('2027-04-02'), termMonths: 12 }), AUTO, day('2027-03-01'));
    expect(last).toMatchObject({ action: 'end-of-term', actionDate: null, paidUntilShown: null });
    expect(f(last.paidUntil)).toBe('2027-04-02');
  });

  it('follows the policy and the module: manual notifies, none does nothing, no automatic reissue makes a task', () => {
    expect(certificateAction(cert(), { ...AUTO, policy: 'manual' }, day('2026-09-01')).action).toBe('notify-client');
    expect(certificateAction(cert(), { ...AUTO, policy: 'none' }, day('2026-09-01')).action).toBe('none');
    expect(certificateAction(cert(), { ...AUTO, automaticReissue: { supported: false, reason: 'x' } }, day('2026-09-01')).action).toBe('manual-task');
  });

  it('falls back to a third of the lifetime, and marks a passed action date as overdue', () => {
    const action = certificateAction(cert({ validFrom: day('2029-04-01'), validTo: day('2029-05-18'), orderDate: day('2029-04-01'), termMonths: 12 }), { ...AUTO, beforeDays: 100 }, day('2029-05-10'));
    expect(f(action.actionDate)).toBe('2029-05-03');
    expect(action).toMatchObject({ beforeDays: 15, beforeFellBack: true, overdue: true });
  });

  it('judges revalidation on the action date against the last known validations', () => {
    // Issued 2027-04-17 (100-day rules), acting 2027-07-16: 90 days after the domain check, 470 after the order.
    const ov = certificateAction(cert({ validFrom: day('2027-04-17'), validTo: day('2027-07-26'), validation: 'ov' }), AUTO, day('2027-06-01'));
    expect(ov.revalidate).toEqual(['organization']);
    const stale = certificateAction(cert({ validFrom: null, validTo: day('2027-07-26') }), AUTO, day('2027-06-01'));
    expect(stale.revalidate).toEqual(['domain']);
    expect(certificateAction(cert({ validation: null }), AUTO, day('2026-09-01')).revalidate).toEqual([]);
  });

  it('treats an unknown term as the end of what is known', () => {
    expect(certificateAction(cert({ termMonths: null }), AUTO, day('2026-09-01'))).toMatchObject({ action: 'end-of-term', paidUntil: null });
  });

  it('adds months, keeping the day or falling back to the end of a shorter month', () => {
    expect(formatDay(addMonths(day('2026-04-02'), 60))).toBe('2031-04-02');
    expect(formatDay(addMonths(day('2026-01-31'), 1))).toBe('2026-02-28');
    expect(formatDay(addMonths(day('2028-01-31'), 1))).toBe('2028-02-29');
    expect(formatDay(addMonths(day('2026-12-15'), 1))).toBe('2027-01-15');
    expect(formatDay(addMonths(day('2026-03-31'), -1))).toBe('2026-02-28');
  });
});
