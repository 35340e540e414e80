/**
 * A processing module as certops keeps it: which provider, BILLmanager's module parameters, the
 * provider's integration settings and certops' network settings. Opening one gives a provider
 * client with its CA file read and its per-module log attached.
 */
import type { LookupFunction } from 'node:net';
import type { ProviderId } from '../providers/catalog.js';
import { readCaFile } from './ca-file.js';
import { InputFileError } from './input-file.js';
import { DEFAULT_LOG_LEVEL, fileLog, silentLog, type ModuleLog } from '../providers/log.js';
import { providerModule } from '../providers/registry.js';
import type { ModuleParameters, NetworkSettings } from '../providers/settings.js';
import { ProviderError, type ProviderClient } from '../providers/types.js';

export interface ProcessingModule {
  readonly id: number;
  readonly provider: ProviderId;
  readonly parameters: ModuleParameters;
  readonly integration: Readonly<Record<string, unknown>>;
  readonly network: NetworkSettings;
}

/** Where and how a run logs and connects; the same for every module of a run. */
export interface ModuleRuntime {
  /** The console's log folder; null writes no log file. */
  readonly logDirectory: string | null;
  /** Levels per log name (pmglobalsign → 9), from debug.conf-style lines. */
  readonly logLevels?: ReadonlyMap<string, number>;
  readonly lookup?: LookupFunction;
  readonly readRetries?: number;
  readonly retryDelayMs?: number;
  /** Cancels the provider calls in flight (the console quitting); the journal makes that safe. */
  readonly signal?: AbortSignal;
}

/** The values of a module's secret settings, to mask wherever they could appear. */
export function moduleSecrets(module: ProcessingModule): string[] {
  return providerModule(module.provider)
    .secretFields.map((field) => module.integration[field])
    .filter((value): value is string => typeof value === 'string' && value.length > 0);
}

/** The module's log (pmenomssl.log, …) at the level debug.conf gives it; secrets masked. */
export function moduleLog(module: ProcessingModule, runtime: ModuleRuntime): ModuleLog {
  const logName = providerModule(module.provider).facts.logName;
  const level = runtime.logLevels?.get(logName) ?? DEFAULT_LOG_LEVEL;
  return runtime.logDirectory === null ? silentLog : fileLog({ directory: runtime.logDirectory, logName, level, secrets: moduleSecrets(module) });
}

/** Writes a failed operation to the module's log (level 3, errors), as BILLmanager's modules do. */
export function logFailure(module: ProcessingModule, runtime: ModuleRuntime, operation: string, error: unknown): void {
  const detail = error instanceof ProviderError ? `${error.failure}: ${error.message}` : error instanceof Error ? error.message : String(error);
  try {
    // Cancelled by the operator leaving (the console's q or Ctrl+C): request information, not an error.
    if (runtime.signal?.aborted) moduleLog(module, runtime).write(5, `${module.parameters.name}: ${operation} cancelled`);
    else moduleLog(module, runtime).write(3, `${module.parameters.name}: ${operation} failed: ${detail}`);
  } catch {
    // A log that cannot be written must not hide the failure itself.
  }
}

export function openModuleClient(module: ProcessingModule, runtime: ModuleRuntime): ProviderClient {
  const provider = providerModule(module.provider);
  let caPem: string | undefined;
  if (module.network.caFile) {
    try {
      caPem = readCaFile(module.network.caFile);
    } catch (error) {
      // Checked when it was set; gone or changed since.
      if (error instanceof InputFileError) throw new ProviderError('configuration', `the CA file: ${error.message}`);
      throw error;
    }
  }
  const log = moduleLog(module, runtime);
  return provider.createClient({
    integration: provider.integrationSchema.parse(module.integration),
    network: module.network,
    caPem,
    log,
    lookup: runtime.lookup,
    readRetries: runtime.readRetries,
    retryDelayMs: runtime.retryDelayMs,
    signal: runtime.signal,
  });
}

/** Opens a module's client for one piece of work and always closes it. */
export async function withModuleClient<T>(module: ProcessingModule, runtime: ModuleRuntime, work: (client: ProviderClient) => Promise<T>): Promise<T> {
  const client = openModuleClient(module, runtime);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}
