/**
 * Everything certops keeps for one operator, in one folder: the configuration (modules,
 * credentials, settings), the operational state (last checks and balances), the certificate
 * inventory of the last sync, and the module logs. `--config-dir` moves all of it at once.
 */
import { join } from 'node:path';
import * as z from '../providers/zod.js';
import type { FailureCause } from '../providers/types.js';
import { CertificateRecordSchema } from './inventory-schema.js';
import { removeAbandonedTemporaryFiles } from './file-lock.js';
import { JsonFile, jsonFileLock } from './json-file.js';
import type { ModuleRuntime } from './module.js';
import { Store } from './store.js';

const lastCheckSchema = z.object({
  ok: z.boolean(),
  at: z.string(),
  roundTripMs: z.optional(z.number()),
  cause: z.optional(z.string()),
  detail: z.optional(z.string()),
});

const lastBalanceSchema = z.object({
  at: z.string(),
  amount: z.number(),
  /** What can be spent, where the provider tells it apart (eNom's AvailableBalance). */
  available: z.optional(z.nullable(z.number())),
  currency: z.string(),
});

/** A balance read that failed: the screens say so rather than show the last amount, or "unknown", as if all were well. */
const balanceFailureSchema = z.object({ at: z.string(), cause: z.string() });

export const stateSchema = z.object({
  checks: z._default(z.record(z.string(), lastCheckSchema), {}),
  balances: z._default(z.record(z.string(), lastBalanceSchema), {}),
  balanceFailures: z._default(z.record(z.string(), balanceFailureSchema), {}),
});
export type WorkspaceState = z.infer<typeof stateSchema>;
export type LastCheck = z.infer<typeof lastCheckSchema> & { cause?: FailureCause | string };

export const inventorySchema = z.object({
  /** Per module id: the certificates of its last successful sync. */
  modules: z._default(
    z.record(
      z.string(),
      z.object({
        syncedAt: z.string(),
        certificates: z.array(CertificateRecordSchema),
      }),
    ),
    {},
  ),
  /** Per module id: the error of its last failed sync, while the previous list is kept. */
  failures: z._default(z.record(z.string(), z.object({ at: z.string(), cause: z.string(), detail: z.string() })), {}),
});
export type Inventory = z.infer<typeof inventorySchema>;

export class Workspace {
  readonly store: Store;
  readonly state: JsonFile<WorkspaceState>;
  readonly inventory: JsonFile<Inventory>;
  readonly logDirectory: string;

  constructor(
    readonly directory: string,
    /** How long a change waits for another certops process holding a lock (--wait); null: each lock's default. */
    readonly lockWaitMs: number | null = null,
  ) {
    this.store = new Store(directory, lockWaitMs);
    this.state = new JsonFile(join(directory, 'state.json'), stateSchema, () => stateSchema.parse({}), lockWaitMs);
    this.inventory = new JsonFile(join(directory, 'inventory.json'), inventorySchema, () => inventorySchema.parse({}), lockWaitMs);
    this.logDirectory = join(directory, 'logs');
  }

  /**
   * Removes the temporary files of writers killed before their rename (a copy of the configuration
   * holds every password), called at every start: those whose file's lock is free now. The others
   * go at their file's next change, made under its lock. One read of the folder when there are none.
   */
  removeLeftovers(): string[] {
    // Best effort: a folder certops cannot change is reported by the first change, with its file.
    return removeAbandonedTemporaryFiles(this.directory, [
      { file: 'config.json', ...this.store.lockFiles },
      ...['state.json', 'inventory.json', 'tasks.json', 'messages.json', 'messages-state.json'].map((file) => ({ file, ...jsonFileLock(join(this.directory, file)) })),
    ]);
  }

  /** How modules of this workspace log and connect: its log folder and debug levels. */
  runtime(extra: Partial<ModuleRuntime> = {}): ModuleRuntime {
    return { logDirectory: this.logDirectory, logLevels: new Map(Object.entries(this.store.read().debugLevels)), ...extra };
  }
}
