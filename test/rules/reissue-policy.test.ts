import { describe, expect, it } from 'vitest';
import {
  actionFor,
  DEFAULT_SUBSCRIPTION_BEFORE_DAYS,
  DEFAULT_SUBSCRIPTION_POLICY,
  effectiveBeforeDays,
  MAX_SUBSCRIPTION_BEFORE_DAYS,
  parseSubscriptionBefore,
  parseSubscriptionPolicy,
} from '../../src/rules/reissue-policy.js';

describe('reissue policy (SSLSubscriptionPolicy / SSLSubscriptionBefore)', () => {
  it('has the defaults of BILLmanager: auto, 10 days, at most 200', () => {
    expect(DEFAULT_SUBSCRIPTION_POLICY).toBe('auto');
    expect(DEFAULT_SUBSCRIPTION_BEFORE_DAYS).toBe(10);
    expect(MAX_SUBSCRIPTION_BEFORE_DAYS).toBe(200);
  });

  it.each(['auto', 'manual', 'none', ' auto '])('accepts the policy %j', (text) => {
    expect(parseSubscriptionPolicy(text)).toEqual({ ok: true, value: text.trim() });
  });

  it.each(['Auto', 'automatic', '', 'off'])('refuses the policy %j, listing the values', (text) => {
    expect(parseSubscriptionPolicy(text)).toEqual({
      ok: false,
      error: `SSLSubscriptionPolicy must be one of auto, manual, none (got "${text}")`,
    });
  });

  it.each([
    ['0', 0],
    ['10', 10],
    ['200', 200],
    [' 30 ', 30],
    [45, 45],
  ] as const)('accepts SSLSubscriptionBefore %j', (input, days) => {
    expect(parseSubscriptionBefore(input)).toEqual({ ok: true, value: days });
  });

  it.each(['10.5', '-1', '1e2', '+5', '0x10', 'ten', '', ' ', 10.5, -3])('refuses SSLSubscriptionBefore %j as not a whole number', (input) => {
    const result = parseSubscriptionBefore(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toBe(`SSLSubscriptionBefore must be a whole number of days from 0 to 200 (got "${input}")`);
  });

  it('refuses more than 200 days, saying so', () => {
    expect(parseSubscriptionBefore('201')).toEqual({
      ok: false,
      error: 'SSLSubscriptionBefore must be a whole number of days from 0 to 200; 201 is more than the maximum of 200',
    });
  });

  it('falls back to one third of the lifetime when the period is not shorter than it', () => {
    expect(effectiveBeforeDays(10, 200)).toEqual({ days: 10, fellBack: false });
    expect(effectiveBeforeDays(46, 47)).toEqual({ days: 46, fellBack: false });
    expect(effectiveBeforeDays(47, 47)).toEqual({ days: 15, fellBack: true });
    expect(effectiveBeforeDays(100, 47)).toEqual({ days: 15, fellBack: true });
    expect(effectiveBeforeDays(200, 200)).toEqual({ days: 66, fellBack: true });
    expect(effectiveBeforeDays(10, 2)).toEqual({ days: 0, fellBack: true });
    expect(effectiveBeforeDays(0, 1)).toEqual({ days: 0, fellBack: false });
  });

  it('maps each policy to its action; auto without automatic reissue becomes a manual task', () => {
    const yes = { supported: true } as const;
    const no = { supported: false, reason: 'not here' } as const;
    expect(actionFor('auto', yes)).toBe('reissue');
    expect(actionFor('auto', no)).toBe('manual-task');
    expect(actionFor('manual', yes)).toBe('notify-client');
    expect(actionFor('manual', no)).toBe('notify-client');
    expect(actionFor('none', yes)).toBe('none');
    expect(actionFor('none', no)).toBe('none');
  });
});
