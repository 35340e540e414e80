/**
 * Where certops keeps processing modules, their credentials and its settings: conf's JSON file,
 * owner-only (0600 in a 0700 folder), validated with zod on every read. Every change runs under a
 * file lock (proper-lockfile) and re-reads the file first, so two certops processes never lose each
 * other's changes; conf writes atomically, so a crash never leaves half a file. A file that is
 * corrupt or fails validation is never written: certops says which file and what is wrong.
 */
import { chmodSync, mkdirSync, statfsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type Conf from 'conf';
import * as z from '../providers/zod.js';
import { PROVIDER_IDS, PROVIDERS, type ProviderId } from '../providers/catalog.js';
import { providerModule } from '../providers/registry.js';
import { moduleParametersSchemaFor, networkSettingsSchema } from '../providers/settings.js';
import { CONTROL_CHARACTERS, controlCharacterMessage, nameKey } from '../rules/control-characters.js';
import {
  DEFAULT_SUBSCRIPTION_BEFORE_DAYS,
  DEFAULT_SUBSCRIPTION_POLICY,
  MAX_SUBSCRIPTION_BEFORE_DAYS,
  SUBSCRIPTION_POLICIES,
} from '../rules/reissue-policy.js';
import type { ProcessingModule } from './module.js';
import { acquireLock, LockBusyError, removeTemporaryFiles, type LockOptions, type Release } from './file-lock.js';
import { xdgFolder } from './xdg.js';
import { InputFileError, readOwnFile } from './input-file.js';

/** The configuration cannot be read or must not be written; the message names the file and the problem. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A lock for a change of `file`: a lock held too long stays a LockBusyError (exit 5); a lock that cannot be
 * made at all (a missing or read-only folder) is a ConfigError whose message `cannotMake` words.
 */
export async function lockForChange(file: string, target: string, options: LockOptions, cannotMake: (cause: string) => string): Promise<Release> {
  try {
    return await acquireLock(target, options);
  } catch (error) {
    if (error instanceof LockBusyError) throw error;
    throw new ConfigError(file, cannotMake((error as NodeJS.ErrnoException).code ?? (error as Error).message));
  }
}

const positiveInt = () => z.int().check(z.positive());

export const KEY_POLICIES = ['reuse', 'new'] as const;
export type KeyPolicy = (typeof KEY_POLICIES)[number];
export const KEY_TYPES = ['rsa2048', 'rsa3072', 'ecdsa-p256'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** A deploy hook: one shell command line, run with sh -c. */
const deployHookSchema = z.nullable(
  z.string().check(
    z.trim(),
    z.minLength(1, 'the deploy hook must not be empty (none clears it)'),
    z.maxLength(4096, 'the deploy hook is longer than 4096 characters'),
    z.refine((text) => !CONTROL_CHARACTERS.test(text), 'the deploy hook is one line without control characters'),
  ),
);
const probeResolveSchema = z.array(z.string().check(z.regex(/^[^:]+:\d{1,5}:.+$/, 'a probe target is NAME:PORT:ADDRESS'), z.refine((text) => !CONTROL_CHARACTERS.test(text), controlCharacterMessage('a probe target'))));

/** How reissued certificates are delivered and confirmed, and their keys made: the policy's defaults, a module's overrides. */
const deliverySchema = z.object({
  deployHook: z._default(deployHookSchema, null),
  probeResolve: z._default(probeResolveSchema, []),
  keyPolicy: z._default(z.enum(KEY_POLICIES as unknown as ['reuse', 'new']), 'reuse'),
  keyType: z._default(z.enum(KEY_TYPES as unknown as ['rsa2048', 'rsa3072', 'ecdsa-p256']), 'rsa2048'),
});
const moduleDeliverySchema = z.object({
  deployHook: z.optional(deployHookSchema),
  probeResolve: z.optional(probeResolveSchema),
  keyPolicy: z.optional(z.enum(KEY_POLICIES as unknown as ['reuse', 'new'])),
  keyType: z.optional(z.enum(KEY_TYPES as unknown as ['rsa2048', 'rsa3072', 'ecdsa-p256'])),
});
export type DeliverySettings = z.infer<typeof deliverySchema>;
export type ModuleDelivery = z.infer<typeof moduleDeliverySchema>;

const storedModuleSchema = z.object({
  id: positiveInt(),
  provider: z.enum(PROVIDER_IDS as [ProviderId, ...ProviderId[]]),
  parameters: z.record(z.string(), z.unknown()),
  integration: z.record(z.string(), z.unknown()),
  network: z._default(z.record(z.string(), z.unknown()), {}),
  createdAt: z.string(),
  /** Saved although its connection check failed ("save anyway" in the wizard). */
  notVerified: z._default(z.boolean(), false),
  /** Overrides of the policy's delivery settings for this module's reissues. */
  delivery: z._default(moduleDeliverySchema, {}),
});

const storeFileSchema = z.object({
  version: z._default(z.literal(1), 1),
  nextModuleId: z._default(positiveInt(), 1),
  modules: z._default(z.array(storedModuleSchema), []),
  reissuePolicy: z._default(
    z.object({
      policy: z._default(z.enum(SUBSCRIPTION_POLICIES as ['auto', 'manual', 'none']), DEFAULT_SUBSCRIPTION_POLICY),
      beforeDays: z._default(z.int().check(z.gte(0), z.lte(MAX_SUBSCRIPTION_BEFORE_DAYS)), DEFAULT_SUBSCRIPTION_BEFORE_DAYS),
    }),
    { policy: DEFAULT_SUBSCRIPTION_POLICY, beforeDays: DEFAULT_SUBSCRIPTION_BEFORE_DAYS },
  ),
  delivery: z._default(deliverySchema, { deployHook: null, probeResolve: [], keyPolicy: 'reuse', keyType: 'rsa2048' }),
  /** debug.conf levels per log name (pmglobalsign → 9). */
  debugLevels: z._default(z.record(z.string(), z.int().check(z.gte(0), z.lte(9))), {}),
});

export interface StoredModule extends ProcessingModule {
  readonly createdAt: string;
  readonly notVerified: boolean;
  readonly delivery?: ModuleDelivery | undefined;
}

/** A module's delivery settings: its own where it has them, else the policy's. */
export function deliveryFor(data: Pick<StoreData, 'delivery'>, module: Pick<StoredModule, 'delivery'>): DeliverySettings {
  const own = module.delivery ?? {};
  return {
    deployHook: own.deployHook !== undefined ? own.deployHook : data.delivery.deployHook,
    probeResolve: own.probeResolve ?? data.delivery.probeResolve,
    keyPolicy: own.keyPolicy ?? data.delivery.keyPolicy,
    keyType: own.keyType ?? data.delivery.keyType,
  };
}

export interface StoreData {
  readonly version: 1;
  readonly nextModuleId: number;
  readonly modules: readonly StoredModule[];
  readonly reissuePolicy: { readonly policy: 'auto' | 'manual' | 'none'; readonly beforeDays: number };
  readonly delivery: DeliverySettings;
  readonly debugLevels: Readonly<Record<string, number>>;
}

/**
 * --config-dir > CERTOPS_CONFIG_DIR > $XDG_CONFIG_HOME/certops > ~/.config/certops. An empty value
 * (a variable that expanded to nothing) is a mistake, not a request for the default: falling back
 * would act on the home configuration instead (see configDirectorySource).
 */
export function resolveConfigDirectory(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  if (flag !== undefined && flag.trim() !== '') return resolve(flag);
  if (env.CERTOPS_CONFIG_DIR !== undefined && env.CERTOPS_CONFIG_DIR.trim() !== '') return resolve(env.CERTOPS_CONFIG_DIR);
  return xdgFolder('config', env);
}

/** Which setting names the folder, and whether it is given but empty (the caller refuses that). */
export function configDirectorySource(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): { source: '--config-dir' | 'CERTOPS_CONFIG_DIR' | 'default'; empty: boolean } {
  if (flag !== undefined) return { source: '--config-dir', empty: flag.trim() === '' };
  if (env.CERTOPS_CONFIG_DIR !== undefined) return { source: 'CERTOPS_CONFIG_DIR', empty: env.CERTOPS_CONFIG_DIR.trim() === '' };
  return { source: 'default', empty: false };
}

// statfs magic numbers of the kernel's pseudo file systems (linux/magic.h).
const PSEUDO_FILE_SYSTEMS: Readonly<Record<number, string>> = { 0x9fa0: '/proc', 0x62656572: '/sys', 0x64626720: 'debugfs', 0x27e0eb: 'a cgroup file system', 0x63677270: 'a cgroup file system' };

/**
 * Why a folder cannot hold a configuration, or null: something that exists but is not a folder, or
 * a folder on /proc or /sys (their files are not files: a lock there waits for nothing and a read
 * may never end). A folder not made yet is judged by the nearest one above it that exists.
 */
export function configDirectoryProblem(directory: string): string | null {
  let existing = resolve(directory);
  for (;;) {
    try {
      const stats = statSync(existing);
      if (!stats.isDirectory()) return existing === resolve(directory) ? `${directory} is not a folder` : `${existing} is not a folder, so ${directory} cannot be made in it`;
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') return `${directory} cannot be a folder: a part of its path is a file`;
      if (code !== 'ENOENT') return null; // Unreadable: reading the configuration reports it with its own code.
      const parent = dirname(existing);
      if (parent === existing) return null;
      existing = parent;
    }
  }
  let pseudo: string | undefined;
  try {
    pseudo = PSEUDO_FILE_SYSTEMS[statfsSync(existing).type];
  } catch {
    pseudo = undefined;
  }
  pseudo ??= /^\/(proc|sys)(\/|$)/.test(existing) ? `/${existing.split('/')[1]}` : undefined;
  return pseudo ? `${directory} is on ${pseudo}, a kernel file system that holds no files; give a folder on a disk` : null;
}

function describeIssues(error: z.core.$ZodError, prefix: string): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${[prefix, ...issue.path.map(String)].filter(Boolean).join('.')}: ${issue.message}`)
    .join('; ');
}

/** Validates a module as stored: its provider's integration schema and module parameters. */
function validateModule(raw: z.infer<typeof storedModuleSchema>, where: string): StoredModule {
  const provider = providerModule(raw.provider);
  const parameters = moduleParametersSchemaFor(PROVIDERS[raw.provider]).safeParse(raw.parameters);
  if (!parameters.success) throw new Error(describeIssues(parameters.error, `${where}.parameters`));
  const integration = provider.integrationSchema.safeParse(raw.integration);
  if (!integration.success) throw new Error(describeIssues(integration.error, `${where}.integration`));
  const network = networkSettingsSchema.safeParse(raw.network);
  if (!network.success) throw new Error(describeIssues(network.error, `${where}.network`));
  return { ...raw, parameters: parameters.data, integration: integration.data, network: network.data };
}

/**
 * How long a change of the configuration waits for another certops process's by default: a change
 * takes milliseconds, so this is a queue of hundreds of writers, or one that hangs.
 */
export const CONFIG_LOCK_WAIT_MS = 30_000;

/** A configuration of hundreds of modules is a few hundred KiB; more is not certops'. */
const CONFIG_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Two modules with one id (state, inventory, journal and logs are keyed by it) or one name (the
 * commands find a module by it), or a nextModuleId that would hand out an id in use (lowered by
 * hand): what is wrong, naming the field, or null.
 */
function identityProblem(nextModuleId: number, modules: readonly Pick<StoredModule, 'id' | 'parameters'>[]): string | null {
  const ids = new Map<number, number>();
  const names = new Map<string, number>();
  for (const [index, module] of modules.entries()) {
    const sameId = ids.get(module.id);
    if (sameId !== undefined) return `modules[${sameId}] and modules[${index}] have the same id ${module.id}`;
    ids.set(module.id, index);
    const name = nameKey(module.parameters.name);
    const sameName = names.get(name);
    if (sameName !== undefined) return `modules[${sameName}] and modules[${index}] have the same name "${module.parameters.name}" (names are compared without case, in Unicode NFC)`;
    names.set(name, index);
  }
  const highest = Math.max(0, ...ids.keys());
  if (nextModuleId <= highest) return `nextModuleId is ${nextModuleId} but a module already has id ${highest}; it must be at least ${highest + 1}`;
  return null;
}

export class Store {
  readonly directory: string;
  readonly file: string;
  private opened: Conf<Record<string, unknown>> | null = null;

  constructor(
    directory: string,
    /** How long a change waits for another certops process's (--wait); null: CONFIG_LOCK_WAIT_MS. */
    private readonly lockWaitMs: number | null = null,
  ) {
    this.directory = directory;
    this.file = join(directory, 'config.json');
  }

  /** The folder, made owner-only before anything (conf would make it 0755). */
  private ensureDirectory(): void {
    try {
      mkdirSync(this.directory, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new ConfigError(this.file, `the configuration folder ${this.directory} cannot be created (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }

  /**
   * conf, loaded and made for the first change only: reading needs no more than the file and zod,
   * and conf (with ajv) costs a tenth of a second to load. Its constructor parses the file, so a
   * corrupt one is reported as a ConfigError here too.
   */
  private async conf(): Promise<Conf<Record<string, unknown>>> {
    if (this.opened) return this.opened;
    this.ensureDirectory();
    // conf reads the file itself, with no limit: judged first.
    this.readText();
    const { default: ConfClass } = await import('conf');
    try {
      this.opened = new ConfClass({
        cwd: this.directory,
        configName: 'config',
        projectName: 'certops',
        projectSuffix: '',
        configFileMode: 0o600,
        clearInvalidConfig: false,
        accessPropertiesByDotNotation: false,
      });
    } catch (error) {
      throw this.unreadable(error);
    }
    return this.opened;
  }

  private unreadable(error: unknown): ConfigError {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return new ConfigError(this.file, `${this.file} cannot be read (${code})`);
    return new ConfigError(this.file, `${this.file} is not valid JSON (${(error as Error).message}); fix or move it: certops will not write to it meanwhile`);
  }

  /**
   * The file's text, null when there is none: a regular file of at most CONFIG_MAX_BYTES only (a
   * FIFO or /dev/zero in its place would hang every command that reads it).
   */
  private readText(): string | null {
    try {
      return readOwnFile(this.file, CONFIG_MAX_BYTES)?.toString('utf8') ?? null;
    } catch (error) {
      if (error instanceof InputFileError) throw new ConfigError(this.file, `the configuration: ${error.message}`);
      throw error;
    }
  }

  /**
   * The current contents, validated; defaults where the file (or the folder) is missing or silent.
   * Never writes, and never makes the folder: only a change does.
   */
  read(): StoreData {
    let raw: unknown = {};
    const text = this.readText();
    try {
      // conf keeps the store as plain JSON in this file; a missing file is an empty store.
      if (text !== null) raw = JSON.parse(text);
    } catch (error) {
      throw this.unreadable(error);
    }
    const parsed = storeFileSchema.safeParse(raw);
    if (!parsed.success) throw new ConfigError(this.file, `${this.file} is not a valid certops configuration: ${describeIssues(parsed.error, '')}; fix or move it: certops will not write to it meanwhile`);
    const modules = parsed.data.modules.map((module, index) => {
      try {
        return validateModule(module, `modules[${index}]`);
      } catch (error) {
        throw new ConfigError(this.file, `${this.file}: ${(error as Error).message}; fix or move it: certops will not write to it meanwhile`);
      }
    });
    // A file without nextModuleId (written by hand) goes on after its highest id; one that names it is held to it.
    const given = raw !== null && typeof raw === 'object' && 'nextModuleId' in raw;
    const nextModuleId = given ? parsed.data.nextModuleId : Math.max(parsed.data.nextModuleId, ...modules.map((module) => module.id + 1));
    const clash = identityProblem(nextModuleId, modules);
    if (clash) throw new ConfigError(this.file, `${this.file}: ${clash}; fix or move it: certops will not write to it meanwhile`);
    return { ...parsed.data, nextModuleId, modules };
  }

  /**
   * Applies a change under the lock: re-read (validated), change, validate again, write atomically.
   * `change` returns the new contents and a result; throwing inside it writes nothing.
   */
  async update<T>(change: (data: StoreData) => { data: StoreData; result: T }): Promise<T> {
    const conf = await this.conf();
    const release = await this.lock(this.lockWaitMs ?? CONFIG_LOCK_WAIT_MS);
    try {
      // A writer killed before its rename left the whole configuration, passwords and all, in a temporary file.
      removeTemporaryFiles(this.file);
      const { data, result } = change(this.read());
      const checked = storeFileSchema.parse(data);
      const modules = checked.modules.map((module, index) => validateModule(module, `modules[${index}]`));
      const clash = identityProblem(checked.nextModuleId, modules);
      if (clash) throw new Error(`certops would write a configuration with ${clash}`);
      conf.store = checked as unknown as Record<string, unknown>;
      chmodSync(this.file, 0o600);
      return result;
    } finally {
      await release();
    }
  }

  /** Where the configuration's lock lives, and who holds it. */
  get lockFiles(): { readonly lockDirectory: string; readonly ownerFile: string } {
    return { lockDirectory: join(this.directory, 'config.lock'), ownerFile: join(this.directory, 'config.owner.json') };
  }

  /** The configuration's lock: a LockBusyError when a live certops holds it longer than `waitMs`. */
  private async lock(waitMs: number): Promise<Release> {
    const { lockDirectory, ownerFile } = this.lockFiles;
    return await lockForChange(this.file, join(this.directory, 'config'), { lockDirectory, ownerFile, waitMs, staleMs: 10_000 }, (cause) => `${lockDirectory} cannot be made (${cause}); the configuration is unchanged`);
  }

  /** Warnings when the folder or the file can be read by other users. */
  permissionWarnings(): string[] {
    const warnings: string[] = [];
    for (const [path, what] of [
      [this.directory, 'folder'],
      [this.file, 'file'],
    ] as const) {
      try {
        const mode = statSync(path).mode & 0o777;
        if (mode & 0o077) warnings.push(`the configuration ${what} ${path} is readable by others (mode ${mode.toString(8).padStart(4, '0')}); run: chmod ${what === 'folder' ? '700' : '600'} ${path}`);
      } catch {
        // Not created yet: nothing to warn about.
      }
    }
    return warnings;
  }
}
