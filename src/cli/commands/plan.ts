/** `certops plan`: the subscription planner, the scripted answer to "what happens to my certificate?". */
import { formatDay, parseDay, type Day } from '../../rules/calendar.js';
import { VALIDATION_TYPES, type ValidationType } from '../../rules/cab-forum.js';
import type { ProjectedAction, ProjectedCertificate, Projection } from '../../rules/projection.js';
import {
  DEFAULT_SUBSCRIPTION_BEFORE_DAYS,
  DEFAULT_SUBSCRIPTION_POLICY,
  MAX_SUBSCRIPTION_BEFORE_DAYS,
  parseSubscriptionBefore,
  parseSubscriptionPolicy,
  POLICY_DESCRIPTIONS,
} from '../../rules/reissue-policy.js';
import { isTermYears, MAX_TERM_YEARS, MIN_TERM_YEARS } from '../../rules/subscription.js';
import { isProviderId, PROVIDER_IDS, PROVIDERS } from '../../providers/catalog.js';
import { planJson, planSubscription, type PlanRequest } from '../../core/plan.js';
import { noPositionals, parseFlags } from '../args.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';
import { reissueLimitsHelp } from '../labels.js';

export const summary = 'project the certificates of an SSL subscription up to paid until';

export const help = `Usage: certops plan --ordered YYYY-MM-DD --years N [options]

Projects the chain of technical certificates of one SSL subscription, from the order
date to paid until, under the CA/Browser Forum schedule (200 days from 2026-03-15,
100 from 2027-03-15, 47 from 2029-03-15) and a reissue policy: when each certificate
expires, when the policy acts on it, what it does, and when domain or organisation
validation must be redone. All dates are UTC calendar days.

Options:
  --ordered YYYY-MM-DD     order date: the first certificate is issued that day (required)
  --years N                paid term in years, ${MIN_TERM_YEARS}-${MAX_TERM_YEARS} (required)
  --type dv|ov|ev          validation type (default: dv)
  --policy auto|manual|none
                           SSLSubscriptionPolicy: auto reissues, manual notifies the
                           client, none does nothing (default: ${DEFAULT_SUBSCRIPTION_POLICY})
  --before N               SSLSubscriptionBefore: days before the expiration date to act,
                           0-${MAX_SUBSCRIPTION_BEFORE_DAYS} (default: ${DEFAULT_SUBSCRIPTION_BEFORE_DAYS})
  --provider NAME          the processing module's provider: ${PROVIDER_IDS.join(', ')};
                           under auto, what it cannot reissue through its API becomes a
                           manual task, as certops reissue run does:
${reissueLimitsHelp(27)}
  --multi-domain           the certificate is multi-domain (BILLmanager reissues none of
                           LeaderTelecom's automatically)
  --json                   print JSON: {"paidUntil", "certificates": [{"issued", "expires",
                           "actionDate", "action", "revalidate"}], "warnings"}
  -h, --help               show this help

Exit codes: 0 planned, 2 usage error (the message names the flag).

Examples:
  certops plan --ordered 2026-04-02 --years 5
  certops plan --ordered 2026-04-02 --years 3 --type ov --policy manual --before 30 --json
  certops plan --ordered 2027-01-10 --years 2 --provider leadertelecom --multi-domain
`;

const FLAGS = {
  ordered: { type: 'string' },
  years: { type: 'string' },
  type: { type: 'string' },
  policy: { type: 'string' },
  before: { type: 'string' },
  provider: { type: 'string' },
  'multi-domain': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

// Certificates of this century; bounds keep every date printable as YYYY-MM-DD.
const EARLIEST_ORDER = '2000-01-01';
const LATEST_ORDER = '2099-12-31';

function parseOrdered(text: string): Day {
  const parsed = parseDay(text);
  if (!parsed.ok) throw new UsageError(`--ordered: ${parsed.error} (UTC, e.g. 2026-04-02)`, 'plan');
  if (text < EARLIEST_ORDER || text > LATEST_ORDER) {
    throw new UsageError(`--ordered: ${text} is outside the supported range ${EARLIEST_ORDER} to ${LATEST_ORDER}`, 'plan');
  }
  return parsed.value;
}

function parseYears(text: string): number {
  const years = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!isTermYears(years)) {
    throw new UsageError(`--years: the paid term must be a whole number of years from ${MIN_TERM_YEARS} to ${MAX_TERM_YEARS} (got "${text}")`, 'plan');
  }
  return years;
}

function parseRequest(args: readonly string[]): { request: PlanRequest; json: boolean } | 'help' {
  const { flags, positionals } = parseFlags('plan', args, FLAGS);
  if (flags.help) return 'help';
  noPositionals('plan', positionals);
  const missing = (['ordered', 'years'] as const).filter((name) => flags[name] === undefined).map((name) => `--${name}`);
  if (missing.length > 0) throw new UsageError(`missing ${missing.join(' and ')}`, 'plan');

  const validation = (flags.type ?? 'dv').toLowerCase();
  if (!(VALIDATION_TYPES as readonly string[]).includes(validation)) {
    throw new UsageError(`--type: must be one of ${VALIDATION_TYPES.join(', ')} (got "${flags.type}")`, 'plan');
  }
  const policy = parseSubscriptionPolicy(flags.policy ?? DEFAULT_SUBSCRIPTION_POLICY);
  if (!policy.ok) throw new UsageError(`--policy: ${policy.error}`, 'plan');
  const before = parseSubscriptionBefore(flags.before ?? DEFAULT_SUBSCRIPTION_BEFORE_DAYS);
  if (!before.ok) throw new UsageError(`--before: ${before.error}`, 'plan');
  const provider = flags.provider ?? null;
  if (provider !== null && !isProviderId(provider)) {
    throw new UsageError(`--provider: must be one of ${PROVIDER_IDS.join(', ')} (got "${provider}")`, 'plan');
  }
  const request: PlanRequest = {
    ordered: parseOrdered(flags.ordered as string),
    years: parseYears(flags.years as string),
    validation: validation as ValidationType,
    policy: policy.value,
    beforeDays: before.value,
    provider,
    multiDomain: flags['multi-domain'] ?? false,
  };
  return { request, json: flags.json ?? false };
}

const ACTION_LABELS: Readonly<Record<ProjectedAction, string>> = {
  reissue: 'reissue',
  'notify-client': 'notify client',
  'manual-task': 'manual task',
  none: 'none',
  'end-of-term': 'paid term ends',
};

function limitLabel(c: ProjectedCertificate): string {
  switch (c.limitedBy) {
    case 'cab-maximum':
      return 'CA/B maximum';
    case 'one-year':
      return 'one year';
    case 'paid-until':
      return 'paid until';
  }
}

function renderTable(request: PlanRequest, projection: Projection): string {
  const { certificates } = projection;
  const provider = request.provider ? `${PROVIDERS[request.provider].title}${request.multiDomain ? ' multi-domain' : ''} · ` : '';
  const header =
    `Subscription ordered ${formatDay(request.ordered)} for ${request.years} year${request.years > 1 ? 's' : ''} · ` +
    `${request.validation.toUpperCase()} · ${provider}` +
    `SSLSubscriptionPolicy ${request.policy} (${POLICY_DESCRIPTIONS[request.policy]}) · SSLSubscriptionBefore ${request.beforeDays}\n` +
    (projection.paidUntilShown === null
      ? `Paid until: not shown for a one-year purchase (the term ends ${formatDay(projection.paidUntil)})\n`
      : `Paid until: ${formatDay(projection.paidUntilShown)}\n`);
  const rows = certificates.map((c, i) => [
    String(i + 1),
    formatDay(c.issued),
    formatDay(c.expires),
    String(c.lifetimeDays),
    limitLabel(c),
    c.actionDate === null ? '-' : formatDay(c.actionDate),
    c.beforeFellBack ? `${ACTION_LABELS[c.action]} (${c.beforeDays} d before, 1/3)` : ACTION_LABELS[c.action],
    c.revalidate.length === 0 ? '-' : c.revalidate.join(' + '),
  ]);
  const table = formatTable(
    [
      { title: '#', align: 'right' },
      { title: 'Issued' },
      { title: 'Expires' },
      { title: 'Days', align: 'right' },
      { title: 'Limited by' },
      { title: 'Action date' },
      { title: 'Action' },
      { title: 'Revalidate' },
    ],
    rows,
  );
  const actions = certificates.length - 1;
  const count = (what: 'domain' | 'organization') => certificates.filter((c) => c.revalidate.includes(what)).length;
  const revalidations = [`domain validation at ${count('domain')}`];
  if (request.validation !== 'dv') revalidations.push(`organisation validation at ${count('organization')}`);
  const footer =
    `${certificates.length} certificate${certificates.length > 1 ? 's' : ''}, ${actions} action date${actions === 1 ? '' : 's'}` +
    (actions > 0 ? `; ${revalidations.join(', ')} of them` : '') +
    '. Dates are UTC calendar days.\n';
  return `${header}\n${table}\n${footer}`;
}

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseRequest(args);
  if (parsed === 'help') {
    io.stdout.write(help);
    return ExitCode.ok;
  }
  const { request, json } = parsed;
  const projection = planSubscription(request);
  if (json) {
    io.stdout.write(`${JSON.stringify(planJson(projection), null, 2)}\n`);
  } else {
    io.stdout.write(renderTable(request, projection));
    for (const warning of projection.warnings) io.stderr.write(`warning: ${warning}\n`);
  }
  return ExitCode.ok;
}
