/**
 * Every provider behind one small record (provider-module.ts): its facts, its integration settings
 * schema, its client, and its sandbox loaded on demand. Adding a fifth provider means a folder with
 * an index.ts and a line here.
 */
import type { ProviderId } from './catalog.js';
import type { ProviderModule } from './provider-module.js';
import { provider as enom } from './enom/index.js';
import { provider as globalsign } from './globalsign/index.js';
import { provider as ispmanager } from './ispmanager/index.js';
import { provider as leadertelecom } from './leadertelecom/index.js';

export type { ProviderModule, ProviderSandbox } from './provider-module.js';

export const PROVIDER_MODULES: Readonly<Record<ProviderId, ProviderModule>> = { leadertelecom, ispmanager, globalsign, enom };

export function providerModule(id: ProviderId): ProviderModule {
  return PROVIDER_MODULES[id];
}
