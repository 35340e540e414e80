import { describe, expect, it } from 'vitest';
import { enomFailureCause, enomStatus, enomValidation, parseEnomAmount, parseEnomDate } from '../../src/providers/enom/wire.js';
import { enomIntegrationSchema, ENOM_API_URL } from '../../src/providers/enom/settings.js';
import { providerConformance, providerHarness, listAll } from './conformance.js';

// 620 certificates: pages of 250, 250 and 120.
providerConformance('enom', { certificates: 620 });

describe('eNom wire format', () => {
  it('reads amounts with thousands separators, negative ones too', () => {
    expect(parseEnomAmount('2,261.65')).toBe(2261.65);
    expect(parseEnomAmount('-1,832.23')).toBe(-1832.23);
    expect(parseEnomAmount('1,204')).toBe(1204);
    expect(parseEnomAmount('12.3.4')).toBeNull();
    expect(parseEnomAmount('')).toBeNull();
  });

  it('reads M/D/YYYY dates, with or without a time', () => {
    expect(parseEnomDate('3/2/2026')).toBe('2026-03-02');
    expect(parseEnomDate('12/15/2017 5:13:02 PM')).toBe('2017-12-15');
    expect(parseEnomDate('2/30/2026')).toBeNull();
    expect(parseEnomDate('2026-03-02')).toBeNull();
  });

  it('maps error texts, statuses and products', () => {
    expect(enomFailureCause('Bad User name or Password')).toBe('credentials');
    expect(enomFailureCause('User not permitted from this IP address - 4')).toBe('ip-not-allowed');
    expect(enomFailureCause('Invalid client IP')).toBe('ip-not-allowed');
    expect(enomFailureCause('Domain name not found')).toBe('provider-error');
    expect(enomStatus(4, false)).toBe('issued');
    expect(enomStatus(4, true)).toBe('expired');
    expect(enomStatus(9, false)).toBe('pending');
    expect(enomStatus(7, false)).toBe('cancelled');
    expect(enomStatus(99, false)).toBe('unknown');
    expect(enomValidation('SSL Certificate - RapidSSL')).toBe('dv');
    expect(enomValidation('GeoTrust True BusinessID')).toBe('ov');
    expect(enomValidation('GeoTrust True BusinessID with EV')).toBe('ev');
  });

  it('defaults the API URL to the seeds address and refuses plain http elsewhere', () => {
    expect(enomIntegrationSchema.parse({ username: 'u', password: 'p' }).apiUrl).toBe(ENOM_API_URL);
    const refused = enomIntegrationSchema.safeParse({ username: 'u', password: 'p', apiUrl: 'http://reseller.enom.com/interface.asp' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe('plain http:// is refused for reseller.enom.com: the password would travel in clear; use https://');
  });

  const harness = providerHarness('enom', { certificates: 40 });
  it('leaves other names to the detail call and marks Comodo products as not reissuable', async () => {
    const sandbox = await harness.start();
    const client = harness.client(sandbox);
    const records = await listAll(client);
    expect(records.every((r) => r.otherNames === null)).toBe(true);
    const comodo = records.find((r) => r.product?.startsWith('Comodo'));
    expect(comodo && client.reissueSupport(comodo)).toEqual({
      supported: false,
      reason: `eNom's API reissues only Symantec, VeriSign and GeoTrust certificates, not ${comodo?.product}`,
    });
  });
});
