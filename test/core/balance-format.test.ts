import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAmount, formatBalance, formatBalanceCell } from '../../src/core/balance.js';

describe('one way to write a balance', () => {
  it('groups thousands and shows cents only when there are any', () => {
    expect(formatAmount(15000)).toBe('15,000');
    expect(formatAmount(1523.4)).toBe('1,523.40');
    expect(formatAmount(1204.1)).toBe('1,204.10');
    expect(formatAmount(0.005)).toBe('0.01');
    expect(formatAmount(-0.001)).toBe('0');
    expect(formatAmount(-2500.5)).toBe('-2,500.50');
    expect(formatBalance(100, 'EUR')).toBe('100 EUR');
  });

  it("agrees with en-US toLocaleString to the cent, without loading ICU's number formatting", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (cents) => {
        const amount = cents / 100;
        const expected = amount.toLocaleString('en-US', { minimumFractionDigits: cents % 100 === 0 ? 0 : 2, maximumFractionDigits: 2 });
        return formatAmount(amount) === (expected === '-0' ? '0' : expected);
      }),
    );
  });

  it('writes a balance against its minimal balance in one cell, ▼ when what can be spent is under it', () => {
    expect(formatBalanceCell({ amount: 15000, currency: 'RUB' }, 20000)).toBe('▼15,000 RUB/20,000');
    // * marks what can be spent (eNom's AvailableBalance), as the balances screen marks it.
    expect(formatBalanceCell({ amount: 1204.1, available: 1150, currency: 'USD' }, 1200)).toBe('▼1,150 USD*/1,200');
    expect(formatBalanceCell({ amount: 1204.1, available: 1150, currency: 'USD' }, 100)).toBe('1,150 USD*/100');
    // A failed read says so: after the last amount read, or with none read at all.
    expect(formatBalanceCell({ amount: 5, currency: 'USD', at: '2026-11-23T10:00:00.000Z' }, 100, { at: '2026-11-23T11:00:00.000Z' })).toBe('✗ read failed/100');
    expect(formatBalanceCell(undefined, 100, { at: '2026-11-23T11:00:00.000Z' })).toBe('✗ read failed/100');
    expect(formatBalanceCell({ amount: 5, currency: 'USD', at: '2026-11-23T12:00:00.000Z' }, 100, { at: '2026-11-23T11:00:00.000Z' })).toBe('▼5 USD/100');
    expect(formatBalanceCell({ amount: 1523.4, currency: 'EUR' }, null)).toBe('1,523.40 EUR');
    expect(formatBalanceCell(undefined, 100)).toBe('unknown/100');
  });
});
