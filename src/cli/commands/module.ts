/**
 * `certops module`: add, list, show, edit and remove processing modules from scripts, the twin of
 * the console's wizard. The flags of the providers' integration settings come from the registry's
 * `fields`, so a fifth provider needs no change here; every value is judged by the core.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROVIDER_IDS, PROVIDERS, isProviderId, type ProviderId } from '../../providers/catalog.js';
import type { IntegrationField } from '../../providers/provider-module.js';
import { providerModule } from '../../providers/registry.js';
import { MIN_FREE_TEXT_SECRET } from '../../providers/redact.js';
import { CAUSE_LABELS, checkModule, type CheckResult } from '../../core/check.js';
import { removalConsequences, removalImpact, removalQuestion } from '../../core/module-removal.js';
import {
  addModule,
  changedDelivery,
  changedDraft,
  draftModule,
  editModule,
  findModule,
  listModules,
  maskedModule,
  moduleChanges,
  ModuleInputError,
  recordCheck,
  removeModule,
  SECRET_MASK,
  validateModule,
  type ModuleChange,
  type ModuleDraft,
  type ValidModule,
} from '../../core/modules.js';
import { deliveryFor, type DeliverySettings, type ModuleDelivery, type StoredModule } from '../../core/store.js';
import { DELIVERY_FLAGS, DELIVERY_HELP, DELIVERY_REPEATED, deliveryChanges } from '../delivery-flags.js';
import type { Workspace, WorkspaceState } from '../../core/workspace.js';
import { didYouMean, noPositionals, parseFlags, takeRepeated, type FlagSpec, type FlagSpecs } from '../args.js';
import { askSecret, confirm, moduleInputUsage, openWorkspace, printJson, readSecret, refusePlainPassword, secretJson, WAIT_FLAG, WORKSPACE_FLAGS, WORKSPACE_HELP } from '../context.js';
import { ExitCode, exitCodeOfCause, UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';
import { formatInstant } from '../../rules/calendar.js';

export const summary = 'add, list, show, edit or remove processing modules';

/** A last check as the state file keeps it. */
type LastCheck = WorkspaceState['checks'][string];
type ModuleIo = CliIo & { readonly stdin?: NodeJS.ReadableStream & { isTTY?: boolean } };
type Flags = Readonly<Record<string, string | boolean | undefined>>;
type Subcommand = 'add' | 'list' | 'show' | 'edit' | 'remove';
const SUBCOMMANDS: readonly Subcommand[] = ['add', 'list', 'show', 'edit', 'remove'];

// ---------------------------------------------------------------------------------------------
// Flags, derived from the providers' integration fields
// ---------------------------------------------------------------------------------------------

interface FieldFlag {
  /** The flag without dashes: `username`, `demo`, or `no-demo` (a boolean field set to false). */
  readonly flag: string;
  readonly boolean: boolean;
  /** `false` for `--no-<flag>`. */
  readonly value?: boolean;
  /** The providers that take the flag, and the field it sets for each. */
  readonly fields: ReadonlyMap<ProviderId, IntegrationField>;
}

/** Every non-secret integration field of every provider, by flag (secrets come by readSecret). */
const FIELD_FLAGS: ReadonlyMap<string, FieldFlag> = (() => {
  const flags = new Map<string, { flag: string; boolean: boolean; value?: boolean; fields: Map<ProviderId, IntegrationField> }>();
  const take = (flag: string, boolean: boolean, provider: ProviderId, field: IntegrationField, value?: boolean) => {
    const entry = flags.get(flag) ?? { flag, boolean, ...(value === undefined ? {} : { value }), fields: new Map() };
    entry.fields.set(provider, field);
    flags.set(flag, entry);
  };
  for (const provider of PROVIDER_IDS) {
    for (const field of providerModule(provider).fields) {
      if (field.kind === 'secret') continue;
      take(field.flag, field.kind === 'boolean', provider, field);
      if (field.kind === 'boolean') take(`no-${field.flag}`, true, provider, field, false);
    }
  }
  return flags;
})();

const PARAMETER_FLAGS = {
  name: { type: 'string' },
  department: { type: 'string' },
  sort: { type: 'string' },
  'min-balance': { type: 'string' },
  'data-center': { type: 'string' },
} as const;

/** Network flag → network setting. */
const NETWORK_FLAGS: Readonly<Record<string, string>> = {
  endpoint: 'endpoint',
  'ca-file': 'caFile',
  'connect-timeout': 'connectTimeoutMs',
  timeout: 'totalTimeoutMs',
};
const NUMERIC_NETWORK = new Set(['connectTimeoutMs', 'totalTimeoutMs']);

/** The flags of `add` and `edit`. */
const CHANGE_FLAGS: FlagSpecs = {
  ...WORKSPACE_FLAGS,
  ...PARAMETER_FLAGS,
  ...Object.fromEntries([...FIELD_FLAGS.values()].map((f): [string, FlagSpec] => [f.flag, { type: f.boolean ? 'boolean' : 'string' }])),
  ...Object.fromEntries(Object.keys(NETWORK_FLAGS).map((flag): [string, FlagSpec] => [flag, { type: 'string' }])),
  'password-stdin': { type: 'boolean' },
  'password-file': { type: 'string' },
  check: { type: 'boolean' },
  'save-unverified': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  ...WAIT_FLAG,
};

const REMOVE_FLAGS: FlagSpecs = { ...WORKSPACE_FLAGS, ...WAIT_FLAG, yes: { type: 'boolean', short: 'y' }, 'dry-run': { type: 'boolean' } };

// ---------------------------------------------------------------------------------------------
// Help
// ---------------------------------------------------------------------------------------------

function wrap(text: string, indent: number, width = 96): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

function option(flag: string, text: string): string {
  const head = `  ${flag}`;
  return head.length >= 26 ? `${head}\n${' '.repeat(26)}${wrap(text, 26)}` : `${head.padEnd(26)}${wrap(text, 26)}`;
}

const VALUE_WORDS: Readonly<Record<IntegrationField['kind'], string>> = { text: 'TEXT', secret: '', url: 'URL', boolean: '', ip: 'IP' };

function providerFieldsHelp(): string {
  return PROVIDER_IDS.map((provider) => {
    const lines = [`  ${PROVIDERS[provider].title} (${provider}):`];
    for (const field of providerModule(provider).fields) {
      if (field.kind === 'secret') {
        lines.push(option(`  (${field.label.toLowerCase()})`, `${field.help}: --password-stdin, --password-file FILE or CERTOPS_PASSWORD${field.required ? ' (required)' : ''}`));
      } else if (field.kind === 'boolean') {
        lines.push(option(`  --${field.flag}, --no-${field.flag}`, `${field.label}: ${field.help} (default: off)`));
      } else {
        lines.push(option(`  --${field.flag} ${VALUE_WORDS[field.kind]}`, `${field.label}: ${field.help}${field.required ? ' (required)' : ''}`));
      }
    }
    return lines.join('\n');
  }).join('\n');
}

/** The shared workspace flags, aligned with the rest, with the JSON line naming this command's shape. */
function workspaceHelp(json?: string): string {
  return WORKSPACE_HELP.split('\n')
    .map((line) => {
      const match = /^ {2}(\S.*?)\s{2,}(\S.*)$/.exec(line);
      if (!match) return line;
      const [, flag = '', text = ''] = match;
      return option(flag, flag === '--json' && json ? `print JSON: ${json} (docs/commands/module.md)` : text);
    })
    .join('\n');
}

const dataCenterProviders = PROVIDER_IDS.filter((id) => PROVIDERS[id].hasDataCenter).map((id) => PROVIDERS[id].title);

const SETTINGS_HELP = `Module parameters (BILLmanager's "Processing module parameters"):
${option('--name NAME', 'the name of the module, unique (another case is not another name)')}
${option('--department DEPT', 'the department that gets its tasks (manual reissues, notifications)')}
${option('--sort N', 'Sort: a whole number, 0 or more; lists are ordered by it')}
${option('--min-balance AMOUNT', "minimal balance, in the provider's currency; none (or leaving it out when adding) leaves the field empty: no low-balance check, as in BILLmanager")}
${option('--data-center DC', `the data center: ${dataCenterProviders.join(' and ')} only, and required there`)}

Integration settings, by provider:
${providerFieldsHelp()}

The password is never given as an argument (it would show in shell history and ps):
${option('--password-stdin', 'read it from a pipe (one trailing newline is dropped)')}
${option('--password-file FILE', 'read it from a file that only you can read (chmod 600)')}
${option('CERTOPS_PASSWORD', 'or take it from this environment variable (inherited by child processes: least safe)')}
With none of them, on a terminal, add asks for it with hidden input.

Network settings (every provider):
${option('--endpoint URL', "send the API calls here instead: a sandbox, a proxy or a provider's new address (https, or http to loopback only)")}
${option('--ca-file PEM', "trust this CA for this module, besides the system's")}
${option('--connect-timeout MS', 'connection timeout in milliseconds (100-600000, default 10000)')}
${option('--timeout MS', 'timeout of a whole request in milliseconds (100-3600000, default 30000)')}`;

const WAIT_OPTION = option('--wait SECONDS', 'wait up to SECONDS for another certops process that is changing the configuration (default 30; 0: not at all), then exit 5');

const CHECK_HELP = `Check and save:
${option('--check', "check the connection first (the wizard's last step); if it fails, nothing is saved and certops exits 1")}
${option('--save-unverified', 'with --check: save even when the check fails, marked "not verified" (still exits 1)')}
${option('--dry-run', 'validate (and check, with --check), print what would be saved with secrets masked, change nothing')}
${WAIT_OPTION}`;

const EXIT_HELP = `Exit codes: 0 done, 1 the connection check found a problem (the provider refused the
credentials or the IP address), 2 usage error (the message names the flag), 3 configuration
problem (the message names the file), 4 the check could not reach the provider, 5 another
certops process kept the configuration locked longer than --wait. README, "Exit codes".`;

const READ_EXIT_HELP = 'Exit codes: 0 done, 2 usage error or no such module, 3 configuration problem (the message names the file).';

const HELP: Readonly<Record<Subcommand | 'module', string>> = {
  module: `Usage: certops module <subcommand> [flags]

Sets up the processing modules of the SSL-certificate providers from scripts, with the same
validation as the console's wizard. Passwords never go on the command line; show and --json
mask them.

Subcommands:
  add <provider>    add a module: ${PROVIDER_IDS.join(', ')}
  list              every module, by Sort then id, with its last check
  show <name>       every setting of one module, secrets masked
  edit <name>       change some settings of one module
  remove <name>     remove a module (asks first; --yes in scripts)

Run 'certops module <subcommand> --help' for the flags of each.

${EXIT_HELP}

Examples:
  pass show billing/enom | certops module add enom --name "eNom main" --department "SSL desk" \\
      --sort 10 --min-balance 100 --data-center DC1 --username reseller01 --password-stdin --check
  certops module list --json
  certops module show "eNom main"
  certops module edit "eNom main" --sort 20 --min-balance none
  certops module remove "eNom main" --yes
`,
  add: `Usage: certops module add <provider> --name NAME --department DEPT --sort N [flags]

Adds a processing module of <provider>: ${PROVIDER_IDS.join(', ')}. Every bad
value is reported at once, each line naming its flag, and then nothing is saved.

${SETTINGS_HELP}

${CHECK_HELP}

Output:
${workspaceHelp('{"saved", "dryRun", "module", "check"}')}

${EXIT_HELP}

Examples:
  pass show billing/enom | certops module add enom --name "eNom main" --department "SSL desk" \\
      --sort 10 --min-balance 100 --data-center DC1 --username reseller01 --password-stdin --check
  certops module add leadertelecom --name LeaderSSL --department "SSL desk" --sort 20 \\
      --username ssl@example.net --password-file ~/.config/certops/leaderssl.pass --check
  pass show billing/globalsign | certops module add globalsign --name "GlobalSign demo" \\
      --department "SSL desk" --sort 30 --min-balance none --username PAR12345_apiuser --demo \\
      --password-stdin --dry-run
  pass show billing/ispmanager | certops module add ispmanager --name "Ispmanager SSL" \\
      --department "SSL desk" --sort 40 --data-center DC1 --url https://api-eu.ispmanager.com/billmgr \\
      --username reseller@example.net --password-stdin --check --save-unverified
`,
  list: `Usage: certops module list [--json]

Lists the processing modules, ordered by Sort then id: name, provider, Sort, department, data
center, minimal balance, the last connection check (ok with its round-trip time, or failed with its
cause, and when) and "not verified" for a module saved although its check failed.

Flags:
${workspaceHelp('{"modules": [...]}, each module as show --json prints it')}

${READ_EXIT_HELP}

Examples:
  certops module list
  certops module list --json | jq -r '.modules[] | select(.notVerified) | .name'
`,
  show: `Usage: certops module show <name> [--json]

Prints every setting of one processing module (the name in any case); secrets show as ••••,
in --json as {"set": true} (null when unset).

Flags:
${workspaceHelp('one module, every setting, secrets masked')}

${READ_EXIT_HELP}

Examples:
  certops module show "eNom main"
  certops module show "enom MAIN" --json | jq .integration.username
`,
  edit: `Usage: certops module edit <name> [flags]

Changes the given settings of one processing module and nothing else; the provider stays.  none
unsets an optional setting (--ip none, --endpoint none); --min-balance none empties the minimal
balance. An empty value (--ip "") is refused: it is what an unset shell variable gives. The changes are printed, passwords masked. A password given by
--password-stdin, --password-file or CERTOPS_PASSWORD (when set) replaces the stored one.

${SETTINGS_HELP}

${CHECK_HELP}

Output:
${workspaceHelp('{"saved", "dryRun", "changes", "module", "check"}')}

${EXIT_HELP}

Examples:
  certops module edit "eNom main" --sort 20 --min-balance none
  pass show billing/enom-new | certops module edit "eNom main" --password-stdin --check
  certops module edit "GlobalSign demo" --no-demo --ip 203.0.113.10 --dry-run
  certops module edit "eNom main" --deploy-hook '/usr/local/bin/install-cert' --probe-resolve '*:443:192.0.2.10'

Delivery of this module's reissued certificates (overrides of certops policy set's defaults):
${DELIVERY_HELP}
`,
  remove: `Usage: certops module remove <name> [--yes] [--dry-run]

Removes one processing module with its last check and balance. It asks first; without a
terminal it never waits: give --yes.

Flags:
${option('-y, --yes', 'remove without asking')}
${option('--dry-run', 'print what would be removed, change nothing')}
${WAIT_OPTION}
${workspaceHelp('{"removed", "dryRun", "module", "leftBehind": {"openTasks", "reissuesInFlight"}}')}

Exit codes: 0 removed, 1 not confirmed, 2 usage error or no such module, 3 configuration problem,
5 another certops process kept the configuration locked longer than --wait.

Examples:
  certops module remove "eNom main" --yes
  certops module remove "eNom main" --dry-run --json
`,
};

export const help = HELP.module;

// ---------------------------------------------------------------------------------------------
// Values from flags
// ---------------------------------------------------------------------------------------------

/** A decimal number as a number; anything else as typed, for the core to refuse in its words. */
function numeric(text: string): number | string {
  return /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/.test(text) ? Number(text) : text;
}

/** The keyword that unsets an optional setting (an empty value is refused: it is what an unset shell variable gives). */
const isNone = (text: string) => text.trim().toLowerCase() === 'none';

function minimalBalance(text: string): number | string | null {
  return isNone(text) ? null : numeric(text);
}

interface Settings {
  readonly parameters: Record<string, unknown>;
  readonly integration: Record<string, unknown>;
  readonly network: Record<string, unknown>;
  /** Lines of the usage error for flags this provider does not take. */
  readonly foreign: string[];
}

function listTitles(providers: readonly ProviderId[]): string {
  const titles = providers.map((id) => PROVIDERS[id].title);
  return titles.length <= 1 ? (titles[0] ?? '') : `${titles.slice(0, -1).join(', ')} and ${titles.at(-1)}`;
}

/**
 * The settings the flags give, by section, only those given. `none` unsets an optional setting
 * (`undefined`: the default applies when adding; the setting is removed when editing).
 */
function settingsFrom(flags: Flags, provider: ProviderId): Settings {
  const parameters: Record<string, unknown> = {};
  const integration: Record<string, unknown> = {};
  const network: Record<string, unknown> = {};
  const foreign: string[] = [];
  const text = (flag: string) => (typeof flags[flag] === 'string' ? (flags[flag] as string) : undefined);

  if (text('name') !== undefined) parameters.name = text('name');
  if (text('department') !== undefined) parameters.department = text('department');
  if (text('sort') !== undefined) parameters.sort = numeric(text('sort') as string);
  if (text('min-balance') !== undefined) parameters.minimalBalance = minimalBalance(text('min-balance') as string);
  if (text('data-center') !== undefined) parameters.dataCenter = text('data-center');

  for (const [flag, setting] of Object.entries(NETWORK_FLAGS)) {
    const value = text(flag);
    if (value === undefined) continue;
    // A CA file is read at every run, from wherever certops runs then: keep it absolute.
    network[setting] = isNone(value) ? undefined : NUMERIC_NETWORK.has(setting) ? numeric(value) : setting === 'caFile' ? resolve(value.trim()) : value;
  }

  for (const [flag, entry] of FIELD_FLAGS) {
    if (flags[flag] === undefined) continue;
    const field = entry.fields.get(provider);
    if (!field) {
      const takers = [...entry.fields.keys()];
      const hint = [...entry.fields.values()].some((f) => f.kind === 'url') ? '; --endpoint points a module of any provider at another address' : '';
      foreign.push(`--${flag}: only ${listTitles(takers)} processing modules take it, not ${PROVIDERS[provider].title}${hint}`);
      continue;
    }
    if (entry.boolean) {
      if (Object.hasOwn(integration, field.key)) {
        foreign.push(`--${field.flag} and --no-${field.flag} cannot be used together`);
        continue;
      }
      integration[field.key] = entry.value ?? true;
    } else {
      const value = flags[flag] as string;
      integration[field.key] = isNone(value) && !field.required ? undefined : value;
    }
  }
  return { parameters, integration, network, foreign };
}

async function passwordInto(settings: Settings, flags: Flags, provider: ProviderId, io: ModuleIo, command: string): Promise<void> {
  const secret = await readSecret(
    { 'password-stdin': flags['password-stdin'] === true, 'password-file': typeof flags['password-file'] === 'string' ? flags['password-file'] : undefined },
    io,
    command,
  );
  if (secret === undefined) return;
  // Too short to be told from other text: masked in the fields that carry it, not everywhere.
  if ([...secret].length < MIN_FREE_TEXT_SECRET) io.stderr.write(`warning: the password is shorter than ${MIN_FREE_TEXT_SECRET} characters: certops masks it where it travels (pw=, <Password>), but cannot mask it in every text a provider sends back\n`);
  for (const key of providerModule(provider).secretFields) settings.integration[key] = secret;
}

const definedOnly = (values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));

/** Validates through the core; the flags another provider takes and the core's issues in one usage error. */
function validated(draft: ModuleDraft, others: readonly StoredModule[], foreign: readonly string[], command: string, previous?: StoredModule): ValidModule {
  let lines = [...foreign];
  let valid: ValidModule | null = null;
  try {
    valid = validateModule(draft, others, previous);
  } catch (error) {
    if (!(error instanceof ModuleInputError)) throw error;
    lines = [...lines, moduleInputUsage(error, draft.provider, command).message];
  }
  if (lines.length > 0 || valid === null) throw new UsageError(lines.join('\n  '), command);
  return valid;
}

/**
 * A new module without its password, on a terminal: asked for with hidden input, as `gh auth
 * login` does, once everything else given is valid (so a typo elsewhere is not found only after
 * the password was typed). Without a terminal nothing is asked: the usage error names the ways.
 */
async function withAskedPassword(draft: ModuleDraft, others: readonly StoredModule[], foreign: readonly string[], io: ModuleIo): Promise<ModuleDraft> {
  const [field] = providerModule(draft.provider).fields.filter((f) => f.kind === 'secret');
  if (field === undefined || (typeof draft.integration[field.key] === 'string' && draft.integration[field.key] !== '') || foreign.length > 0) return draft;
  try {
    validateModule({ ...draft, integration: { ...draft.integration, [field.key]: 'a password to be asked for' } }, others);
  } catch (error) {
    if (error instanceof ModuleInputError) return draft;
    throw error;
  }
  const secret = await askSecret(io, `${field.label} of the ${PROVIDERS[draft.provider].title} account (input hidden): `);
  return secret === undefined || secret === '' ? draft : { ...draft, integration: { ...draft.integration, [field.key]: secret } };
}

/**
 * A change judged again under the lock: another certops may have taken the name meanwhile. Lost
 * races answer as the same input does alone (exit 2, the flag named), never as an internal error.
 */
async function sameAnswer<T>(change: Promise<T>, provider: ProviderId, command: string): Promise<T> {
  try {
    return await change;
  } catch (error) {
    if (error instanceof ModuleInputError) throw moduleInputUsage(error, provider, command);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Workspace
// ---------------------------------------------------------------------------------------------

/** The workspace of --config-dir (a corrupt config surfaces as a ConfigError on first read). */
function open(flags: Flags, io: CliIo, command: string): Workspace {
  return openWorkspace({ 'config-dir': typeof flags['config-dir'] === 'string' ? flags['config-dir'] : undefined, wait: typeof flags.wait === 'string' ? flags.wait : undefined }, io, command);
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

export type LastCheckJson =
  | { readonly ok: true; readonly at: string; readonly roundTripMs: number | null }
  | { readonly ok: false; readonly at: string; readonly cause: string; readonly detail: string | null };

export interface ModuleJson {
  readonly id: number | null;
  readonly name: string;
  readonly provider: ProviderId;
  readonly providerTitle: string;
  readonly department: string;
  readonly sort: number;
  readonly minimalBalance: number | null;
  readonly dataCenter: string | null;
  readonly integration: Readonly<Record<string, unknown>>;
  readonly network: { readonly endpoint: string | null; readonly caFile: string | null; readonly connectTimeoutMs: number; readonly totalTimeoutMs: number };
  readonly createdAt: string | null;
  readonly notVerified: boolean;
  readonly lastCheck: LastCheckJson | null;
  /** `own`: this module's overrides (only those it sets); `effective`: what its reissues use. */
  readonly delivery: { readonly own: ModuleDelivery; readonly effective: DeliverySettings };
}

export type CheckJson =
  | { readonly ok: true; readonly checkedAt: string; readonly roundTripMs: number }
  | {
      readonly ok: false;
      readonly checkedAt: string;
      readonly message: string;
      readonly cause: string;
      readonly causeLabel: string;
      readonly detail: string;
      readonly steps: readonly string[];
    };

function lastCheckJson(check: LastCheck | undefined): LastCheckJson | null {
  if (!check) return null;
  return check.ok
    ? { ok: true, at: check.at, roundTripMs: check.roundTripMs ?? null }
    : { ok: false, at: check.at, cause: check.cause ?? 'unknown', detail: check.detail ?? null };
}

function lastCheckOf(result: CheckResult | null): LastCheck | undefined {
  if (!result) return undefined;
  return result.ok ? { ok: true, at: result.checkedAt, roundTripMs: result.roundTripMs } : { ok: false, at: result.checkedAt, cause: result.cause, detail: result.detail };
}

function checkJson(result: CheckResult | null): CheckJson | null {
  if (!result) return null;
  if (result.ok) return { ok: true, checkedAt: result.checkedAt, roundTripMs: result.roundTripMs };
  return {
    ok: false,
    checkedAt: result.checkedAt,
    message: result.message,
    cause: result.cause,
    causeLabel: CAUSE_LABELS[result.cause],
    detail: result.detail,
    steps: result.steps,
  };
}

/**
 * A module as the JSON and the text output show it: flat parameters, secrets masked, its delivery
 * settings beside the `policy`'s ones they override. `stored: false` for a draft.
 */
function moduleJson(module: StoredModule, lastCheck: LastCheck | undefined, policy: DeliverySettings, stored = true): ModuleJson {
  const masked = maskedModule(module);
  const integration: Record<string, unknown> = {};
  const secrets = new Set(providerModule(module.provider).secretFields);
  for (const field of providerModule(module.provider).fields) integration[field.key] = masked.integration[field.key] ?? null;
  // A secret: {"set": true} or null (docs/commands/module.md), never the text mask.
  for (const key of secrets) if (Object.hasOwn(integration, key) || Object.hasOwn(module.integration, key)) integration[key] = secretJson(typeof module.integration[key] === 'string' && module.integration[key] !== '');
  for (const [key, value] of Object.entries(masked.integration)) if (!Object.hasOwn(integration, key)) integration[key] = value ?? null;
  const { parameters, network } = module;
  return {
    id: stored ? module.id : null,
    name: parameters.name,
    provider: module.provider,
    providerTitle: PROVIDERS[module.provider].title,
    department: parameters.department,
    sort: parameters.sort,
    minimalBalance: parameters.minimalBalance,
    dataCenter: parameters.dataCenter ?? null,
    integration,
    network: { endpoint: network.endpoint ?? null, caFile: network.caFile ?? null, connectTimeoutMs: network.connectTimeoutMs, totalTimeoutMs: network.totalTimeoutMs },
    createdAt: stored ? module.createdAt : null,
    notVerified: module.notVerified,
    lastCheck: lastCheckJson(lastCheck),
    delivery: { own: module.delivery ?? {}, effective: deliveryFor({ delivery: policy }, module) },
  };
}

const when = formatInstant;

function lastCheckText(check: LastCheckJson | null): string {
  if (!check) return 'never';
  if (check.ok) return `ok${check.roundTripMs === null ? '' : ` ${check.roundTripMs} ms`}, ${when(check.at)}`;
  const label = (CAUSE_LABELS as Readonly<Record<string, string>>)[check.cause] ?? check.cause;
  return `failed (${label}), ${when(check.at)}`;
}

const balanceText = (amount: number | null) => (amount === null ? 'none' : String(amount));

/** The secret setting a change's field names ("integration.password"), or null. */
function secretKey(provider: ProviderId, field: string): string | null {
  const key = field.startsWith('integration.') ? field.slice('integration.'.length) : null;
  return key !== null && providerModule(provider).secretFields.includes(key) ? key : null;
}

function hasSecret(module: StoredModule, field: string): boolean {
  const value = module.integration[secretKey(module.provider, field) ?? ''];
  return typeof value === 'string' && value !== '';
}

const DELIVERY_KEYS = ['deployHook', 'probeResolve', 'keyPolicy', 'keyType'] as const;
type DeliveryKey = (typeof DELIVERY_KEYS)[number];
const DELIVERY_LABELS: Readonly<Record<DeliveryKey, string>> = { deployHook: 'Deploy hook', probeResolve: 'Probe', keyPolicy: 'Key policy', keyType: 'Key type' };

/** A delivery setting's value in words. */
function deliveryValueText(key: DeliveryKey, value: DeliverySettings[DeliveryKey]): string {
  if (key === 'deployHook') return value === null ? 'none' : String(value);
  if (key === 'probeResolve') return (value as readonly string[]).length > 0 ? (value as readonly string[]).join(', ') : 'every name on port 443';
  return String(value);
}

/** A module's own delivery setting, or the policy's it falls back to, saying which. */
function ownOrPolicyText(key: DeliveryKey, own: ModuleDelivery, policy: DeliverySettings): string {
  const value = own[key];
  return value === undefined ? `${deliveryValueText(key, policy[key])} (the policy's)` : `${deliveryValueText(key, value)} (this module's)`;
}

function valueText(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (value === null) return 'none';
  if (typeof value === 'object' && (value as { set?: unknown }).set === true) return SECRET_MASK;
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Every setting of a module, one per line, label then value. */
function moduleText(view: ModuleJson): string {
  const rows: [string, string][] = [];
  if (view.id !== null) rows.push(['Id', String(view.id)]);
  rows.push(['Name', view.name], ['Provider', `${view.providerTitle} (${view.provider})`], ['Department', view.department], ['Sort', String(view.sort)]);
  rows.push(['Minimal balance', view.minimalBalance === null ? 'none (no low-balance check)' : String(view.minimalBalance)]);
  if (PROVIDERS[view.provider].hasDataCenter || view.dataCenter !== null) rows.push(['Data center', view.dataCenter ?? '-']);
  const fields = providerModule(view.provider).fields;
  for (const [key, value] of Object.entries(view.integration)) {
    const field = fields.find((f) => f.key === key);
    rows.push([field?.label ?? key, value === null ? '-' : valueText(value)]);
  }
  rows.push(
    ['Endpoint', view.network.endpoint ?? "- (the provider's address)"],
    ['CA file', view.network.caFile ?? '- (system CAs)'],
    ['Connect timeout', `${view.network.connectTimeoutMs} ms`],
    ['Timeout', `${view.network.totalTimeoutMs} ms`],
  );
  for (const key of DELIVERY_KEYS) {
    const own = view.delivery.own[key];
    rows.push([DELIVERY_LABELS[key], `${deliveryValueText(key, view.delivery.effective[key])} (${own === undefined ? "the policy's" : "this module's"})`]);
  }
  if (view.createdAt !== null) rows.push(['Created', when(view.createdAt)]);
  if (view.notVerified) rows.push(['Status', 'not verified (saved although its connection check failed)']);
  rows.push(['Last check', lastCheckText(view.lastCheck)]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n') + '\n';
}

function describe(module: { provider: ProviderId; parameters: { name: string } }, id: number | null): string {
  return `"${module.parameters.name}" (${PROVIDERS[module.provider].title}${id === null ? '' : `, id ${id}`})`;
}

/** BILLmanager's message, the cause and the troubleshooting steps of a failed check, on stderr. */
function reportFailure(io: CliIo, command: string, result: Extract<CheckResult, { ok: false }>): void {
  io.stderr.write(
    `certops ${command}: "${result.module}": ${result.message}\n` +
      `  cause: ${CAUSE_LABELS[result.cause]}: ${result.detail}\n` +
      `  troubleshooting:\n${result.steps.map((step) => `    - ${step}\n`).join('')}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Subcommands
// ---------------------------------------------------------------------------------------------

function changeFlagsChecks(flags: Flags, command: string): void {
  if (flags['save-unverified'] && !flags.check) throw new UsageError('--save-unverified goes with --check (it saves a module whose check failed)', command);
}

async function runCheck(valid: ValidModule, workspace: Workspace, io: CliIo, command: string): Promise<CheckResult> {
  const result = await checkModule(draftModule(valid), workspace.runtime());
  if (!result.ok) reportFailure(io, command, result);
  return result;
}

async function add(args: readonly string[], io: ModuleIo): Promise<number> {
  const command = 'module add';
  refusePlainPassword(args, command);
  const { flags, positionals } = parseFlags(command, args, CHANGE_FLAGS) as { flags: Flags; positionals: readonly string[] };
  if (flags.help) return printHelp(io, 'add');
  const [provider, ...extra] = positionals;
  if (provider === undefined) throw new UsageError(`missing <provider>: one of ${PROVIDER_IDS.join(', ')}`, command);
  if (!isProviderId(provider)) throw new UsageError(`<provider>: must be one of ${PROVIDER_IDS.join(', ')} (got "${provider}")`, command);
  noPositionals(command, extra);
  changeFlagsChecks(flags, command);

  const settings = settingsFrom(flags, provider);
  await passwordInto(settings, flags, provider, io, command);
  const given: ModuleDraft = {
    provider,
    parameters: { minimalBalance: null, ...definedOnly(settings.parameters) },
    integration: definedOnly(settings.integration),
    network: definedOnly(settings.network),
  };
  const workspace = open(flags, io, command);
  const draft = await withAskedPassword(given, listModules(workspace), settings.foreign, io);
  const valid = validated(draft, listModules(workspace), settings.foreign, command);

  const check = flags.check ? await runCheck(valid, workspace, io, command) : null;
  const failed = check !== null && !check.ok;
  const dryRun = flags['dry-run'] === true;
  const saveUnverified = flags['save-unverified'] === true;
  let saved: StoredModule | null = null;
  if (!dryRun && (!failed || saveUnverified)) {
    saved = await sameAnswer(addModule(workspace, draft, { notVerified: failed }), draft.provider, command);
    if (check) await recordCheck(workspace, saved.id, check);
  }
  const shown = saved ?? { ...draftModule(valid), createdAt: '', notVerified: failed };
  const view = moduleJson(shown, lastCheckOf(check), workspace.store.read().delivery, saved !== null);

  if (flags.json) {
    printJson(io, { saved: saved !== null, dryRun, module: view, check: checkJson(check) });
  } else if (saved) {
    io.stdout.write(`Added processing module ${describe(saved, saved.id)}${failed ? ', not verified' : ''}\n${moduleText(view)}`);
  } else if (dryRun) {
    io.stdout.write(`Would add processing module ${describe(shown, null)} (--dry-run: nothing saved)\n${moduleText(view)}`);
  }
  if (failed) {
    io.stderr.write(
      dryRun
        ? `certops ${command}: nothing saved (--dry-run)\n`
        : saved
          ? `certops ${command}: saved anyway (--save-unverified), marked not verified\n`
          : `certops ${command}: nothing saved; to save it anyway, marked not verified, add --save-unverified\n`,
    );
    return check.ok ? ExitCode.problem : exitCodeOfCause(check.cause);
  }
  return ExitCode.ok;
}

async function edit(args: readonly string[], io: ModuleIo): Promise<number> {
  const command = 'module edit';
  refusePlainPassword(args, command);
  const { rest, values } = takeRepeated(command, args, DELIVERY_REPEATED);
  const { flags: parsed, positionals } = parseFlags(command, rest, { ...CHANGE_FLAGS, ...DELIVERY_FLAGS }, DELIVERY_REPEATED);
  const flags = parsed as Flags & { 'deploy-hook'?: string; 'key-policy'?: string; 'key-type'?: string };
  if (flags.help) return printHelp(io, 'edit');
  const name = onlyName(positionals, command, 'edit');
  changeFlagsChecks(flags, command);
  const delivery = deliveryChanges(flags, values.get('probe-resolve') ?? [], command);

  const workspace = open(flags, io, command);
  const modules = listModules(workspace);
  const before = findModule(modules, name);
  const settings = settingsFrom(flags, before.provider);
  await passwordInto(settings, flags, before.provider, io, command);
  const given = Object.keys(settings.parameters).length + Object.keys(settings.integration).length + Object.keys(settings.network).length + settings.foreign.length;
  if (given === 0 && Object.keys(delivery).length === 0) throw new UsageError('nothing to change: give at least one setting flag (e.g. --sort 20)', command);

  // Delivery settings are changes like any other: listed, dry-run, and saved in the same write.
  const change: ModuleChange = { parameters: settings.parameters, integration: settings.integration, network: settings.network, delivery };
  const valid = validated(
    changedDraft(before, change),
    modules.filter((module) => module.id !== before.id),
    settings.foreign,
    command,
    before,
  );
  const policy = workspace.store.read().delivery;
  const planned: StoredModule = { ...before, ...valid, delivery: changedDelivery(before, change) };
  if (moduleChanges(before, planned).length === 0) {
    io.stderr.write(`certops ${command}: ${describe(before, before.id)} already has these settings: nothing changed\n`);
    if (flags.json) printJson(io, { saved: false, dryRun: flags['dry-run'] === true, changes: [], module: moduleJson(before, workspace.state.read().checks[String(before.id)], policy), check: null });
    return ExitCode.ok;
  }

  const check = flags.check ? await runCheck(valid, workspace, io, command) : null;
  const failed = check !== null && !check.ok;
  const dryRun = flags['dry-run'] === true;
  let result: { before: StoredModule; after: StoredModule } | null = null;
  if (!dryRun && (!failed || flags['save-unverified'] === true)) {
    result = await sameAnswer(editModule(workspace, before.parameters.name, check ? { ...change, notVerified: failed } : change), before.provider, command);
    if (check) await recordCheck(workspace, result.after.id, check);
  }
  const from = result?.before ?? before;
  const after = result?.after ?? { ...planned, notVerified: check ? failed : before.notVerified };
  const changes = moduleChanges(from, after);
  const lastCheck = check ? lastCheckOf(check) : workspace.state.read().checks[String(after.id)];
  const view = moduleJson(after, lastCheck, policy);
  const deliveryKey = (field: string) => (field.startsWith('delivery.') ? (field.slice('delivery.'.length) as DeliveryKey) : null);

  if (flags.json) {
    printJson(io, {
      saved: result !== null,
      dryRun,
      changes: changes.map(({ field, from: was, to }) => {
        const key = deliveryKey(field);
        // A delivery setting: the values the reissues use, and whether each is the policy's.
        if (key !== null) return { field, from: deliveryFor({ delivery: policy }, from)[key], to: view.delivery.effective[key], fromPolicy: was === undefined, toPolicy: to === undefined };
        return secretKey(after.provider, field) === null
          ? { field, from: was ?? null, to: to ?? null }
          : { field, from: secretJson(hasSecret(from, field)), to: secretJson(hasSecret(after, field)) };
      }),
      module: view,
      check: checkJson(check),
    });
  } else if (result || dryRun) {
    const width = Math.max(...changes.map((c) => c.field.length));
    const heading = result
      ? `Changed processing module ${describe(after, after.id)}${failed ? ', not verified' : ''}:`
      : `Would change processing module ${describe(after, after.id)} (--dry-run: nothing saved):`;
    const text = (field: string, value: unknown, module: StoredModule) => {
      const key = deliveryKey(field);
      return key === null ? valueText(value) : ownOrPolicyText(key, module.delivery ?? {}, policy);
    };
    io.stdout.write(`${heading}\n${changes.map((c) => `  ${c.field.padEnd(width)}  ${text(c.field, c.from, from)} → ${text(c.field, c.to, after)}\n`).join('')}`);
  }
  if (failed) {
    io.stderr.write(
      dryRun
        ? `certops ${command}: nothing saved (--dry-run)\n`
        : result
          ? `certops ${command}: saved anyway (--save-unverified), marked not verified\n`
          : `certops ${command}: nothing saved; to save the change anyway, marked not verified, add --save-unverified\n`,
    );
    return check.ok ? ExitCode.problem : exitCodeOfCause(check.cause);
  }
  return ExitCode.ok;
}

function onlyName(positionals: readonly string[], command: string, what: string): string {
  const [name, ...extra] = positionals;
  if (name === undefined) throw new UsageError(`missing <name>: the processing module to ${what} (certops module list shows them)`, command);
  noPositionals(command, extra);
  return name;
}

/** The list's note: not verified, and which delivery settings the module sets itself (the policy's otherwise). */
function noteText(view: ModuleJson): string {
  const own = DELIVERY_KEYS.filter((key) => view.delivery.own[key] !== undefined).map((key) => DELIVERY_LABELS[key].toLowerCase());
  return [view.notVerified ? 'not verified' : '', own.length > 0 ? `own ${own.join(', ')}` : ''].filter(Boolean).join('; ');
}

async function list(args: readonly string[], io: ModuleIo): Promise<number> {
  const command = 'module list';
  const { flags, positionals } = parseFlags(command, args, WORKSPACE_FLAGS) as { flags: Flags; positionals: readonly string[] };
  if (flags.help) return printHelp(io, 'list');
  noPositionals(command, positionals);
  const workspace = open(flags, io, command);
  const modules = listModules(workspace);
  const checks = workspace.state.read().checks;
  const policy = workspace.store.read().delivery;
  const views = modules.map((module) => moduleJson(module, checks[String(module.id)], policy));
  if (flags.json) {
    // An object, as every other command prints: fields can be added without breaking a reader.
    printJson(io, { modules: views });
    return ExitCode.ok;
  }
  if (views.length === 0) {
    const where = existsSync(workspace.directory) ? '' : `no configuration in ${workspace.directory}: `;
    io.stderr.write(`certops ${command}: ${where}no processing module is set up yet; add one with certops module add <provider> (see --help)\n`);
    return ExitCode.ok;
  }
  io.stdout.write(
    formatTable(
      [
        { title: 'Name' },
        { title: 'Provider' },
        { title: 'Sort', align: 'right' },
        { title: 'Department' },
        { title: 'Data center' },
        { title: 'Min. balance', align: 'right' },
        { title: 'Last check' },
        { title: 'Note' },
      ],
      views.map((view) => [
        view.name,
        view.providerTitle,
        String(view.sort),
        view.department,
        view.dataCenter ?? '-',
        balanceText(view.minimalBalance),
        lastCheckText(view.lastCheck),
        noteText(view),
      ]),
    ),
  );
  return ExitCode.ok;
}

async function show(args: readonly string[], io: ModuleIo): Promise<number> {
  const command = 'module show';
  const { flags, positionals } = parseFlags(command, args, WORKSPACE_FLAGS) as { flags: Flags; positionals: readonly string[] };
  if (flags.help) return printHelp(io, 'show');
  const name = onlyName(positionals, command, 'show');
  const workspace = open(flags, io, command);
  const module = findModule(listModules(workspace), name);
  const view = moduleJson(module, workspace.state.read().checks[String(module.id)], workspace.store.read().delivery);
  if (flags.json) printJson(io, view);
  else io.stdout.write(moduleText(view));
  return ExitCode.ok;
}

async function remove(args: readonly string[], io: ModuleIo): Promise<number> {
  const command = 'module remove';
  const { flags, positionals } = parseFlags(command, args, REMOVE_FLAGS) as { flags: Flags; positionals: readonly string[] };
  if (flags.help) return printHelp(io, 'remove');
  const name = onlyName(positionals, command, 'remove');
  const workspace = open(flags, io, command);
  const module = findModule(listModules(workspace), name);
  const lastCheck = workspace.state.read().checks[String(module.id)];
  const policy = workspace.store.read().delivery;
  const view = moduleJson(module, lastCheck, policy);
  const dryRun = flags['dry-run'] === true;
  // What stays behind (open manual tasks, reissues in flight) is said before, not found after.
  const impact = removalImpact(workspace, module.id);
  const consequences = removalConsequences(impact).map((line) => `  ${line}\n`).join('');
  const leftBehind = { openTasks: impact.openTasks, reissuesInFlight: impact.reissuesInFlight };
  if (dryRun) {
    if (flags.json) printJson(io, { removed: false, dryRun, module: view, leftBehind });
    else io.stdout.write(`Would remove processing module ${describe(module, module.id)} (--dry-run: nothing removed)\n${consequences ? `It would leave behind:\n${consequences}` : ''}${moduleText(view)}`);
    return ExitCode.ok;
  }
  if (consequences && flags.yes !== true && !flags.json) io.stderr.write(`It would leave behind:\n${consequences}`);
  if (!(await confirm(io, removalQuestion(module.parameters.name, impact), flags.yes === true, command))) {
    io.stderr.write(`certops ${command}: not confirmed: nothing removed\n`);
    return ExitCode.problem;
  }
  const removed = await removeModule(workspace, module.parameters.name);
  const removedView = moduleJson(removed, removed.id === module.id ? lastCheck : undefined, policy);
  if (flags.json) printJson(io, { removed: true, dryRun, module: removedView, leftBehind });
  else io.stdout.write(`Removed processing module ${describe(removed, removed.id)}\n${consequences ? `Left behind:\n${consequences}` : ''}${moduleText(removedView)}`);
  return ExitCode.ok;
}

function printHelp(io: CliIo, topic: Subcommand | 'module'): number {
  io.stdout.write(HELP[topic]);
  return ExitCode.ok;
}

const RUN: Readonly<Record<Subcommand, (args: readonly string[], io: ModuleIo) => Promise<number>>> = { add, list, show, edit, remove };

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') return printHelp(io, 'module');
  if (sub === 'help') {
    const topic = rest[0];
    return printHelp(io, topic !== undefined && (SUBCOMMANDS as readonly string[]).includes(topic) ? (topic as Subcommand) : 'module');
  }
  if (sub === undefined) throw new UsageError(`missing subcommand: one of ${SUBCOMMANDS.join(', ')}`, 'module');
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) {
    throw new UsageError(sub.startsWith('-') ? `a subcommand comes first: one of ${SUBCOMMANDS.join(', ')} (got ${sub})` : `unknown subcommand "${sub}"${didYouMean(sub, SUBCOMMANDS)}: one of ${SUBCOMMANDS.join(', ')}`, 'module');
  }
  return RUN[sub as Subcommand](rest, io as ModuleIo);
}
