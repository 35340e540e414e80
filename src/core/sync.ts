/**
 * Use case: refresh the certificate inventory from the providers. Modules are listed in parallel;
 * each module's list replaces its old one only when it was read to the end, so a sync that fails
 * or is killed half-way leaves the previous inventory whole (the file is replaced atomically).
 */
import { ProviderError, type CertificateRecord } from '../providers/types.js';
import { logFailure, openModuleClient, type ModuleRuntime } from './module.js';
import type { StoredModule } from './store.js';
import type { Inventory, Workspace } from './workspace.js';

export interface SyncProgress {
  readonly module: string;
  readonly listed: number;
  readonly total: number | null;
}

export type SyncResult =
  | { readonly ok: true; readonly module: string; readonly moduleId: number; readonly certificates: number; readonly seconds: number }
  | { readonly ok: false; readonly module: string; readonly moduleId: number; readonly cause: string; readonly detail: string; readonly kept: number };

export async function syncModule(
  workspace: Workspace,
  module: StoredModule,
  runtime: ModuleRuntime,
  onProgress?: (progress: SyncProgress) => void,
  signal?: AbortSignal,
  now: () => Date = () => new Date(),
): Promise<SyncResult> {
  const started = performance.now();
  const name = module.parameters.name;
  const key = String(module.id);
  let client;
  const certificates: CertificateRecord[] = [];
  try {
    client = openModuleClient(module, runtime);
    for await (const page of client.listCertificates({ signal, onProgress: (p) => onProgress?.({ module: name, listed: p.listed, total: p.total }) })) {
      certificates.push(...page);
    }
  } catch (error) {
    const failure = error instanceof ProviderError ? error : new ProviderError('unexpected-response', (error as Error).message);
    logFailure(module, runtime, 'certificate list (sync)', failure);
    const at = now().toISOString();
    const kept = await workspace.inventory.update((inventory) => ({
      data: { ...inventory, failures: { ...inventory.failures, [key]: { at, cause: failure.failure, detail: failure.message } } },
      result: inventory.modules[key]?.certificates.length ?? 0,
    }));
    return { ok: false, module: name, moduleId: module.id, cause: failure.failure, detail: failure.message, kept };
  } finally {
    await client?.close();
  }
  await workspace.inventory.update((inventory) => {
    const { [key]: _cleared, ...failures } = inventory.failures;
    // CertificateRecord's arrays are read-only views of the same data the schema stores.
    const stored = certificates as Inventory['modules'][string]['certificates'];
    return { data: { modules: { ...inventory.modules, [key]: { syncedAt: now().toISOString(), certificates: stored } }, failures }, result: undefined };
  });
  return { ok: true, module: name, moduleId: module.id, certificates: certificates.length, seconds: (performance.now() - started) / 1000 };
}

export function syncModules(
  workspace: Workspace,
  modules: readonly StoredModule[],
  runtime: ModuleRuntime,
  onProgress?: (progress: SyncProgress) => void,
  signal?: AbortSignal,
): Promise<SyncResult[]> {
  return Promise.all(modules.map((module) => syncModule(workspace, module, runtime, onProgress, signal)));
}
