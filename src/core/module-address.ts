/**
 * Where a processing module's API calls go, and which setting to fix after a failed check. As in
 * BILLmanager each provider has one address setting (LeaderTelecom's and ENOM's API URL, Ispmanager
 * (SSL)'s URL ispmanager, GlobalSign's Demo switch between its two systems); certops' network
 * endpoint, an advanced setting for sandboxes and proxies, overrides it. The wizard says which
 * address is used, and `e` after a failed check goes to the setting the cause names.
 */
import type { ProviderId } from '../providers/catalog.js';
import { ENOM_API_URL } from '../providers/enom/settings.js';
import { GLOBALSIGN_DEMO_URL, GLOBALSIGN_PRODUCTION_URL } from '../providers/globalsign/settings.js';
import { LEADERSSL_API_URL } from '../providers/leadertelecom/settings.js';
import type { FailureCause } from '../providers/types.js';

/** The provider's own address setting, as its integration settings name it. */
export const ADDRESS_FIELD: Readonly<Record<ProviderId, string>> = {
  leadertelecom: 'apiUrl',
  ispmanager: 'url',
  globalsign: 'demo',
  enom: 'apiUrl',
};

export interface ModuleAddress {
  /** Where the calls go; null when the provider's own setting is still empty (Ispmanager (SSL)'s URL). */
  readonly url: string | null;
  /** What chose it: the advanced network endpoint, the provider's address setting, or its default. */
  readonly from: 'endpoint' | 'setting' | 'default';
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

export function moduleAddress(provider: ProviderId, integration: Readonly<Record<string, unknown>>, network: { readonly endpoint?: string | undefined }): ModuleAddress {
  const endpoint = text(network.endpoint);
  if (endpoint) return { url: endpoint, from: 'endpoint' };
  switch (provider) {
    case 'leadertelecom':
    case 'enom': {
      const own = text(integration.apiUrl);
      return own ? { url: own, from: 'setting' } : { url: provider === 'enom' ? ENOM_API_URL : LEADERSSL_API_URL, from: 'default' };
    }
    case 'ispmanager': {
      const own = text(integration.url);
      return { url: own ?? null, from: 'setting' };
    }
    case 'globalsign': {
      const service = text(integration.serviceUrl);
      if (service) return { url: service, from: 'setting' };
      return { url: integration.demo === true ? GLOBALSIGN_DEMO_URL : GLOBALSIGN_PRODUCTION_URL, from: 'setting' };
    }
  }
}

/**
 * Which address a module's calls go to, in one sentence for the wizard and the module's view:
 * "API calls go to https://… (the Endpoint, an advanced network setting, overrides the API URL)."
 * `addressLabel` is the provider's own address field as its integration settings name it.
 */
export function addressSentence(provider: ProviderId, address: ModuleAddress, addressLabel: string): string {
  if (address.url === null) return `API calls go to the ${addressLabel}, once it is filled in.`;
  const why =
    address.from === 'endpoint'
      ? ` (the Endpoint, an advanced network setting, overrides ${provider === 'globalsign' ? 'the address Demo chooses' : `the ${addressLabel}`})`
      : address.from === 'default'
        ? ` (the ${addressLabel} left blank: BILLmanager's default)`
        : provider === 'globalsign'
          ? ' (chosen by Demo)'
          : '';
  return `API calls go to ${address.url}${why}.`;
}

/** The setting a failed check points at: `e` goes there. null: no setting of the module causes it. */
export interface SettingToFix {
  readonly section: 'integration' | 'network';
  readonly key: string;
}

/**
 * The setting that the cause of a failed check names: a rejected password, the address the calls
 * went to (the endpoint when it overrides the provider's address), GlobalSign's IP address when
 * GlobalSign refuses this server's address or the address is not this server's. An IP refused by a
 * provider without such a setting is fixed in the provider's client area: null.
 */
export function settingToFix(
  provider: ProviderId,
  failure: { readonly cause: FailureCause; readonly detail: string },
  network: { readonly endpoint?: string | undefined },
): SettingToFix | null {
  const hasIpAddress = provider === 'globalsign';
  const address: SettingToFix = text(network.endpoint) ? { section: 'network', key: 'endpoint' } : { section: 'integration', key: ADDRESS_FIELD[provider] };
  switch (failure.cause) {
    case 'credentials':
    case 'account-locked':
      return { section: 'integration', key: 'password' };
    case 'ip-not-allowed':
      return hasIpAddress ? { section: 'integration', key: 'ipAddress' } : null;
    case 'network':
      // The source address set is not one of this server's (EADDRNOTAVAIL): the IP address setting.
      return hasIpAddress && /source address/i.test(failure.detail) ? { section: 'integration', key: 'ipAddress' } : address;
    case 'refused':
    case 'dns':
    case 'timeout':
    case 'tls':
    case 'tls-untrusted':
    case 'insecure-url':
    case 'http-status':
    case 'unexpected-response':
    case 'too-large':
      return address;
    default:
      return null;
  }
}
