/**
 * Use cases on processing modules: validate, add, edit, remove, list, show with secrets masked,
 * and remember their last check and balance. The console's wizard and the scripted commands both
 * come here, so a field is judged the same way wherever it is typed.
 */
import { nameKey, quoted } from '../rules/control-characters.js';
import type * as z from '../providers/zod.js';
import { PROVIDERS, type ProviderId } from '../providers/catalog.js';
import { providerModule } from '../providers/registry.js';
import { moduleParametersSchemaFor, networkSettingsSchema, type ModuleParameters, type NetworkSettings } from '../providers/settings.js';
import type { BalanceResult } from './balance.js';
import { readCaFile } from './ca-file.js';
import { InputFileError } from './input-file.js';
import type { CheckResult } from './check.js';
import type { ProcessingModule } from './module.js';
import type { ModuleDelivery, StoredModule } from './store.js';
import type { Workspace } from './workspace.js';

export type ModuleSection = 'parameters' | 'integration' | 'network';

/** A module as typed, before validation. */
export interface ModuleDraft {
  readonly provider: ProviderId;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly integration: Readonly<Record<string, unknown>>;
  readonly network: Readonly<Record<string, unknown>>;
}

export interface FieldIssue {
  readonly section: ModuleSection;
  readonly field: string;
  readonly message: string;
}

/** Bad input for a module: every issue names its section and field. Nothing was changed. */
export class ModuleInputError extends Error {
  override readonly name = 'ModuleInputError';
  constructor(readonly issues: readonly FieldIssue[]) {
    super(issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '));
  }
}

/** A module that does not exist; the message lists the names there are. */
export class ModuleNotFoundError extends Error {
  override readonly name = 'ModuleNotFoundError';
}

export const SECRET_MASK = '••••';

function schemaOf(provider: ProviderId, section: ModuleSection): z.ZodMiniType {
  if (section === 'parameters') return moduleParametersSchemaFor(PROVIDERS[provider]);
  if (section === 'network') return networkSettingsSchema;
  return providerModule(provider).integrationSchema;
}

function issuesOf(error: z.core.$ZodError, section: ModuleSection): FieldIssue[] {
  return error.issues.map((issue) => ({ section, field: String(issue.path[0] ?? section), message: issue.message }));
}

const sameName = (a: string, b: string) => nameKey(a) === nameKey(b);

export interface ValidModule {
  readonly provider: ProviderId;
  readonly parameters: ModuleParameters;
  readonly integration: Record<string, unknown>;
  readonly network: NetworkSettings;
}

/**
 * The problem with a CA file being set, or null: it must be a readable PEM file of certificates.
 * Judged when the file is set (not on every read of the configuration, where a file moved later
 * must not make every command fail); `unchanged` is the file the module already had.
 */
function caFileProblem(network: Readonly<Record<string, unknown>>, unchanged?: unknown): string | null {
  const file = network.caFile;
  if (typeof file !== 'string' || file.trim() === '' || file === unchanged) return null;
  try {
    readCaFile(file.trim());
    return null;
  } catch (error) {
    if (error instanceof InputFileError) return error.message;
    throw error;
  }
}

/**
 * Validates a whole draft; names must be unique among `others` (case does not make a new name).
 * `previous` is the module being edited: its CA file, if kept, is not read again.
 */
export function validateModule(draft: ModuleDraft, others: readonly StoredModule[], previous?: Pick<StoredModule, 'network'>): ValidModule {
  const issues: FieldIssue[] = [];
  const results = (['parameters', 'integration', 'network'] as const).map((section) => {
    const parsed = schemaOf(draft.provider, section).safeParse(draft[section]);
    if (!parsed.success) issues.push(...issuesOf(parsed.error, section));
    return parsed.success ? (parsed.data as Record<string, unknown>) : {};
  });
  const caFile = results[2]?.caFile === undefined ? null : caFileProblem(results[2], previous?.network.caFile);
  if (caFile !== null) issues.push({ section: 'network', field: 'caFile', message: caFile });
  const name = typeof draft.parameters.name === 'string' ? draft.parameters.name : '';
  const clash = others.find((module) => sameName(module.parameters.name, name));
  if (name.trim() && clash) issues.push({ section: 'parameters', field: 'name', message: `a processing module named "${clash.parameters.name}" already exists` });
  if (issues.length > 0) throw new ModuleInputError(issues);
  const [parameters, integration, network] = results as [ModuleParameters, Record<string, unknown>, NetworkSettings];
  return { provider: draft.provider, parameters, integration, network };
}

/** The error of one field as it is left in the wizard, or null; judged with the same schemas. */
export function fieldError(draft: ModuleDraft, section: ModuleSection, field: string, others: readonly StoredModule[] = []): string | null {
  const parsed = schemaOf(draft.provider, section).safeParse(draft[section]);
  const own = parsed.success ? undefined : parsed.error.issues.find((issue) => String(issue.path[0]) === field);
  if (own) return own.message;
  if (section === 'network' && field === 'caFile') return caFileProblem(draft.network);
  if (section === 'parameters' && field === 'name' && typeof draft.parameters.name === 'string') {
    const clash = others.find((module) => sameName(module.parameters.name, draft.parameters.name as string));
    if (clash) return `a processing module named "${clash.parameters.name}" already exists`;
  }
  return null;
}

/** A validated module that is not stored yet, for its connection check. */
export function draftModule(valid: ValidModule): ProcessingModule {
  return { id: 0, ...valid };
}

export function listModules(workspace: Workspace): StoredModule[] {
  return [...workspace.store.read().modules].sort((a, b) => a.parameters.sort - b.parameters.sort || a.id - b.id);
}

export function findModule(modules: readonly StoredModule[], name: string): StoredModule {
  if (name.trim() === '') throw new ModuleNotFoundError('the processing module name given is empty');
  const found = modules.find((module) => sameName(module.parameters.name, name));
  if (!found) {
    const names = modules.map((module) => `"${module.parameters.name}"`).join(', ');
    throw new ModuleNotFoundError(`there is no processing module named ${quoted(name)}${names ? `; there are ${names}` : ' (none is set up yet)'}`);
  }
  return found;
}

export async function addModule(workspace: Workspace, draft: ModuleDraft, options: { notVerified: boolean; now?: Date }): Promise<StoredModule> {
  return workspace.store.update((data) => {
    const valid = validateModule(draft, data.modules);
    const module: StoredModule = { id: data.nextModuleId, ...valid, createdAt: (options.now ?? new Date()).toISOString(), notVerified: options.notVerified };
    return { data: { ...data, nextModuleId: data.nextModuleId + 1, modules: [...data.modules, module] }, result: module };
  });
}

export interface ModuleChange {
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly integration?: Readonly<Record<string, unknown>>;
  readonly network?: Readonly<Record<string, unknown>>;
  /** Set after a re-check: true when it failed and the change was kept anyway. */
  readonly notVerified?: boolean;
  /** This module's own delivery settings to change (each one given replaces the module's own). */
  readonly delivery?: ModuleDelivery;
}

/** The draft a change would give; `undefined` values remove a setting (an optional one only). */
export function changedDraft(module: StoredModule, change: ModuleChange): ModuleDraft {
  const merge = (base: Readonly<Record<string, unknown>>, over?: Readonly<Record<string, unknown>>) =>
    Object.fromEntries(Object.entries({ ...base, ...over }).filter(([, value]) => value !== undefined));
  return {
    provider: module.provider,
    parameters: merge(module.parameters, change.parameters),
    integration: merge(module.integration, change.integration),
    network: merge(module.network, change.network),
  };
}

/** The module's own delivery settings after a change: only those given are replaced. */
export function changedDelivery(module: StoredModule, change: Pick<ModuleChange, 'delivery'>): ModuleDelivery {
  return { ...module.delivery, ...change.delivery };
}

export async function editModule(workspace: Workspace, name: string, change: ModuleChange): Promise<{ before: StoredModule; after: StoredModule }> {
  return workspace.store.update((data) => {
    const before = findModule(data.modules, name);
    const valid = validateModule(changedDraft(before, change), data.modules.filter((module) => module.id !== before.id), before);
    // The delivery settings are saved in the same write as the rest: a refused change saves neither.
    const after: StoredModule = { ...before, ...valid, notVerified: change.notVerified ?? before.notVerified, delivery: changedDelivery(before, change) };
    return { data: { ...data, modules: data.modules.map((module) => (module.id === before.id ? after : module)) }, result: { before, after } };
  });
}

export async function removeModule(workspace: Workspace, name: string): Promise<StoredModule> {
  const removed = await workspace.store.update((data) => {
    const module = findModule(data.modules, name);
    return { data: { ...data, modules: data.modules.filter((m) => m.id !== module.id) }, result: module };
  });
  await workspace.state.update((state) => {
    const key = String(removed.id);
    const { [key]: _check, ...checks } = state.checks;
    const { [key]: _balance, ...balances } = state.balances;
    const { [key]: _failure, ...balanceFailures } = state.balanceFailures;
    return { data: { checks, balances, balanceFailures }, result: undefined };
  });
  return removed;
}

/** A module for display or JSON: every secret setting replaced by a mask. */
export function maskedModule(module: StoredModule): StoredModule {
  const secrets = new Set(providerModule(module.provider).secretFields);
  const integration = Object.fromEntries(Object.entries(module.integration).map(([key, value]) => [key, secrets.has(key) ? SECRET_MASK : value]));
  return { ...module, integration };
}

/** What changed between two versions of a module, by field, with secrets masked. */
export function moduleChanges(before: StoredModule, after: StoredModule): { field: string; from: unknown; to: unknown }[] {
  const a = maskedModule(before);
  const b = maskedModule(after);
  const changes: { field: string; from: unknown; to: unknown }[] = [];
  for (const section of ['parameters', 'integration', 'network'] as const) {
    const keys = new Set([...Object.keys(a[section]), ...Object.keys(b[section])]);
    for (const key of keys) {
      const from = (a[section] as Record<string, unknown>)[key];
      const to = (b[section] as Record<string, unknown>)[key];
      const secret = providerModule(before.provider).secretFields.includes(key) && section === 'integration';
      const changed = secret ? before.integration[key] !== after.integration[key] : JSON.stringify(from) !== JSON.stringify(to);
      if (changed) changes.push({ field: `${section}.${key}`, from, to: secret ? `${SECRET_MASK} (changed)` : to });
    }
  }
  // The module's own delivery settings (undefined: the policy's applies), in a fixed order.
  for (const key of ['deployHook', 'probeResolve', 'keyPolicy', 'keyType'] as const) {
    const from = before.delivery?.[key];
    const to = after.delivery?.[key];
    if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ field: `delivery.${key}`, from, to });
  }
  return changes;
}

export async function recordCheck(workspace: Workspace, moduleId: number, result: CheckResult): Promise<void> {
  await workspace.state.update((state) => ({
    data: {
      ...state,
      checks: {
        ...state.checks,
        [moduleId]: result.ok
          ? { ok: true, at: result.checkedAt, roundTripMs: result.roundTripMs }
          : { ok: false, at: result.checkedAt, cause: result.cause, detail: result.detail },
      },
    },
    result: undefined,
  }));
}

export async function recordBalance(workspace: Workspace, moduleId: number, result: BalanceResult): Promise<void> {
  await workspace.state.update((state) => {
    const { [String(moduleId)]: _earlier, ...balanceFailures } = state.balanceFailures;
    // A failed read keeps the last amount read and notes the failure beside it: the screens say the read failed.
    if (!result.ok) return { data: { ...state, balanceFailures: { ...balanceFailures, [moduleId]: { at: result.checkedAt, cause: result.cause } } }, result: undefined };
    return {
      data: { ...state, balances: { ...state.balances, [moduleId]: { at: result.checkedAt, amount: result.amount, available: result.available ?? null, currency: result.currency } }, balanceFailures },
      result: undefined,
    };
  });
}
