import { describe, expect, it } from 'vitest';
import { moduleAddress, settingToFix } from '../../src/core/module-address.js';

describe("a module's address and the setting a failed check names", () => {
  it("says which address is used: the endpoint over the provider's own setting, over its default", () => {
    expect(moduleAddress('leadertelecom', {}, {})).toEqual({ url: 'https://api.leaderssl.com/api/v1', from: 'default' });
    expect(moduleAddress('enom', { apiUrl: 'https://resellertest.enom.com/interface.asp' }, {})).toEqual({ url: 'https://resellertest.enom.com/interface.asp', from: 'setting' });
    expect(moduleAddress('ispmanager', {}, {})).toEqual({ url: null, from: 'setting' });
    expect(moduleAddress('ispmanager', { url: 'https://a.example/billmgr' }, { endpoint: 'http://127.0.0.1:9/billmgr' })).toEqual({ url: 'http://127.0.0.1:9/billmgr', from: 'endpoint' });
    expect(moduleAddress('globalsign', { demo: true }, {}).url).toBe('https://test-gcc.globalsign.com/kb/ws/v1/');
  });

  it('names the endpoint when it overrides the address, the address setting otherwise', () => {
    const refused = { cause: 'refused', detail: 'the connection to 127.0.0.1:1 was refused' } as const;
    expect(settingToFix('ispmanager', refused, { endpoint: 'http://127.0.0.1:1/billmgr' })).toEqual({ section: 'network', key: 'endpoint' });
    expect(settingToFix('ispmanager', refused, {})).toEqual({ section: 'integration', key: 'url' });
    expect(settingToFix('leadertelecom', refused, {})).toEqual({ section: 'integration', key: 'apiUrl' });
    expect(settingToFix('globalsign', refused, {})).toEqual({ section: 'integration', key: 'demo' });
  });

  it("names GlobalSign's IP address for an IP it refuses or a source address not of this server; elsewhere the client area, no setting", () => {
    expect(settingToFix('globalsign', { cause: 'ip-not-allowed', detail: 'x' }, {})).toEqual({ section: 'integration', key: 'ipAddress' });
    expect(settingToFix('globalsign', { cause: 'network', detail: 'the source address 192.0.2.1 is not an address of this server' }, { endpoint: 'http://127.0.0.1:5/' })).toEqual({ section: 'integration', key: 'ipAddress' });
    expect(settingToFix('enom', { cause: 'ip-not-allowed', detail: 'x' }, {})).toBeNull();
    expect(settingToFix('enom', { cause: 'credentials', detail: 'x' }, {})).toEqual({ section: 'integration', key: 'password' });
  });
});
