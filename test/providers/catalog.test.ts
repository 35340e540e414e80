import { describe, expect, it } from 'vitest';
import { isProviderId, PROVIDER_IDS, PROVIDERS } from '../../src/providers/catalog.js';
import { leadersslReissueSupport } from '../../src/providers/leadertelecom/wire.js';
import { providerModule } from '../../src/providers/registry.js';

describe("provider catalog (BILLmanager's documentation)", () => {
  it('names the four processing modules, their logs and their data-center parameter as BILLmanager does', () => {
    expect(PROVIDER_IDS.map((id) => [PROVIDERS[id].title, PROVIDERS[id].logName, PROVIDERS[id].hasDataCenter])).toEqual([
      ['LeaderTelecom', 'pmleadertelecom', false],
      ['Ispmanager (SSL)', 'pmispmgrssl', true],
      ['GlobalSign', 'pmglobalsign', false],
      ['ENOM', 'pmenomssl', true],
    ]);
  });

  it('uses the connection-failure messages of BILLmanager', () => {
    expect(PROVIDERS.ispmanager.connectionFailedMessage).toBe('Failed to establish a connection to the processing module');
    for (const id of ['leadertelecom', 'globalsign', 'enom'] as const) {
      expect(PROVIDERS[id].connectionFailedMessage).toBe('Cannot connect to the processing module');
    }
  });

  it('knows LeaderTelecom cannot reissue multi-domain certificates automatically (seed 000), nor any other while its call is unconfirmed', () => {
    expect(providerModule('leadertelecom').reissueCapability({ multiDomain: true })).toEqual({ supported: false, reason: 'LeaderTelecom does not support automatic reissue of multi-domain certificates' });
    expect(providerModule('leadertelecom').reissueCapability({ multiDomain: false })).toEqual(leadersslReissueSupport());
    expect(providerModule('globalsign').reissueCapability({ multiDomain: true }).supported).toBe(true);
  });

  it('recognises provider ids only', () => {
    expect(isProviderId('enom')).toBe(true);
    expect(isProviderId('toString')).toBe(false);
    expect(isProviderId('ENOM')).toBe(false);
  });
});
