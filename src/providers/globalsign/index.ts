/** The GlobalSign processing module for the registry. */
import { providerEntry } from '../provider-module.js';
import { createGlobalsignClient } from './client.js';
import { globalsignIntegrationSchema } from './settings.js';

export const provider = providerEntry(
  'globalsign',
  globalsignIntegrationSchema,
  createGlobalsignClient,
  async () => (await import('./sandbox.js')).globalsignSandbox,
);
