import { describe, expect, it } from 'vitest';
import { day } from '../../src/rules/calendar.js';
import { cabLimitsOn, reusePeriodsOn } from '../../src/rules/cab-forum.js';

describe('CA/Browser Forum schedule (SC-081), by issue day', () => {
  it.each([
    ['2015-06-01', 398, 398, 825],
    ['2026-03-14', 398, 398, 825],
    ['2026-03-15', 200, 200, 398],
    ['2027-03-14', 200, 200, 398],
    ['2027-03-15', 100, 100, 398],
    ['2029-03-14', 100, 100, 398],
    ['2029-03-15', 47, 10, 398],
    ['2040-01-01', 47, 10, 398],
  ])('issued %s: validity %i days, DCV reuse %i, SII reuse %i', (issued, validity, dcv, sii) => {
    const limits = cabLimitsOn(day(issued));
    expect(limits.maxValidityDays).toBe(validity);
    expect(limits.domainReuseDays).toBe(dcv);
    expect(limits.subjectReuseDays).toBe(sii);
  });

  it('keys reuse periods on the validation type', () => {
    expect(reusePeriodsOn(day('2025-06-01'), 'dv')).toEqual({ domain: 398, organization: null });
    expect(reusePeriodsOn(day('2025-06-01'), 'ov')).toEqual({ domain: 398, organization: 825 });
    // EV Guidelines §3.2.2.14.3: no EV data item older than 398 days, even before SC-081.
    expect(reusePeriodsOn(day('2025-06-01'), 'ev')).toEqual({ domain: 398, organization: 398 });
    expect(reusePeriodsOn(day('2026-03-15'), 'ov')).toEqual({ domain: 200, organization: 398 });
    expect(reusePeriodsOn(day('2029-03-15'), 'ev')).toEqual({ domain: 10, organization: 398 });
  });
});
