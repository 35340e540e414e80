import { describe, expect, it } from 'vitest';
import { normalizeSubjectName } from '../../src/rules/subject-names.js';
import { splitGlobalSignSans, type SanAddonPrices } from '../../src/rules/uc-sans.js';

const PRICES: SanAddonPrices = { ucSanDomain: 0, additionalDomain: 1500 };

describe('GlobalSign UC SANs (seed 003)', () => {
  it('seed example: www.example.com is a UC SAN, test.example.com an additional domain, each at its add-on price', () => {
    const result = splitGlobalSignSans('example.com', ['www.example.com', 'test.example.com'], { ucSanDomain: 250, additionalDomain: 1500 });
    expect(result).toEqual({
      ok: true,
      value: {
        mainDomain: 'example.com',
        ucSans: { addon: 'Additional UC SANs domains', names: ['www.example.com'], count: 1, unitPrice: 250, cost: 250 },
        additionalDomains: { addon: 'Additional domains', names: ['test.example.com'], count: 1, unitPrice: 1500, cost: 1500 },
        totalNames: 3,
        totalCost: 1750,
      },
    });
  });

  it('puts www, owa, mail and autodiscover of the main domain, and only those, under UC SANs', () => {
    const result = splitGlobalSignSans(
      'example.com',
      ['mail.example.com', 'OWA.Example.com.', 'autodiscover.example.com', 'www.example.com', 'ftp.example.com', 'www.other.org', 'www.shop.example.com', '203.0.113.7', '*.example.com'],
      PRICES,
    );
    if (!result.ok) throw new Error(result.error);
    expect(result.value.ucSans.names).toEqual(['mail.example.com', 'owa.example.com', 'autodiscover.example.com', 'www.example.com']);
    expect(result.value.additionalDomains.names).toEqual(['ftp.example.com', 'www.other.org', 'www.shop.example.com', '203.0.113.7', '*.example.com']);
    expect(result.value.ucSans.count).toBe(4);
    expect(result.value.additionalDomains.cost).toBe(5 * 1500);
    expect(result.value.totalCost).toBe(7500);
  });

  it('accepts 100 names in all and refuses the 101st', () => {
    const extra = (n: number) => Array.from({ length: n }, (_, i) => `host${i}.example.com`);
    const hundred = splitGlobalSignSans('example.com', extra(99), PRICES);
    expect(hundred.ok && hundred.value.totalNames).toBe(100);
    expect(splitGlobalSignSans('example.com', extra(100), PRICES)).toEqual({
      ok: false,
      error: 'a GlobalSign certificate carries at most 100 names; this order has 101 (the main domain and 100 more)',
    });
  });

  it.each([
    [['www.example.com', 'WWW.example.com'], 'www.example.com is listed more than once'],
    [['Example.com'], 'example.com is the main domain; list it only once'],
    [['bad_name.example.com'], '"bad_name.example.com" is not a valid domain name or IP address'],
  ])('refuses %j', (names, error) => {
    expect(splitGlobalSignSans('example.com', names, PRICES)).toEqual({ ok: false, error });
  });

  it('refuses a bad main domain and bad prices', () => {
    expect(splitGlobalSignSans('-example.com', [], PRICES)).toEqual({ ok: false, error: 'main domain: "-example.com" is not a valid domain name or IP address' });
    expect(splitGlobalSignSans('example.com', [], { ucSanDomain: -1, additionalDomain: 0 })).toEqual({
      ok: false,
      error: 'the price of "Additional UC SANs domains" must be a non-negative whole number of minor units, got -1',
    });
    expect(splitGlobalSignSans('example.com', [], { ucSanDomain: 0, additionalDomain: 9.99 }).ok).toBe(false);
  });
});

describe('subject names', () => {
  it.each([
    ['Example.COM.', 'example.com'],
    ['münchen.de', 'xn--mnchen-3ya.de'],
    ['*.Example.com', '*.example.com'],
    ['2001:DB8::1', '2001:db8::1'],
    ['192.0.2.1', '192.0.2.1'],
  ])('normalises %j to %j', (input, output) => {
    expect(normalizeSubjectName(input)).toEqual({ ok: true, value: output });
  });

  it.each(['localhost', 'a..b.com', 'foo.*.com', 'x.123', `${'a'.repeat(64)}.com`, 'exa mple.com', '', '-a.com'])('refuses %j', (input) => {
    expect(normalizeSubjectName(input).ok).toBe(false);
  });
});
