/**
 * Every provider behind one small record: its facts, its integration settings schema and its client;
 * its sandbox is loaded only when asked for. Adding a fifth provider means a folder and a line here.
 */
import type { z } from 'zod';
import { PROVIDERS, type ProviderFacts, type ProviderId } from './catalog.js';
import type { RunningSandbox, SandboxAccount, SandboxProtocol } from './sandbox-kit/server.js';
import type { ClientConfig } from './settings.js';
import type { ProviderClient } from './types.js';
import { createEnomClient } from './enom/client.js';
import { enomIntegrationSchema } from './enom/settings.js';

export interface ProviderModule {
  readonly facts: ProviderFacts;
  /** Validates the integration settings (the wizard's step 3 and the CLI flags share it). */
  readonly integrationSchema: z.ZodType<Record<string, unknown>>;
  /** Names of the integration settings that are secrets (masked, never echoed). */
  readonly secretFields: readonly string[];
  createClient(config: ClientConfig<Record<string, unknown>>): ProviderClient;
  loadSandbox(): Promise<ProviderSandbox>;
}

export interface ProviderSandbox {
  readonly protocol: SandboxProtocol;
  /** The seeded account: credentials, balance and currency, allowed source addresses. */
  readonly account: SandboxAccount;
  /** Integration settings that point a module at a running sandbox. */
  integrationFor(sandbox: RunningSandbox): Record<string, unknown>;
}

type AnyClientFactory = (config: ClientConfig<never>) => ProviderClient;
const entry = (
  id: ProviderId,
  integrationSchema: z.ZodType,
  createClient: AnyClientFactory,
  loadSandbox: () => Promise<ProviderSandbox>,
  secretFields: readonly string[] = ['password'],
): ProviderModule => ({
  facts: PROVIDERS[id],
  integrationSchema: integrationSchema as z.ZodType<Record<string, unknown>>,
  secretFields,
  createClient: createClient as ProviderModule['createClient'],
  loadSandbox,
});

export const PROVIDER_MODULES: Partial<Record<ProviderId, ProviderModule>> = {
  enom: entry('enom', enomIntegrationSchema, createEnomClient, async () => (await import('./enom/sandbox.js')).enomSandbox),
};

export function providerModule(id: ProviderId): ProviderModule {
  const module = PROVIDER_MODULES[id];
  if (!module) throw new Error(`the ${PROVIDERS[id].title} processing module is not available yet`);
  return module;
}
