/** The Ispmanager (SSL) processing module for the registry. */
import { providerEntry } from '../provider-module.js';
import { createIspmanagerClient } from './client.js';
import { ispmanagerIntegrationSchema } from './settings.js';

export const provider = providerEntry(
  'ispmanager',
  ispmanagerIntegrationSchema,
  createIspmanagerClient,
  async () => (await import('./sandbox.js')).ispmanagerSandbox,
);
