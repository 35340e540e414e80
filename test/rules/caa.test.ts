import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caaLookupNames, evaluateCaa, parseIssueValue, type CaaIssuer, type CaaProperty } from '../../src/rules/caa.js';

const GLOBALSIGN: CaaIssuer = { name: 'GlobalSign', domains: ['globalsign.com'] };
const SECTIGO: CaaIssuer = { name: 'Sectigo', domains: ['sectigo.com', 'comodoca.com'] };
const issue = (value: string, flags = 0): CaaProperty => ({ flags, tag: 'issue', value });
const issuewild = (value: string): CaaProperty => ({ flags: 0, tag: 'issuewild', value });

describe('caaLookupNames (RFC 8659 §3)', () => {
  it('climbs from the name to its top label, without the root', () => {
    expect(caaLookupNames('www.shop.example.co.uk')).toEqual(['www.shop.example.co.uk', 'shop.example.co.uk', 'example.co.uk', 'co.uk', 'uk']);
  });

  it('starts a wildcard at its base, and ignores case and a trailing dot', () => {
    expect(caaLookupNames('*.Example.COM.')).toEqual(['example.com', 'com']);
  });
});

describe('parseIssueValue (RFC 8659 §4.2)', () => {
  it('reads the issuer and its parameters', () => {
    expect(parseIssueValue(' GlobalSign.com ; accounturi=https://ca.example/acct/1; validationmethods=dns-01')).toEqual({
      issuer: 'globalsign.com',
      parameters: { accounturi: 'https://ca.example/acct/1', validationmethods: 'dns-01' },
    });
  });

  it('reads ";" as no issuer', () => {
    expect(parseIssueValue(';').issuer).toBeNull();
    expect(parseIssueValue('').issuer).toBeNull();
  });
});

describe('evaluateCaa (RFC 8659 §4)', () => {
  it('permits any CA without a record', () => {
    expect(evaluateCaa([], 'example.com', GLOBALSIGN, 'example.com')).toMatchObject({ permitted: true, kind: 'no-caa' });
  });

  it('permits the CA an issue property names (any of its names, any case), and forbids another', () => {
    expect(evaluateCaa([issue('letsencrypt.org'), issue('ComodoCA.com')], 'example.com', SECTIGO, 'www.example.com')).toEqual({
      permitted: true,
      kind: 'allowed',
      reason: 'CAA at example.com: issue "comodoca.com"',
    });
    expect(evaluateCaa([issue('letsencrypt.org'), issue('sectigo.com')], 'example.com', GLOBALSIGN, 'www.example.com')).toEqual({
      permitted: false,
      kind: 'forbidden',
      reason: 'CAA at example.com allows only letsencrypt.org, sectigo.com (issue)',
    });
  });

  it('reads tags without regard to case', () => {
    expect(evaluateCaa([{ flags: 0, tag: 'ISSUE', value: 'letsencrypt.org' }], 'example.com', GLOBALSIGN, 'example.com').permitted).toBe(false);
  });

  it('forbids every CA with issue ";"', () => {
    expect(evaluateCaa([issue(';')], 'example.com', GLOBALSIGN, 'example.com')).toMatchObject({ permitted: false, reason: 'CAA at example.com allows no CA (issue ";")' });
  });

  it('permits any CA when the set has no issue property (iodef only)', () => {
    expect(evaluateCaa([{ flags: 0, tag: 'iodef', value: 'mailto:pki@example.com' }], 'example.com', GLOBALSIGN, 'example.com')).toMatchObject({ permitted: true, kind: 'no-issuer' });
  });

  it('forbids on an unknown critical tag, but not on an unknown one without the flag or a known critical one', () => {
    expect(evaluateCaa([issue('globalsign.com'), { flags: 128, tag: 'tbs', value: 'x' }], 'example.com', GLOBALSIGN, 'example.com')).toEqual({
      permitted: false,
      kind: 'critical',
      reason: 'CAA at example.com has a critical property "tbs" that CAs do not know',
    });
    expect(evaluateCaa([issue('globalsign.com'), { flags: 0, tag: 'tbs', value: 'x' }], 'example.com', GLOBALSIGN, 'example.com').permitted).toBe(true);
    expect(evaluateCaa([issue('globalsign.com', 128)], 'example.com', GLOBALSIGN, 'example.com').permitted).toBe(true);
  });

  it('uses issuewild for a wildcard when there is one, and issue otherwise; issuewild never for other names', () => {
    const set = [issue('globalsign.com'), issuewild('letsencrypt.org')];
    expect(evaluateCaa(set, 'example.com', GLOBALSIGN, '*.example.com')).toMatchObject({ permitted: false, reason: 'CAA at example.com allows only letsencrypt.org (issuewild)' });
    expect(evaluateCaa(set, 'example.com', GLOBALSIGN, 'www.example.com').permitted).toBe(true);
    expect(evaluateCaa([issue('globalsign.com')], 'example.com', GLOBALSIGN, '*.example.com').permitted).toBe(true);
    expect(evaluateCaa([issuewild('globalsign.com')], 'example.com', SECTIGO, 'example.com')).toMatchObject({ permitted: true, kind: 'no-issuer' });
  });

  it('says which parameters the CA must also accept', () => {
    expect(evaluateCaa([issue('globalsign.com; validationmethods=dns-01')], 'example.com', GLOBALSIGN, 'example.com').reason).toBe(
      'CAA at example.com: issue "globalsign.com" with validationmethods=dns-01, which the CA must also accept',
    );
  });

  it('property: adding an issue property for the CA to a set without critical tags never forbids it', () => {
    const tag = fc.constantFrom('issue', 'issuewild', 'iodef', 'contactemail');
    const property = fc.record({ flags: fc.constantFrom(0, 128), tag, value: fc.constantFrom('letsencrypt.org', ';', 'sectigo.com', 'mailto:x@example.com') });
    fc.assert(
      fc.property(fc.array(property, { maxLength: 6 }), fc.boolean(), (set, wildcard) => {
        const name = wildcard ? '*.example.com' : 'www.example.com';
        const withCa = [...set, { flags: 0, tag: wildcard && set.some((p) => p.tag === 'issuewild') ? 'issuewild' : 'issue', value: 'globalsign.com' }];
        expect(evaluateCaa(withCa, 'example.com', GLOBALSIGN, name).permitted).toBe(true);
      }),
    );
  });
});
