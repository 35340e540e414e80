/**
 * Use case: the connection check of BILLmanager's last wizard step. Success gives the round-trip time;
 * failure gives BILLmanager's message, the specific cause, and BILLmanager's troubleshooting steps that
 * fit that cause (in their own words, provider by provider).
 */
import { PROVIDERS, type ProviderId } from '../providers/catalog.js';
import { ProviderError, type FailureCause } from '../providers/types.js';
import { logFailure, withModuleClient, type ModuleRuntime, type ProcessingModule } from './module.js';

export interface ModuleFailure {
  readonly ok: false;
  readonly module: string;
  readonly provider: ProviderId;
  /** BILLmanager's message: "Cannot connect to the processing module" (Ispmanager (SSL): "Failed to establish…"). */
  readonly message: string;
  readonly cause: FailureCause;
  /** What exactly went wrong, for a person. Never holds a secret. */
  readonly detail: string;
  readonly steps: readonly string[];
  readonly checkedAt: string;
}

export type CheckResult =
  | { readonly ok: true; readonly module: string; readonly provider: ProviderId; readonly roundTripMs: number; readonly checkedAt: string }
  | ModuleFailure;

/** Short names of the causes, for tables and JSON readers. */
export const CAUSE_LABELS: Readonly<Record<FailureCause, string>> = {
  'insecure-url': 'insecure URL refused',
  dns: 'DNS name not found',
  refused: 'connection refused',
  timeout: 'timed out',
  'tls-untrusted': 'TLS certificate not trusted',
  tls: 'TLS handshake failed',
  network: 'network error',
  credentials: 'credentials rejected',
  'ip-not-allowed': 'this IP address is not allowed',
  'account-locked': 'account locked',
  'http-status': 'unexpected HTTP status',
  'unexpected-response': 'unexpected response',
  'too-large': 'response too large',
  'provider-error': 'provider error',
  unsupported: 'not supported by the provider',
  configuration: 'module configuration',
};

/** BILLmanager's steps that fit a cause, most likely first, plus certops' own hint where one helps. */
export function troubleshootingSteps(provider: ProviderId, cause: FailureCause): string[] {
  const { parameters, reachable, ipAllowed } = PROVIDERS[provider].troubleshooting;
  switch (cause) {
    case 'credentials':
    case 'account-locked':
    case 'insecure-url':
    case 'configuration':
      return [parameters];
    case 'ip-not-allowed':
      return ipAllowed ? [ipAllowed] : [parameters, "ask the provider to allow API calls from this server's IP address"];
    case 'dns':
    case 'refused':
    case 'timeout':
    case 'tls-untrusted':
    case 'tls':
    case 'network':
      return [reachable, parameters];
    case 'http-status':
    case 'unexpected-response':
    case 'too-large':
      return [parameters, reachable];
    case 'provider-error':
    case 'unsupported':
      return [parameters, reachable, ...(ipAllowed ? [ipAllowed] : [])];
  }
}

export function moduleFailure(module: ProcessingModule, error: unknown, checkedAt: Date): ModuleFailure {
  const failure =
    error instanceof ProviderError ? error : new ProviderError('unexpected-response', error instanceof Error ? error.message : String(error));
  return {
    ok: false,
    module: module.parameters.name,
    provider: module.provider,
    message: PROVIDERS[module.provider].connectionFailedMessage,
    cause: failure.failure,
    detail: failure.message,
    steps: troubleshootingSteps(module.provider, failure.failure),
    checkedAt: checkedAt.toISOString(),
  };
}

export async function checkModule(module: ProcessingModule, runtime: ModuleRuntime, now: () => Date = () => new Date()): Promise<CheckResult> {
  try {
    const { roundTripMs } = await withModuleClient(module, runtime, (client) => client.checkConnection());
    return { ok: true, module: module.parameters.name, provider: module.provider, roundTripMs: Math.round(roundTripMs), checkedAt: now().toISOString() };
  } catch (error) {
    logFailure(module, runtime, 'connection check', error);
    return moduleFailure(module, error, now());
  }
}

/**
 * All modules at once: each has its own timeouts, so a hanging provider does not hold the others
 * back and the whole run takes about as long as the slowest module. Results arrive through
 * `onResult` as they come, and in module order at the end.
 */
export async function checkModules(
  modules: readonly ProcessingModule[],
  runtime: ModuleRuntime,
  onResult?: (result: CheckResult) => void,
): Promise<CheckResult[]> {
  return Promise.all(
    modules.map(async (module) => {
      const result = await checkModule(module, runtime);
      onResult?.(result);
      return result;
    }),
  );
}

/** The newest word from a module's provider: its last connection check, or its last sync. */
export interface LastContact {
  readonly ok: boolean;
  readonly at: string;
  /** What said it: a connection check or a sync of the certificate list. */
  readonly by: 'check' | 'sync';
  /** For a failure: its cause (a FailureCause, or older text kept as it was). */
  readonly cause?: string;
  readonly roundTripMs?: number;
}

/**
 * Which says more about a module now: the last connection check or the last sync, whichever is
 * newer. A sync that succeeded after a failed check shows the provider answers again; a sync that
 * failed after a good check shows it no longer does. null when neither ever happened.
 */
export function lastContact(
  check: { readonly ok: boolean; readonly at: string; readonly cause?: string | undefined; readonly roundTripMs?: number | undefined } | undefined,
  sync: { readonly syncedAt: string | null; readonly failedSync: { readonly at: string; readonly cause: string } | null } | undefined,
): LastContact | null {
  const candidates: LastContact[] = [];
  if (check) candidates.push({ ok: check.ok, at: check.at, by: 'check', ...(check.cause ? { cause: check.cause } : {}), ...(check.roundTripMs !== undefined ? { roundTripMs: check.roundTripMs } : {}) });
  if (sync?.syncedAt) candidates.push({ ok: true, at: sync.syncedAt, by: 'sync' });
  if (sync?.failedSync) candidates.push({ ok: false, at: sync.failedSync.at, by: 'sync', cause: sync.failedSync.cause });
  // ISO instants compare as text; on a tie the check (the explicit question) wins.
  return candidates.reduce<LastContact | null>((newest, c) => (newest === null || Date.parse(c.at) > Date.parse(newest.at) ? c : newest), null);
}
