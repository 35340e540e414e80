/** `certops policy`: show or set the reissue policy (SSLSubscriptionPolicy / SSLSubscriptionBefore). */
import { dayOfInstant, formatDay, parseDay, type Day } from '../../rules/calendar.js';
import type { ProjectedAction } from '../../rules/projection.js';
import {
  MAX_SUBSCRIPTION_BEFORE_DAYS,
  parseSubscriptionBefore,
  parseSubscriptionPolicy,
  POLICY_DESCRIPTIONS,
  SUBSCRIPTION_POLICIES,
} from '../../rules/reissue-policy.js';
import { previewPolicy, readDelivery, readPolicy, setDelivery, setPolicy, type PolicyPreviewChange } from '../../core/policy.js';
import { deliveryFor, type DeliverySettings, type ModuleDelivery } from '../../core/store.js';
import { subscriptionBeforeWarning } from '../../rules/reissue-lifecycle.js';
import { DELIVERY_FLAGS, DELIVERY_HELP, DELIVERY_REPEATED, deliveryChanges } from '../delivery-flags.js';
import type { ReissuePolicySettings } from '../../core/timeline.js';
import type { Workspace } from '../../core/workspace.js';
import { didYouMean, parseFlags, takeRepeated } from '../args.js';
import { openWorkspace, printJson, WAIT_FLAG, WAIT_HELP, WORKSPACE_FLAGS, WORKSPACE_HELP } from '../context.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';
import { ACTION_LABELS } from '../labels.js';

export const summary = 'show or set the reissue policy (SSLSubscriptionPolicy/Before)';

export const PREVIEW_DAYS = 30;

export const help = `Usage: certops policy show [options]
       certops policy set [--policy auto|manual|none] [--before N] [--dry-run]
                          [--deploy-hook COMMAND|none] [--probe-resolve NAME:PORT:ADDRESS|none]...
                          [--key-policy reuse|new] [--key-type rsa2048|rsa3072|ecdsa-p256] [options]

The reissue policy of the billing, as billmgr.conf names it:
  SSLSubscriptionPolicy  what to do with a certificate that is about to expire: ${SUBSCRIPTION_POLICIES.join(', ')}
                         (auto reissues it, manual notifies the client, none does nothing)
  SSLSubscriptionBefore  how many days before its expiration date to do it, 0-${MAX_SUBSCRIPTION_BEFORE_DAYS}

"policy set" first shows what the change does to the next ${PREVIEW_DAYS} days of the timeline (from the
inventory of the last sync), then saves it. "certops policy" alone is "certops policy show".

Options of set:
  --policy auto|manual|none   the new SSLSubscriptionPolicy
  --before N                  the new SSLSubscriptionBefore (days, 0-${MAX_SUBSCRIPTION_BEFORE_DAYS})
  --dry-run                   show the preview only; save nothing
  --today YYYY-MM-DD          the first day of the preview (default: today, UTC)

How reissued certificates are delivered and confirmed (defaults for every module; certops module
edit NAME takes the same flags for one module). "policy set" changes only what it is given:
${DELIVERY_HELP}
${WAIT_HELP}
${WORKSPACE_HELP}

JSON: show prints {"policy", "description", "beforeDays", "delivery": {"deployHook",
"probeResolve", "keyPolicy", "keyType"}, "overrides": [{"id", "module", "delivery"}]}; set prints {"before": {"policy",
"beforeDays"}, "after": {"policy", "beforeDays"}, "saved", "preview": {"until", "dueBefore",
"dueAfter", "changes": [{"module", "domain", "certificateId", "before": {"actionDate",
"action"} or null, "after": ...}]}}; see docs/commands/policy.md.

Exit codes: 0 shown or saved, 2 usage error (the message names the flag), 3 configuration problem,
5 another certops process kept the configuration locked longer than --wait.

Examples:
  certops policy show
  certops policy set --policy manual --before 30 --dry-run
  certops policy set --before 15 --json
  certops policy set --deploy-hook 'systemctl reload nginx'
  certops policy set --probe-resolve '*:443:192.0.2.10'
`;

const SHOW_FLAGS = WORKSPACE_FLAGS;
const SET_FLAGS = {
  ...WORKSPACE_FLAGS,
  policy: { type: 'string' },
  before: { type: 'string' },
  'dry-run': { type: 'boolean' },
  today: { type: 'string' },
  ...DELIVERY_FLAGS,
  ...WAIT_FLAG,
} as const;

/** `--today` for a preview, or today (UTC). */
export function parseToday(text: string | undefined, command: string): Day {
  if (text === undefined) return dayOfInstant(new Date());
  const parsed = parseDay(text);
  if (!parsed.ok) throw new UsageError(`--today: ${parsed.error} (UTC, e.g. 2026-11-23)`, command);
  return parsed.value;
}

export function policyJson(settings: ReissuePolicySettings) {
  return { policy: settings.policy, description: POLICY_DESCRIPTIONS[settings.policy], beforeDays: settings.beforeDays };
}

const actionText = (side: PolicyPreviewChange['before']) => (side === null ? 'not due' : `${side.actionDate ?? '-'} ${ACTION_LABELS[side.action]}`);

function settingLine(name: string, from: string, to: string): string {
  return from === to ? `${name}: ${to} (unchanged)\n` : `${name}: ${from} -> ${to}\n`;
}

/**
 * Previews a new policy on the next 30 days, then saves it unless it is a dry run. Shared by
 * `policy set` and `config import`.
 */
export async function applyPolicy(
  workspace: Workspace,
  candidate: ReissuePolicySettings,
  options: { readonly dryRun: boolean; readonly json: boolean; readonly today: Day; readonly command: string; readonly jsonExtra?: Readonly<Record<string, unknown>> },
  io: CliIo,
): Promise<number> {
  const current = readPolicy(workspace);
  const preview = previewPolicy(workspace, candidate, options.today, PREVIEW_DAYS);
  const saved = options.dryRun ? { before: current, after: candidate } : await setPolicy(workspace, candidate);
  if (options.json) {
    printJson(io, {
      ...options.jsonExtra,
      before: { policy: saved.before.policy, beforeDays: saved.before.beforeDays },
      after: { policy: saved.after.policy, beforeDays: saved.after.beforeDays },
      saved: !options.dryRun,
      preview: {
        until: preview.until,
        dueBefore: preview.dueBefore,
        dueAfter: preview.dueAfter,
        changes: preview.changes.map((change) => ({
          module: change.module,
          domain: change.domain,
          certificateId: change.certificateId,
          before: change.before,
          after: change.after,
        })),
      },
    });
  } else {
    const { before, after } = saved;
    io.stdout.write(
      settingLine('SSLSubscriptionPolicy', `${before.policy} (${POLICY_DESCRIPTIONS[before.policy]})`, `${after.policy} (${POLICY_DESCRIPTIONS[after.policy]})`) +
        settingLine('SSLSubscriptionBefore', `${before.beforeDays} days`, `${after.beforeDays} days`) +
        `\nNext ${PREVIEW_DAYS} days (${formatDay(options.today)} to ${preview.until}): ${preview.dueBefore} certificate action${preview.dueBefore === 1 ? '' : 's'} due now, ` +
        `${preview.dueAfter} after the change.\n`,
    );
    if (preview.changes.length === 0) {
      io.stdout.write('No action in that window changes.\n');
    } else {
      const rows = preview.changes.map((change) => [change.domain, change.module, actionText(change.before), actionText(change.after)]);
      io.stdout.write(formatTable([{ title: 'Domain' }, { title: 'Module' }, { title: 'Now' }, { title: 'After the change' }], rows));
    }
    if (preview.dueBefore === 0 && preview.dueAfter === 0 && preview.changes.length === 0) {
      io.stderr.write('note: the preview reads the inventory of the last sync; run `certops sync` for a preview of your certificates\n');
    }
    io.stderr.write(options.dryRun ? `certops ${options.command}: dry run: nothing was saved\n` : `certops ${options.command}: saved\n`);
  }
  return ExitCode.ok;
}

function show(args: readonly string[], io: CliIo): number {
  const { flags, positionals } = parseFlags('policy', args, SHOW_FLAGS);
  if (flags.help) {
    io.stdout.write(help);
    return ExitCode.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, 'policy');
  const workspace = openWorkspace(flags, io, 'policy');
  const settings = readPolicy(workspace);
  const delivery = readDelivery(workspace);
  // The defaults are not the whole story: a module's own delivery settings win over them.
  const overrides = workspace.store
    .read()
    .modules.filter((module) => Object.values(module.delivery ?? {}).some((value) => value !== undefined))
    .map((module) => ({ id: module.id, module: module.parameters.name, delivery: module.delivery ?? {} }));
  if (flags.json) {
    printJson(io, { ...policyJson(settings), delivery, overrides });
  } else {
    io.stdout.write(
      `SSLSubscriptionPolicy  ${settings.policy}  (${POLICY_DESCRIPTIONS[settings.policy]})\n` +
        `SSLSubscriptionBefore  ${settings.beforeDays}  (days before the expiration date)\n` +
        deliveryText(delivery) +
        (overrides.length === 0
          ? ''
          : `Modules with their own delivery settings (these win over the above; certops module show NAME):\n${overrides.map((o) => `  "${o.module}": ${overrideText(o.delivery)}\n`).join('')}`),
    );
  }
  return ExitCode.ok;
}

/** A module's own delivery settings in words, only those it sets. */
function overrideText(own: ModuleDelivery): string {
  const parts: string[] = [];
  if (own.deployHook !== undefined) parts.push(`deploy hook ${own.deployHook ?? 'none'}`);
  if (own.probeResolve !== undefined) parts.push(`probe ${own.probeResolve.length > 0 ? own.probeResolve.join(', ') : 'every name on port 443'}`);
  if (own.keyPolicy !== undefined) parts.push(`key policy ${own.keyPolicy}`);
  if (own.keyType !== undefined) parts.push(`key type ${own.keyType}`);
  return parts.join('; ');
}

function deliveryText(delivery: DeliverySettings): string {
  return (
    `Deploy hook            ${delivery.deployHook ?? 'none (a task to install each collected certificate)'}\n` +
    `Probe                  ${delivery.probeResolve.length > 0 ? delivery.probeResolve.join(', ') : 'every name on port 443 at its DNS address'}\n` +
    `Key                    ${delivery.keyPolicy === 'reuse' ? 'reuse the certificate\'s key' : 'a new key for every reissue'}, new keys ${delivery.keyType}\n`
  );
}

async function set(args: readonly string[], io: CliIo): Promise<number> {
  const { rest, values } = takeRepeated('policy', args, DELIVERY_REPEATED);
  const { flags, positionals } = parseFlags('policy', rest, SET_FLAGS, DELIVERY_REPEATED);
  if (flags.help) {
    io.stdout.write(help);
    return ExitCode.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, 'policy');
  const changes = deliveryChanges(flags, values.get('probe-resolve') ?? [], 'policy');
  const hasDelivery = Object.keys(changes).length > 0;
  if (flags.policy === undefined && flags.before === undefined && !hasDelivery) {
    throw new UsageError('set needs --policy, --before, or a delivery setting (--deploy-hook, --probe-resolve, --key-policy, --key-type)', 'policy');
  }
  if (hasDelivery && flags.policy === undefined && flags.before === undefined) {
    const workspace = openWorkspace(flags, io, 'policy');
    const dryRun = flags['dry-run'] ?? false;
    const current = readDelivery(workspace);
    const saved = dryRun ? { before: current, after: deliveryFor({ delivery: current }, { delivery: changes }) } : await setDelivery(workspace, changes);
    if (flags.json) printJson(io, { delivery: { before: saved.before, after: saved.after }, saved: !dryRun });
    else {
      io.stdout.write(deliveryText(saved.after));
      io.stderr.write(dryRun ? 'certops policy set: dry run: nothing was saved\n' : 'certops policy set: saved\n');
    }
    return ExitCode.ok;
  }
  const policy = flags.policy === undefined ? null : parseSubscriptionPolicy(flags.policy);
  if (policy && !policy.ok) throw new UsageError(`--policy: ${policy.error}`, 'policy');
  const before = flags.before === undefined ? null : parseSubscriptionBefore(flags.before);
  if (before && !before.ok) throw new UsageError(`--before: ${before.error}`, 'policy');
  const today = parseToday(flags.today, 'policy');
  const workspace = openWorkspace(flags, io, 'policy');
  const current = readPolicy(workspace);
  const candidate: ReissuePolicySettings = {
    policy: policy?.ok ? policy.value : current.policy,
    beforeDays: before?.ok ? before.value : current.beforeDays,
  };
  if (hasDelivery && !(flags['dry-run'] ?? false)) await setDelivery(workspace, changes);
  for (const validation of ['ov', 'ev'] as const) {
    const warning = subscriptionBeforeWarning(candidate.beforeDays, validation);
    const held = Object.values(workspace.inventory.read().modules).some((stored) => stored.certificates.some((record) => record.validation === validation));
    if (warning && held && !flags.json) io.stderr.write(`warning: ${warning}\n`);
  }
  return applyPolicy(workspace, candidate, { dryRun: flags['dry-run'] ?? false, json: flags.json ?? false, today, command: 'policy set' }, io);
}

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub.startsWith('-')) {
    // `certops policy --help`, `certops policy --json`: show.
    return show(args, io);
  }
  if (sub === 'show') return show(rest, io);
  if (sub === 'set') return set(rest, io);
  throw new UsageError(`unknown subcommand "${sub}"${didYouMean(sub, ['show', 'set'])}; use show or set`, 'policy');
}
