/** The ENOM processing module for the registry. */
import { providerEntry } from '../provider-module.js';
import { createEnomClient } from './client.js';
import { enomIntegrationSchema } from './settings.js';

export const provider = providerEntry('enom', enomIntegrationSchema, createEnomClient, async () => (await import('./sandbox.js')).enomSandbox);
