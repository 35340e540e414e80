/** The record each provider folder exports for the registry (kept apart from it: no import cycle). */
import type * as z from './zod.js';
import { PROVIDERS, type CertificateTraits, type ProviderFacts, type ProviderId } from './catalog.js';
import type { RunningSandbox, SandboxAccount, SandboxProtocol } from './sandbox-kit/server.js';
import type { ClientConfig } from './settings.js';
import type { CaaIssuer } from '../rules/caa.js';
import { redact } from './redact.js';
import { ProviderError, type CertificateRecord, type ProviderClient, type ReissueSupport } from './types.js';

/** One integration setting as the wizard shows it and the flags take it (BILLmanager's label and help). */
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
  /** The integration settings in BILLmanager's order. */
  readonly fields: readonly IntegrationField[];
  /** Validates the integration settings (the wizard's step 3 and the CLI flags share it). */
  readonly integrationSchema: z.ZodMiniType<Record<string, unknown>>;
  /** Names of the integration settings that are secrets (masked, never echoed). */
  readonly secretFields: readonly string[];
  createClient(config: ClientConfig<Record<string, unknown>>): ProviderClient;
  /**
   * Whether the provider's API can reissue a certificate (no network: the offline timeline asks):
   * its reissueCapability first, then what the certificate's own state allows.
   */
  reissueSupport(certificate: CertificateRecord): ReissueSupport;
  /**
   * What the provider can reissue through its API at all, from what is known before there is an
   * order (plan --provider): the one answer that plan, the --help texts, the timeline and the run
   * share. A certificate's own state (reissueSupport) can only narrow it.
   */
  reissueCapability(traits: CertificateTraits): ReissueSupport;
  /** For --help texts: what becomes a manual task instead of an API reissue; null when nothing does. */
  readonly reissueLimits: string | null;
  /** The CA that issues the certificate's product, as CAA records name it; null when the product does not tell. */
  caaIssuer(certificate: Pick<CertificateRecord, 'product'>): CaaIssuer | null;
  /** The sandbox is loaded only when asked for. */
  loadSandbox(): Promise<ProviderSandbox>;
  /** Loads the client's code now (the console does, so an upgrade while it runs cannot remove it). */
  preload(): Promise<void>;
}

export interface ProviderSandbox {
  readonly protocol: SandboxProtocol;
  /** The test account: credentials, balance and currency, allowed source addresses. */
  readonly account: SandboxAccount;
  /** Integration settings that point a module at a running sandbox. */
  integrationFor(sandbox: RunningSandbox): Record<string, unknown>;
}

export type ClientFactory<Integration> = (config: ClientConfig<Integration>) => ProviderClient;

/** A provider's error with its words masked: the message and the provider's code. */
function redactedError(error: unknown, secrets: readonly string[]): unknown {
  if (error instanceof ProviderError) {
    const { providerCode } = error.details;
    return new ProviderError(error.failure, redact(error.message, secrets), { ...error.details, ...(providerCode === undefined ? {} : { providerCode: redact(providerCode, secrets) }) });
  }
  if (error instanceof Error) error.message = redact(error.message, secrets);
  return error;
}

const redactedText = <T extends string | null | undefined>(text: T, secrets: readonly string[]): T => (typeof text === 'string' ? (redact(text, secrets) as T) : text);

/**
 * Every text a client hands back in the provider's own words (errors, statuses, reasons, messages),
 * masked with the module's secrets, whatever the client did itself: one place, so no provider's
 * text reaches the screen, --json, state.json, inventory.json or the journal unmasked. Names, ids
 * and PEM blocks are left as they are: masking there could only corrupt them.
 */
export function redactingClient(client: ProviderClient, secrets: readonly string[]): ProviderClient {
  const wanted = secrets.filter((secret) => secret.length > 0);
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw redactedError(error, wanted);
    }
  };
  const record = (certificate: CertificateRecord): CertificateRecord => ({
    ...certificate,
    providerStatus: redact(certificate.providerStatus, wanted),
    product: redactedText(certificate.product, wanted),
  });
  return {
    checkConnection: () => guard(() => client.checkConnection()),
    getBalance: () => guard(async () => {
      const balance = await client.getBalance();
      return { ...balance, currency: redact(balance.currency, wanted) };
    }),
    async *listCertificates(options) {
      try {
        for await (const page of client.listCertificates(options)) yield page.map(record);
      } catch (error) {
        throw redactedError(error, wanted);
      }
    },
    reissueSupport: (certificate) => client.reissueSupport(certificate),
    reissue: (request) => guard(async () => {
      const outcome = await client.reissue(request);
      return { ...outcome, message: redactedText(outcome.message, wanted) };
    }),
    originalCsr: (certificate) => guard(() => client.originalCsr(certificate)),
    orderState: (certificateId) => guard(async () => {
      const state = await client.orderState(certificateId);
      const validation = state.validation && { ...state.validation, detail: redactedText(state.validation.detail, wanted) };
      return { ...state, providerStatus: redact(state.providerStatus, wanted), reason: redactedText(state.reason, wanted), validation };
    }),
    close: () => client.close(),
  };
}

/**
 * A client whose code (and its HTTP, XML and protocol libraries) is loaded on its first call, so a
 * command that only reads the configuration never pays for them.
 */
export function lazyClient<Integration>(
  load: () => Promise<ClientFactory<Integration>>,
  reissueSupport: (certificate: CertificateRecord) => ReissueSupport,
  secretFields: readonly string[] = [],
): ClientFactory<Integration> {
  return (config) => {
    let real: Promise<ProviderClient> | null = null;
    const integration = config.integration as Readonly<Record<string, unknown>>;
    const secrets = secretFields.map((field) => integration[field]).filter((value): value is string => typeof value === 'string');
    const client = () => (real ??= load().then((create) => redactingClient(create(config), secrets)));
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

/** What a provider says it can reissue (its own folder says it): see ProviderModule. */
export interface ReissueDescription {
  readonly capability: (traits: CertificateTraits) => ReissueSupport;
  readonly limits: string | null;
}

export function providerEntry<Integration>(
  id: ProviderId,
  integrationSchema: z.ZodMiniType<Integration>,
  loadClient: () => Promise<ClientFactory<Integration>>,
  certificateSupport: (certificate: CertificateRecord) => ReissueSupport,
  loadSandbox: () => Promise<ProviderSandbox>,
  fields: readonly IntegrationField[],
  caaIssuer: (certificate: Pick<CertificateRecord, 'product'>) => CaaIssuer | null,
  reissue: ReissueDescription,
): ProviderModule {
  const secretFields = fields.filter((field) => field.kind === 'secret').map((field) => field.key);
  const reissueSupport = (certificate: CertificateRecord): ReissueSupport => {
    const capability = reissue.capability({ multiDomain: certificate.multiDomain });
    return capability.supported ? certificateSupport(certificate) : capability;
  };
  return {
    reissueCapability: reissue.capability,
    reissueLimits: reissue.limits,
    facts: PROVIDERS[id],
    fields,
    integrationSchema: integrationSchema as unknown as z.ZodMiniType<Record<string, unknown>>,
    secretFields,
    createClient: lazyClient(loadClient, reissueSupport, secretFields) as unknown as ProviderModule['createClient'],
    reissueSupport,
    caaIssuer,
    loadSandbox,
    preload: async () => {
      await loadClient();
    },
  };
}
