/**
 * Everything certops keeps for one operator, in one folder: the configuration (modules,
 * credentials, settings), the operational state (last checks and balances), the certificate
 * inventory of the last sync, and the module logs. `--config-dir` moves all of it at once.
 */
import { join } from 'node:path';
import * as z from '../providers/zod.js';
import type { FailureCause } from '../providers/types.js';
import { CertificateRecordSchema } from './inventory-schema.js';
import { JsonFile } from './json-file.js';
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

export const stateSchema = z.object({
  checks: z._default(z.record(z.string(), lastCheckSchema), {}),
  balances: z._default(z.record(z.string(), lastBalanceSchema), {}),
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

  constructor(readonly directory: string) {
    this.store = new Store(directory);
    this.state = new JsonFile(join(directory, 'state.json'), stateSchema, () => stateSchema.parse({}));
    this.inventory = new JsonFile(join(directory, 'inventory.json'), inventorySchema, () => inventorySchema.parse({}));
    this.logDirectory = join(directory, 'logs');
  }

  /** How modules of this workspace log and connect: its log folder and debug levels. */
  runtime(extra: Partial<ModuleRuntime> = {}): ModuleRuntime {
    return { logDirectory: this.logDirectory, logLevels: new Map(Object.entries(this.store.read().debugLevels)), ...extra };
  }
}
