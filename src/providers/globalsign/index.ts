/** The GlobalSign processing module for the registry; fields as BILLmanager's documentation lists them. */
import { providerEntry } from '../provider-module.js';
import { CAA_ISSUERS } from '../caa-issuers.js';
import { globalsignReissueSupport } from './support.js';
import { globalsignIntegrationSchema } from './settings.js';

export const provider = providerEntry('globalsign', globalsignIntegrationSchema, async () => (await import('./client.js')).createGlobalsignClient,
  globalsignReissueSupport, async () => (await import('./sandbox.js')).globalsignSandbox, [
  { key: 'username', label: 'Username', kind: 'text', flag: 'username', help: 'user in GlobalSign system', required: true },
  { key: 'password', label: 'Password', kind: 'secret', flag: 'password', help: 'access password to system API', required: true },
  { key: 'demo', label: 'Demo', kind: 'boolean', flag: 'demo', help: 'you can use demo access to test ordering (test-gcc.globalsign.com instead of system.globalsign.com)', required: false },
  { key: 'ipAddress', label: 'IP address', kind: 'ip', flag: 'ip', help: 'IP address to be used to send API requests (an address of this server that GlobalSign allows)', required: false },
],
  // Every GlobalSign product is issued by GlobalSign.
  () => CAA_ISSUERS.globalsign,
  { capability: () => ({ supported: true }), limits: null });
