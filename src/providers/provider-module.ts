/** The record each provider folder exports for the registry (kept apart from it: no import cycle). */
import type * as z from './zod.js';
import { PROVIDERS, type ProviderFacts, type ProviderId } from './catalog.js';
import type { RunningSandbox, SandboxAccount, SandboxProtocol } from './sandbox-kit/server.js';
import type { ClientConfig } from './settings.js';
import type { CaaIssuer } from '../rules/caa.js';
import type { CertificateRecord, ProviderClient, ReissueSupport } from './types.js';

/** One integration setting as the wizard shows it and the flags take it (the seeds' label and help). */
export interface IntegrationField {
  readonly key: string;
  readonly label: string;
  readonly kind: 'text' | 'secret' | 'url' | 'boolean' | 'ip';
  /** The scripted commands' flag (secrets come by --password-stdin/--password-file/CERTOPS_PASSWORD). */
  readonly flag: string;
  readonly help: string;
  readonly required: boolean;
  /** Shown in the field when left blank (LeaderTelecom's API URL). */
  readonly placeholder?: string;
}

export interface ProviderModule {
  readonly facts: ProviderFacts;
  /** The integration settings in the seeds' order. */
  readonly fields: readonly IntegrationField[];
  /** Validates the integration settings (the wizard's step 3 and the CLI flags share it). */
  readonly integrationSchema: z.ZodMiniType<Record<string, unknown>>;
  /** Names of the integration settings that are secrets (masked, never echoed). */
  readonly secretFields: readonly string[];
  createClient(config: ClientConfig<Record<string, unknown>>): ProviderClient;
  /** Whether the provider's API can reissue a certificate (no network: the offline timeline asks). */
  reissueSupport(certificate: CertificateRecord): ReissueSupport;
  /** The CA that issues the certificate's product, as CAA records name it; null when the product does not tell. */
  caaIssuer(certificate: Pick<CertificateRecord, 'product'>): CaaIssuer | null;
  /** The sandbox is loaded only when asked for. */
  loadSandbox(): Promise<ProviderSandbox>;
  /** Loads the client's code now (the console does, so an upgrade while it runs cannot remove it). */
  preload(): Promise<void>;
}

export interface ProviderSandbox {
  readonly protocol: SandboxProtocol;
  /** The seeded account: credentials, balance and currency, allowed source addresses. */
  readonly account: SandboxAccount;
  /** Integration settings that point a module at a running sandbox. */
  integrationFor(sandbox: RunningSandbox): Record<string, unknown>;
}

export type ClientFactory<Integration> = (config: ClientConfig<Integration>) => ProviderClient;

/**
 * A client whose code (and its HTTP, XML and protocol libraries) is loaded on its first call, so a
 * command that only reads the configuration never pays for them.
 */
export function lazyClient<Integration>(
  load: () => Promise<ClientFactory<Integration>>,
  reissueSupport: (certificate: CertificateRecord) => ReissueSupport,
): ClientFactory<Integration> {
  return (config) => {
    let real: Promise<ProviderClient> | null = null;
    const client = () => (real ??= load().then((create) => create(config)));
    return {
      checkConnection: async () => (await client()).checkConnection(),
      getBalance: async () => (await client()).getBalance(),
      async *listCertificates(options) {
        yield* (await client()).listCertificates(options);
      },
      reissueSupport,
      reissue: async (request) => (await client()).reissue(request),
      originalCsr: async (certificate) => (await client()).originalCsr(certificate),
      orderState: async (certificateId) => (await client()).orderState(certificateId),
      close: async () => {
        if (real) await (await real).close();
      },
    };
  };
}

export function providerEntry<Integration>(
  id: ProviderId,
  integrationSchema: z.ZodMiniType<Integration>,
  loadClient: () => Promise<ClientFactory<Integration>>,
  reissueSupport: (certificate: CertificateRecord) => ReissueSupport,
  loadSandbox: () => Promise<ProviderSandbox>,
  fields: readonly IntegrationField[],
  caaIssuer: (certificate: Pick<CertificateRecord, 'product'>) => CaaIssuer | null,
): ProviderModule {
  const secretFields = fields.filter((field) => field.kind === 'secret').map((field) => field.key);
  return {
    facts: PROVIDERS[id],
    fields,
    integrationSchema: integrationSchema as unknown as z.ZodMiniType<Record<string, unknown>>,
    secretFields,
    createClient: lazyClient(loadClient, reissueSupport) as unknown as ProviderModule['createClient'],
    reissueSupport,
    caaIssuer,
    loadSandbox,
    preload: async () => {
      await loadClient();
    },
  };
}
