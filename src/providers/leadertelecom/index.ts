/** The LeaderTelecom processing module for the registry; fields as BILLmanager's documentation lists them. */
import { providerEntry } from '../provider-module.js';
import { caaIssuerByBrand } from '../caa-issuers.js';
import { LEADERSSL_REISSUE_CONFIRMED, leadersslReissueSupport } from './wire.js';
import { LEADERSSL_API_URL, leadertelecomIntegrationSchema } from './settings.js';

export const provider = providerEntry('leadertelecom', leadertelecomIntegrationSchema, async () => (await import('./client.js')).createLeadersslClient, () => leadersslReissueSupport(), async () => (await import('./sandbox.js')).leadertelecomSandbox, [
  { key: 'username', label: 'Username', kind: 'text', flag: 'username', help: 'enter the username in LeaderTelecom', required: true },
  { key: 'password', label: 'Password', kind: 'secret', flag: 'password', help: 'the password of that LeaderTelecom user', required: true },
  {
    key: 'apiUrl',
    label: 'API URL',
    kind: 'url',
    flag: 'api-url',
    help: `API address of the server. You can leave the field blank: certops will use ${LEADERSSL_API_URL}`,
    required: false,
    placeholder: LEADERSSL_API_URL,
  },
],
  // LeaderSSL resells Sectigo's, GlobalSign's and DigiCert's products: the product name tells.
  (certificate) => caaIssuerByBrand(certificate.product),
  {
    // BILLmanager's documentation, "Multi-domain certificate": no automatic reissue, a task instead; and LeaderSSL's
    // reissue call is unconfirmed, so every other certificate is a task too until it is.
    capability: ({ multiDomain }) =>
      multiDomain ? { supported: false, reason: 'LeaderTelecom does not support automatic reissue of multi-domain certificates' } : leadersslReissueSupport(),
    limits: LEADERSSL_REISSUE_CONFIRMED
      ? 'multi-domain certificates are reissued by hand (a manual task), as in BILLmanager'
      : "every reissue is a manual task: LeaderTelecom's API has no confirmed reissue call (and multi-domain certificates are never reissued automatically, as in BILLmanager)",
  });
