/**
 * Use case: refresh the certificate inventory from the providers. Modules are listed in parallel;
 * each module's list replaces its old one only when it was read to the end, so a sync that fails
 * or is killed half-way leaves the previous inventory whole (the file is replaced atomically).
 */
import { ProviderError, type CertificateRecord } from '../providers/types.js';
import { logFailure, moduleLog, openModuleClient, type ModuleRuntime } from './module.js';
import type { StoredModule } from './store.js';
import type { Inventory, Workspace } from './workspace.js';

export interface SyncProgress {
  readonly module: string;
  readonly listed: number;
  readonly total: number | null;
}

export type SyncResult =
  | { readonly ok: true; readonly module: string; readonly moduleId: number; readonly certificates: number; readonly seconds: number }
  | {
      readonly ok: false;
      readonly module: string;
      readonly moduleId: number;
      readonly cause: string;
      readonly detail: string;
      readonly kept: number;
      /** Set when the list was read whole but would have lost most of the module's certificates at once (cause SHRINK_REFUSED). */
      readonly shrink?: { readonly before: number; readonly after: number };
    };

/** The cause of a sync whose list was kept because the new one lost too much at once. */
export const SHRINK_REFUSED = 'shrink-refused';

/**
 * A provider answering "no certificates" by mistake (an empty but well-formed answer) must not wipe
 * the inventory: a new list is refused when it would lose more than half of the module's
 * certificates and at least this many of them. Fewer than that is an ordinary change (a few
 * certificates moved or cancelled) and is taken; more needs --accept-shrink (or the console's
 * confirmation).
 */
export const SHRINK_MIN_LOST = 5;

/** Whether going from `before` to `after` certificates is a shrink to confirm first. */
export function isSuspiciousShrink(before: number, after: number): boolean {
  const lost = before - after;
  return lost >= SHRINK_MIN_LOST && lost * 2 > before;
}

export interface SyncOptions {
  /** Take a new list even when it loses most of the module's certificates at once. */
  readonly acceptShrink?: boolean;
}

export async function syncModule(
  workspace: Workspace,
  module: StoredModule,
  runtime: ModuleRuntime,
  onProgress?: (progress: SyncProgress) => void,
  signal?: AbortSignal,
  now: () => Date = () => new Date(),
  options: SyncOptions = {},
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
    // Cancelled (the console quitting): not the provider's failure, nothing to record.
    if (signal?.aborted) return { ok: false, module: name, moduleId: module.id, cause: failure.failure, detail: failure.message, kept: workspace.inventory.read().modules[key]?.certificates.length ?? 0 };
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
  // Compared and replaced under the inventory's lock: the list it is compared with is the one it replaces.
  const refused = await workspace.inventory.update((inventory) => {
    const before = inventory.modules[key]?.certificates.length ?? 0;
    if (!options.acceptShrink && isSuspiciousShrink(before, certificates.length)) {
      const detail = shrinkDetail(before, certificates.length);
      return { data: { ...inventory, failures: { ...inventory.failures, [key]: { at: now().toISOString(), cause: SHRINK_REFUSED, detail } } }, result: { before, detail } };
    }
    const { [key]: _cleared, ...failures } = inventory.failures;
    // CertificateRecord's arrays are read-only views of the same data the schema stores.
    const stored = certificates as Inventory['modules'][string]['certificates'];
    return { data: { modules: { ...inventory.modules, [key]: { syncedAt: now().toISOString(), certificates: stored } }, failures }, result: null };
  });
  if (refused) {
    try {
      moduleLog(module, runtime).write(4, `${name}: certificate list (sync): ${refused.detail}`);
    } catch {
      // A log that cannot be written must not hide the refusal itself.
    }
    return { ok: false, module: name, moduleId: module.id, cause: SHRINK_REFUSED, detail: refused.detail, kept: refused.before, shrink: { before: refused.before, after: certificates.length } };
  }
  return { ok: true, module: name, moduleId: module.id, certificates: certificates.length, seconds: (performance.now() - started) / 1000 };
}

export function syncModules(
  workspace: Workspace,
  modules: readonly StoredModule[],
  runtime: ModuleRuntime,
  onProgress?: (progress: SyncProgress) => void,
  signal?: AbortSignal,
  options: SyncOptions = {},
): Promise<SyncResult[]> {
  return Promise.all(modules.map((module) => syncModule(workspace, module, runtime, onProgress, signal, undefined, options)));
}

/** What a refused shrink says: the numbers, what was kept, and how to take the new list. */
export function shrinkDetail(before: number, after: number): string {
  return `shrink refused, ${before} → ${after}: the provider's list would lose ${before - after} of ${before} certificates at once; the previous list is kept (if they are really gone, run certops sync --accept-shrink)`;
}
