/** The ENOM processing module for the registry; fields as BILLmanager's documentation lists them. */
import { providerEntry } from '../provider-module.js';
import { caaIssuerByBrand } from '../caa-issuers.js';
import { enomReissueSupport } from './support.js';
import { ENOM_API_URL, enomIntegrationSchema } from './settings.js';

export const provider = providerEntry('enom', enomIntegrationSchema, async () => (await import('./client.js')).createEnomClient,
  enomReissueSupport, async () => (await import('./sandbox.js')).enomSandbox, [
  { key: 'apiUrl', label: 'API URL', kind: 'url', flag: 'api-url', help: `API address of the server: ${ENOM_API_URL}`, required: false, placeholder: ENOM_API_URL },
  { key: 'username', label: 'Username', kind: 'text', flag: 'username', help: 'user in ENOM system', required: true },
  { key: 'password', label: 'Password', kind: 'secret', flag: 'password', help: 'access password to system API (an eNom API token works too)', required: true },
],
  // eNom resells DigiCert's (GeoTrust, RapidSSL) and Sectigo's products: the product name tells.
  (certificate) => caaIssuerByBrand(certificate.product),
  // Whether a product can be reissued depends on the product (enomReissueSupport): known per certificate only.
  { capability: () => ({ supported: true }), limits: 'only Symantec, VeriSign and GeoTrust products (RapidSSL, Thawte, DigiCert) are reissued through its API; other products become manual tasks' });
