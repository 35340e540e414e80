import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addYears, day, daysBetween, type Day } from '../../src/rules/calendar.js';
import { cabLimitsOn, reusePeriodsOn, VALIDATION_TYPES } from '../../src/rules/cab-forum.js';
import { projectSubscription } from '../../src/rules/projection.js';
import { actionFor, SUBSCRIPTION_POLICIES } from '../../src/rules/reissue-policy.js';

const FIRST = day('2020-01-01');
const LAST = day('2035-12-31');

const inputs = fc.record({
  ordered: fc.integer({ min: FIRST, max: LAST }).map((n) => n as Day),
  years: fc.integer({ min: 1, max: 5 }),
  validation: fc.constantFrom(...VALIDATION_TYPES),
  policy: fc.constantFrom(...SUBSCRIPTION_POLICIES),
  beforeDays: fc.integer({ min: 0, max: 200 }),
  automatic: fc.boolean(),
});

type Inputs = typeof inputs extends fc.Arbitrary<infer T> ? T : never;

const project = (i: Inputs) =>
  projectSubscription(
    { ordered: i.ordered, years: i.years, validation: i.validation },
    {
      policy: i.policy,
      beforeDays: i.beforeDays,
      automaticReissue: i.automatic ? { supported: true } : { supported: false, reason: 'test' },
    },
  );

describe('projection invariants (fast-check)', () => {
  it('starts on the order date, moves strictly forward and ends exactly at paid until', () => {
    fc.assert(
      fc.property(inputs, (i) => {
        const p = project(i);
        const chain = p.certificates;
        expect(chain[0]?.issued).toBe(i.ordered);
        expect(chain.at(-1)?.expires).toBe(p.paidUntil);
        expect(p.paidUntil).toBe(addYears(i.ordered, i.years));
        // It ended: at most one certificate per day of the term.
        expect(chain.length).toBeLessThanOrEqual(daysBetween(i.ordered, p.paidUntil));
        chain.forEach((c, k) => {
          expect(c.expires).toBeGreaterThan(c.issued);
          const next = chain[k + 1];
          if (next) {
            expect(c.actionDate).not.toBeNull();
            expect(next.issued).toBe(c.actionDate);
            expect(next.issued).toBeGreaterThan(c.issued);
            expect(c.actionDate as number).toBeLessThanOrEqual(c.expires);
            if (next.actionDate !== null) expect(next.actionDate).toBeGreaterThan(c.actionDate as number);
            expect(c.action).toBe(actionFor(i.policy, i.automatic ? { supported: true } : { supported: false, reason: 'test' }));
          } else {
            expect(c.actionDate).toBeNull();
            expect(c.action).toBe('end-of-term');
          }
        });
      }),
      { numRuns: 500 },
    );
  });

  it('warns exactly when a reissue gives a certificate that ends before the one it replaces', () => {
    fc.assert(
      fc.property(inputs, (i) => {
        const p = project(i);
        const shorter = p.certificates.some((c, k) => k > 0 && c.expires < (p.certificates[k - 1] as typeof c).expires);
        expect(p.warnings.some((w) => w.includes('expires before the one it replaces'))).toBe(shorter);
      }),
      { numRuns: 500 },
    );
  });

  it('never makes a certificate longer than the CA/B maximum of its issue day, or than a year', () => {
    fc.assert(
      fc.property(inputs, (i) => {
        for (const c of project(i).certificates) {
          expect(c.lifetimeDays).toBeLessThanOrEqual(cabLimitsOn(c.issued).maxValidityDays);
          expect(c.expires).toBeLessThanOrEqual(addYears(c.issued, 1));
          expect(c.lifetimeDays).toBe(daysBetween(c.issued, c.expires));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('uses SSLSubscriptionBefore unless it is not shorter than the lifetime, then one third of it', () => {
    fc.assert(
      fc.property(inputs, (i) => {
        for (const c of project(i).certificates.slice(0, -1)) {
          const expected = i.beforeDays < c.lifetimeDays ? i.beforeDays : Math.floor(c.lifetimeDays / 3);
          expect(c.beforeDays).toBe(expected);
          expect(c.beforeFellBack).toBe(i.beforeDays >= c.lifetimeDays);
          expect(daysBetween(c.actionDate as Day, c.expires)).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never reuses a validation older than the reuse period of the reissue day, and never redoes a fresh one', () => {
    fc.assert(
      fc.property(inputs, (i) => {
        let domain = i.ordered;
        let organization = i.ordered;
        for (const c of project(i).certificates) {
          if (c.actionDate === null) continue;
          const reuse = reusePeriodsOn(c.actionDate, i.validation);
          const domainStale = daysBetween(domain, c.actionDate) >= reuse.domain;
          expect(c.revalidate.includes('domain')).toBe(domainStale);
          if (domainStale) domain = c.actionDate;
          if (reuse.organization === null) {
            expect(c.revalidate.includes('organization')).toBe(false);
          } else {
            const stale = daysBetween(organization, c.actionDate) >= reuse.organization;
            expect(c.revalidate.includes('organization')).toBe(stale);
            if (stale) organization = c.actionDate;
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
