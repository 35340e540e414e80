import { describe, expect, it } from 'vitest';
import { day, formatDay } from '../../src/rules/calendar.js';
import type { ValidationType } from '../../src/rules/cab-forum.js';
import { projectSubscription, type Projection, type ReissueSettings } from '../../src/rules/projection.js';

const AUTO: ReissueSettings = { policy: 'auto', beforeDays: 10, automaticReissue: { supported: true } };

function project(ordered: string, years: number, settings: Partial<ReissueSettings> = {}, validation: ValidationType = 'dv') {
  return projectSubscription({ ordered: day(ordered), years, validation }, { ...AUTO, ...settings });
}

/** Rows as strings, to compare whole chains at a glance. */
function rows(projection: Projection): string[] {
  return projection.certificates.map(
    (c) =>
      `${formatDay(c.issued)} ${formatDay(c.expires)} ${c.lifetimeDays} ${c.actionDate === null ? '-' : formatDay(c.actionDate)} ${c.action}` +
      (c.revalidate.length ? ` [${c.revalidate.join('+')}]` : ''),
  );
}

describe('projection of a subscription', () => {
  it('seed 000: 5 years from 2026-04-02 under auto/10 days, across all three steps', () => {
    const p = project('2026-04-02', 5);
    expect(formatDay(p.paidUntil)).toBe('2031-04-02');
    expect(p.paidUntilShown).toBe(p.paidUntil);
    const r = rows(p);
    expect(r.slice(0, 4)).toEqual([
      '2026-04-02 2026-10-19 200 2026-10-09 reissue',
      '2026-10-09 2027-04-27 200 2027-04-17 reissue [domain]',
      '2027-04-17 2027-07-26 100 2027-07-16 reissue',
      '2027-07-16 2027-10-24 100 2027-10-14 reissue [domain]',
    ]);
    // The last 100-day certificate is issued before 2029-03-15, the first 47-day one after.
    expect(r.slice(9, 11)).toEqual([
      '2029-01-06 2029-04-16 100 2029-04-06 reissue [domain]',
      '2029-04-06 2029-05-23 47 2029-05-13 reissue [domain]',
    ]);
    expect(r.at(-1)).toBe('2031-03-10 2031-04-02 23 - end-of-term');
    expect(p.certificates).toHaveLength(30);
    expect(p.warnings).toEqual([]);
  });

  it('seed 001: 5 years from 2020-10-20, yearly certificates, paid till 2025-10-20', () => {
    const p = project('2020-10-20', 5);
    expect(rows(p)).toEqual([
      '2020-10-20 2021-10-20 365 2021-10-10 reissue',
      '2021-10-10 2022-10-10 365 2022-09-30 reissue [domain]',
      '2022-09-30 2023-09-30 365 2023-09-20 reissue',
      '2023-09-20 2024-09-20 366 2024-09-10 reissue [domain]',
      '2024-09-10 2025-09-10 365 2025-08-31 reissue',
      '2025-08-31 2025-10-20 50 - end-of-term',
    ]);
  });

  it('a one-year purchase in 2026 is still covered by two certificates, with no paid until shown', () => {
    const p = project('2026-04-02', 1);
    expect(p.paidUntilShown).toBeNull();
    expect(rows(p)).toEqual(['2026-04-02 2026-10-19 200 2026-10-09 reissue', '2026-10-09 2027-04-02 175 - end-of-term']);
  });

  it('manual notifies the client and none does nothing, on the same dates as auto', () => {
    const auto = project('2026-04-02', 2);
    for (const [policy, action] of [
      ['manual', 'notify-client'],
      ['none', 'none'],
    ] as const) {
      const p = project('2026-04-02', 2, { policy });
      expect(p.certificates.map((c) => c.actionDate)).toEqual(auto.certificates.map((c) => c.actionDate));
      expect(p.certificates.slice(0, -1).every((c) => c.action === action)).toBe(true);
      expect(p.certificates.at(-1)?.action).toBe('end-of-term');
    }
  });

  describe('LeaderTelecom multi-domain certificates (seed 000)', () => {
    // The seed's rule as a provider's reissueCapability gives it (src/providers/leadertelecom/index.ts).
    const leader = ({ multiDomain }: { multiDomain: boolean }) =>
      multiDomain ? ({ supported: false, reason: 'LeaderTelecom does not support automatic reissue of multi-domain certificates' } as const) : ({ supported: true } as const);

    it('turn auto reissue into manual tasks, with a warning', () => {
      const p = project('2026-04-02', 2, { automaticReissue: leader({ multiDomain: true }) });
      expect(p.certificates.slice(0, -1).map((c) => c.action)).toEqual(p.certificates.slice(0, -1).map(() => 'manual-task'));
      expect(p.warnings).toEqual([
        "LeaderTelecom does not support automatic reissue of multi-domain certificates: each reissue becomes a manual task for the processing module's department.",
      ]);
    });

    it('leave single-domain certificates and the manual policy alone', () => {
      expect(project('2026-04-02', 2, { automaticReissue: leader({ multiDomain: false }) }).certificates[0]?.action).toBe('reissue');
      const manual = project('2026-04-02', 2, { policy: 'manual', automaticReissue: leader({ multiDomain: true }) });
      expect(manual.certificates[0]?.action).toBe('notify-client');
      expect(manual.warnings).toEqual([]);
    });
  });

  it('acts on the expiration day itself with SSLSubscriptionBefore 0', () => {
    const p = project('2027-04-01', 1, { beforeDays: 0 });
    const [first, second] = p.certificates;
    expect(first?.actionDate).toBe(first?.expires);
    expect(second?.issued).toBe(first?.expires);
  });

  it('falls back to one third of a 47-day lifetime when SSLSubscriptionBefore is 100, and warns once per lifetime', () => {
    const p = project('2029-04-01', 1, { beforeDays: 100 });
    const first = p.certificates[0];
    expect(first && formatDay(first.expires)).toBe('2029-05-18');
    expect(first && first.actionDate !== null && formatDay(first.actionDate)).toBe('2029-05-03');
    expect(first?.beforeDays).toBe(15);
    expect(first?.beforeFellBack).toBe(true);
    expect(p.warnings).toEqual([
      'SSLSubscriptionBefore 100 is not shorter than the 47-day lifetime of 10 certificates issued from 2029-04-01: acting 15 days before expiration instead (one third of the lifetime).',
    ]);
    expect(formatDay(p.certificates.at(-1)?.expires ?? p.paidUntil)).toBe('2030-04-01');
  });

  it('keeps 200 days before a 200-day certificate moving forward (fallback at equality)', () => {
    const p = project('2026-04-02', 2, { beforeDays: 200 });
    expect(p.certificates[0]?.beforeDays).toBe(66);
    expect(p.warnings).toEqual([
      'SSLSubscriptionBefore 200 is not shorter than the 200-day lifetime of 3 certificates issued from 2026-04-02: acting 66 days before expiration instead (one third of the lifetime).',
      'SSLSubscriptionBefore 200 is not shorter than the 100-day lifetime of 4 certificates issued from 2027-05-09: acting 33 days before expiration instead (one third of the lifetime).',
    ]);
  });

  it('warns when acting long before expiration gives a certificate shorter than the one it replaces', () => {
    // 150 days before a 200-day certificate issued 2027-03-14: reissued 2027-05-03 as a 100-day one.
    const p = project('2027-03-14', 1, { beforeDays: 150 });
    expect(rows(p).slice(0, 2)).toEqual(['2027-03-14 2027-09-30 200 2027-05-03 reissue', '2027-05-03 2027-08-11 100 2027-07-09 reissue [domain]']);
    expect(p.warnings).toContain(
      'SSLSubscriptionBefore 150 is longer than the lifetime of the next certificate: the reissue on 2027-05-03 gives a certificate that expires before the one it replaces.',
    );
  });

  describe('revalidation at a reissue', () => {
    it('counts a domain validation exactly as old as the reuse period as expired', () => {
      // 100-day certificates from 2027-04-01: acting on the expiration day, the validation is 100 days old.
      expect(project('2027-04-01', 1, { beforeDays: 0 }).certificates[0]?.revalidate).toEqual(['domain']);
      expect(project('2027-04-01', 1, { beforeDays: 1 }).certificates[0]?.revalidate).toEqual([]);
    });

    it('judges reuse on the reissue day, not on the validation day', () => {
      // Validated 2025-08-01 under the 398-day rule; reissued in July 2026, when only 200 days may be reused.
      const p = project('2025-08-01', 2);
      expect(rows(p)[0]).toBe('2025-08-01 2026-08-01 365 2026-07-22 reissue [domain]');
    });

    it('redoes OV organisation validation after 825 days before 2026-03-15 and after 398 days from then', () => {
      const p = project('2020-10-20', 5, {}, 'ov');
      expect(p.certificates.map((c) => c.revalidate.join('+'))).toEqual(['', 'domain', 'organization', 'domain', '', '']);
      const later = project('2026-04-02', 3, {}, 'ov');
      const firstOrganization = later.certificates.find((c) => c.revalidate.includes('organization'));
      expect(firstOrganization?.actionDate !== null && firstOrganization && formatDay(firstOrganization.actionDate as never)).toBe('2027-07-16');
    });

    it('holds EV organisation data to 398 days even before SC-081', () => {
      const p = project('2020-10-20', 5, {}, 'ev');
      expect(p.certificates.map((c) => c.revalidate.join('+'))).toEqual(['', 'domain+organization', '', 'domain+organization', '', '']);
    });

    it('needs a fresh domain validation at every reissue from 2029-03-15 (10-day reuse)', () => {
      const p = project('2029-03-15', 2);
      expect(p.certificates.slice(0, -1).every((c) => c.revalidate.includes('domain'))).toBe(true);
      expect(p.certificates.every((c) => !c.revalidate.includes('organization'))).toBe(true);
    });
  });

  it('refuses settings outside the rules', () => {
    expect(() => project('2026-04-02', 1, { beforeDays: 201 })).toThrow(RangeError);
    expect(() => project('2026-04-02', 1, { beforeDays: 2.5 })).toThrow(RangeError);
    expect(() => project('2026-04-02', 6)).toThrow(RangeError);
  });
});
