import { describe, expect, it } from 'vitest';
import { isProviderId, PROVIDER_IDS, PROVIDERS } from '../../src/providers/catalog.js';

describe('provider catalog (seeds)', () => {
  it('names the four processing modules, their logs and their data-center parameter as the seeds do', () => {
    expect(PROVIDER_IDS.map((id) => [PROVIDERS[id].title, PROVIDERS[id].logName, PROVIDERS[id].hasDataCenter])).toEqual([
      ['LeaderTelecom', 'pmleadertelecom', false],
      ['Ispmanager (SSL)', 'pmispmgrssl', true],
      ['GlobalSign', 'pmglobalsign', false],
      ['ENOM', 'pmenomssl', true],
    ]);
  });

  it('uses the seeds connection-failure messages', () => {
    expect(PROVIDERS.ispmanager.connectionFailedMessage).toBe('Failed to establish a connection to the processing module');
    for (const id of ['leadertelecom', 'globalsign', 'enom'] as const) {
      expect(PROVIDERS[id].connectionFailedMessage).toBe('Cannot connect to the processing module');
    }
  });

  it('knows LeaderTelecom cannot reissue multi-domain certificates automatically', () => {
    expect(PROVIDERS.leadertelecom.automaticReissue({ multiDomain: true }).supported).toBe(false);
    expect(PROVIDERS.leadertelecom.automaticReissue({ multiDomain: false }).supported).toBe(true);
    expect(PROVIDERS.globalsign.automaticReissue({ multiDomain: true }).supported).toBe(true);
  });

  it('recognises provider ids only', () => {
    expect(isProviderId('enom')).toBe(true);
    expect(isProviderId('toString')).toBe(false);
    expect(isProviderId('ENOM')).toBe(false);
  });
});
