/** The Ispmanager (SSL) processing module for the registry; fields as BILLmanager's documentation lists them. */
import { providerEntry } from '../provider-module.js';
import { caaIssuerByBrand } from '../caa-issuers.js';
import { ispmanagerReissueSupport } from './wire.js';
import { ISPMANAGER_CURRENCY_HELP, ISPMANAGER_EXAMPLE_URL, ispmanagerIntegrationSchema } from './settings.js';

export const provider = providerEntry('ispmanager', ispmanagerIntegrationSchema, async () => (await import('./client.js')).createIspmanagerClient,
  ispmanagerReissueSupport, async () => (await import('./sandbox.js')).ispmanagerSandbox, [
  {
    key: 'url',
    label: 'URL ispmanager',
    kind: 'url',
    flag: 'url',
    help: `specify the address of Ispmanager billing in which you have a client (e.g. ${ISPMANAGER_EXAMPLE_URL})`,
    required: true,
    placeholder: ISPMANAGER_EXAMPLE_URL,
  },
  { key: 'username', label: 'User name', kind: 'text', flag: 'username', help: 'specify the user name in Ispmanager billing, under which the integration will be configured', required: true },
  { key: 'password', label: 'Password', kind: 'secret', flag: 'password', help: 'specify the user password in Ispmanager billing (two-factor authentication on that account breaks the integration)', required: true },
  { key: 'currency', label: 'Currency', kind: 'text', flag: 'currency', help: ISPMANAGER_CURRENCY_HELP, required: false, placeholder: 'RUB' },
],
  // The ispmanager billing resells GlobalSign's, Sectigo's and DigiCert's products: the tariff name tells.
  (certificate) => caaIssuerByBrand(certificate.product),
  { capability: () => ({ supported: true }), limits: null });
