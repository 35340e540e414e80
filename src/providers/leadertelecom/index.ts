/** The LeaderTelecom processing module for the registry. */
import { providerEntry } from '../provider-module.js';
import { createLeadersslClient } from './client.js';
import { leadertelecomIntegrationSchema } from './settings.js';

export const provider = providerEntry(
  'leadertelecom',
  leadertelecomIntegrationSchema,
  (config) => createLeadersslClient(config),
  async () => (await import('./sandbox.js')).leadertelecomSandbox,
);
