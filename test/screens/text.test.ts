import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grouped } from '../../src/screens/widgets/text.js';

describe('grouped', () => {
  it("writes whole numbers as en-US toLocaleString does, without loading ICU's number formatting", () => {
    fc.assert(fc.property(fc.double({ min: -1e15, max: 1e15, noNaN: true }), (n) => grouped(n) === (Math.round(n) || 0).toLocaleString('en-US')));
    // A balance of -0.3 rounds to -0: shown as 0, not as toLocaleString's -0.
    expect(grouped(-0.3)).toBe('0');
    expect(grouped(20000)).toBe('20,000');
  });
});
