/**
 * `certops timeline`: the certificates of the last sync with their next action under the reissue
 * policy, offline, as a table, JSON, CSV (RFC 4180) or iCalendar (RFC 5545). The CSV and iCalendar
 * libraries are loaded only when those formats are asked for. `--readiness` adds what DNS says now
 * about the validations to come (src/core/readiness.ts), the only part that leaves the machine.
 */
import { quoted } from '../../rules/control-characters.js';
import { dayOfInstant, formatDay, parseDay, type Day } from '../../rules/calendar.js';
import type { ProjectedAction } from '../../rules/projection.js';
import { findModule, listModules } from '../../core/modules.js';
import { buildTimeline, dueCounts, dueDate, filterTimeline, type Timeline, type TimelineEntry } from '../../core/timeline.js';
import { parseFlags, takeRepeated } from '../args.js';
import { openWorkspace, printJson, WORKSPACE_FLAGS, WORKSPACE_HELP } from '../context.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { REISSUE_STAGES, type ReissueStage } from '../../rules/reissue-lifecycle.js';
import { formatTable } from '../table.js';
import { noModulesMessage } from './check.js';
import { ACTION_LABELS } from '../labels.js';
import { DEFAULT_DNS_TIMEOUT_MS, DEFAULT_READINESS_DAYS, parseDnsServer, readinessKey, timelineReadiness, type Readiness, type ReadinessReport } from '../../core/readiness.js';

export const summary = 'certificates due for reissue (table, JSON, CSV, iCalendar)';

const ACTIONS: readonly ProjectedAction[] = ['reissue', 'notify-client', 'manual-task', 'none', 'end-of-term'];
const FORMATS = ['table', 'json', 'csv', 'ics'] as const;
type Format = (typeof FORMATS)[number];
const MAX_WITHIN_DAYS = 36_500;
const MAX_READINESS_DAYS = 366;
const MAX_DNS_TIMEOUT_SECONDS = 60;

/** A reissue's stages, and `none` for a certificate with nothing under way. */
const STAGES = [...REISSUE_STAGES, 'none'] as const;

export const help = `Usage: certops timeline [options]

The certificates of the last sync (certops sync) with their next action under the reissue
policy (SSLSubscriptionPolicy / SSLSubscriptionBefore): the expiration date, paid until,
the action date, the action, and whether domain or organisation validation must be redone.
Reads the inventory only: no provider is asked. Rows are grouped by the month they are due
in (the action date, or the expiration date when the paid term ends with the certificate).

Options:
  --within N           only what is due within N days from today, overdue included
                       (N or Nd, e.g. 90d)
  --module NAME        only this module (repeat for more)
  --action LIST        only these actions (repeat, or comma-separated):
                       ${ACTIONS.join(', ')}
  --stage LIST         only certificates whose reissue is in these stages (repeat, or
                       comma-separated): ${STAGES.join(', ')}
  --today YYYY-MM-DD   the day to plan from (default: today, UTC)
  --format FORMAT      table (default), json, csv (RFC 4180, with a header row) or ics
                       (iCalendar: one all-day event per entry, on its due date)
  --readiness          for entries due within ${DEFAULT_READINESS_DAYS} days whose reissue redoes domain
                       validation, ask DNS whether it is ready: no CAA record forbids the
                       provider's CA, the last DNS validation's record is published, which
                       approver address an e-mail validation asks (table and JSON only)
  --readiness-days N   judge entries due within N days instead (implies --readiness)
  --dns-server ADDR[:PORT]
                       the DNS server to ask (repeat for more; IPv6 as [ADDR]:PORT);
                       default: the system's resolvers (implies --readiness)
  --dns-timeout S      seconds one DNS lookup may take (default ${DEFAULT_DNS_TIMEOUT_MS / 1000}; implies --readiness)
${WORKSPACE_HELP.replace('print JSON (shapes in docs/commands/)', 'the same as --format json')}

JSON: {"today", "withinDays", "counts": {"within7", "within30", "within90", "overdue"},
"entries": [{"moduleId", "module", "provider", "certificateId", "domain", "expires",
"paidUntil", "termEnds", "actionDate", "dueDate", "action", "department", "reason",
"revalidate", "overdue", "reissue": null or {"recordId", "stage", "stuckIn", "since",
"deadline", "newCertificateId", "detail"}}], "modules": [{"id", "name", "syncedAt", "failure",
"certificates"}]}. With readiness, each entry has "readiness": null (not judged) or {"ready",
"method", "summary", "checks": [{"name", "kind", "ok", "detail"}]}, and the top level
"readiness": {"days", "checked", "ready", "notReady", "unknown"}; see docs/commands/timeline.md.

Exit codes: 0 shown (whatever the readiness), 1 nothing to show yet (no module, or no
sync), 2 usage error or unknown module name, 3 configuration problem.

Examples:
  certops timeline --within 30d
  certops timeline --module "eNom main" --action reissue --action manual-task
  certops timeline --stage validating,stuck
  certops timeline --readiness --within 14d
  certops timeline --format csv > timeline.csv
  certops timeline --format ics > certops.ics
`;

const FLAGS = {
  ...WORKSPACE_FLAGS,
  within: { type: 'string' },
  today: { type: 'string' },
  format: { type: 'string' },
  readiness: { type: 'boolean' },
  'readiness-days': { type: 'string' },
  'dns-timeout': { type: 'string' },
} as const;

/**
 * Takes the flags that may be repeated (--module A --module B) out of the arguments; parseFlags
 * refuses repeats for every other flag.
 */

function parseWithin(text: string): number {
  const match = /^(\d+)d?$/.exec(text.trim());
  const days = match ? Number(match[1]) : NaN;
  if (!(days >= 0 && days <= MAX_WITHIN_DAYS)) {
    throw new UsageError(`--within: must be a whole number of days from 0 to ${MAX_WITHIN_DAYS}, written N or Nd, e.g. 90d (got ${quoted(text)})`, 'timeline');
  }
  return days;
}

function parseReadinessDays(text: string): number {
  const match = /^(\d+)d?$/.exec(text.trim());
  const days = match ? Number(match[1]) : NaN;
  if (!(days >= 0 && days <= MAX_READINESS_DAYS)) {
    throw new UsageError(`--readiness-days: must be a whole number of days from 0 to ${MAX_READINESS_DAYS}, written N or Nd (got ${quoted(text)})`, 'timeline');
  }
  return days;
}

function parseDnsTimeout(text: string): number {
  const seconds = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!(seconds >= 0.1 && seconds <= MAX_DNS_TIMEOUT_SECONDS)) {
    throw new UsageError(`--dns-timeout: must be a number of seconds from 0.1 to ${MAX_DNS_TIMEOUT_SECONDS} (got ${quoted(text)})`, 'timeline');
  }
  return Math.round(seconds * 1000);
}

function parseStages(values: readonly string[]): (ReissueStage | 'none')[] | undefined {
  if (values.length === 0) return undefined;
  const stages = new Set<ReissueStage | 'none'>();
  for (const item of values.flatMap((value) => value.split(',')).map((value) => value.trim())) {
    if (!(STAGES as readonly string[]).includes(item)) throw new UsageError(`--stage: ${quoted(item)} is not one of ${STAGES.join(', ')}`, 'timeline');
    stages.add(item as ReissueStage | 'none');
  }
  return [...stages];
}

function parseActions(values: readonly string[]): ProjectedAction[] | undefined {
  if (values.length === 0) return undefined;
  const actions = new Set<ProjectedAction>();
  for (const item of values.flatMap((value) => value.split(',')).map((value) => value.trim())) {
    if (!(ACTIONS as readonly string[]).includes(item)) throw new UsageError(`--action: ${quoted(item)} is not one of ${ACTIONS.join(', ')}`, 'timeline');
    actions.add(item as ProjectedAction);
  }
  return [...actions];
}

interface Request {
  readonly format: Format;
  readonly today: Day;
  readonly withinDays: number | undefined;
  readonly modules: readonly string[];
  readonly actions: ProjectedAction[] | undefined;
  readonly stages: (ReissueStage | 'none')[] | undefined;
  readonly configDir: string | undefined;
  /** What --readiness asks for; null when it is not asked. */
  readonly readiness: { readonly days: number; readonly servers: readonly string[]; readonly timeoutMs: number } | null;
}

function parseRequest(args: readonly string[]): Request | 'help' {
  const repeated = ['module', 'action', 'stage', 'dns-server'];
  const { rest, values } = takeRepeated('timeline', args, repeated);
  const { flags, positionals } = parseFlags('timeline', rest, FLAGS, repeated);
  if (flags.help) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${quoted(positionals[0] as string)} (a module is chosen with --module NAME)`, 'timeline');
  let format: Format = 'table';
  if (flags.format !== undefined) {
    if (!(FORMATS as readonly string[]).includes(flags.format)) throw new UsageError(`--format: must be one of ${FORMATS.join(', ')} (got ${quoted(flags.format)})`, 'timeline');
    format = flags.format as Format;
  }
  if (flags.json) {
    if (flags.format !== undefined && format !== 'json') throw new UsageError(`--json and --format ${format} cannot be used together`, 'timeline');
    format = 'json';
  }
  let today = dayOfInstant(new Date());
  if (flags.today !== undefined) {
    const parsed = parseDay(flags.today);
    if (!parsed.ok) throw new UsageError(`--today: ${parsed.error} (UTC, e.g. 2026-11-23)`, 'timeline');
    today = parsed.value;
  }
  const servers = (values.get('dns-server') ?? []).map((text) => {
    const parsed = parseDnsServer(text);
    if (!parsed.ok) throw new UsageError(`--dns-server: ${parsed.error}`, 'timeline');
    return parsed.value;
  });
  const wantsReadiness = flags.readiness === true || flags['readiness-days'] !== undefined || flags['dns-timeout'] !== undefined || servers.length > 0;
  if (wantsReadiness && (format === 'csv' || format === 'ics')) {
    throw new UsageError(`readiness (--readiness, --readiness-days, --dns-server, --dns-timeout) is shown in the table and JSON only, not --format ${format}`, 'timeline');
  }
  return {
    format,
    today,
    withinDays: flags.within === undefined ? undefined : parseWithin(flags.within),
    modules: values.get('module') ?? [],
    actions: parseActions(values.get('action') ?? []),
    stages: parseStages(values.get('stage') ?? []),
    configDir: flags['config-dir'],
    readiness: wantsReadiness
      ? {
          days: flags['readiness-days'] === undefined ? DEFAULT_READINESS_DAYS : parseReadinessDays(flags['readiness-days']),
          servers,
          timeoutMs: flags['dns-timeout'] === undefined ? DEFAULT_DNS_TIMEOUT_MS : parseDnsTimeout(flags['dns-timeout']),
        }
      : null,
  };
}

const actionLabel = (entry: TimelineEntry) => (entry.action === 'manual-task' && entry.department ? `manual task (${entry.department})` : ACTION_LABELS[entry.action]);

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const monthHeading = (day: string) => `${MONTHS[Number(day.slice(5, 7)) - 1] ?? day.slice(5, 7)} ${day.slice(0, 4)}`;

const readyLabel = (readiness: Readiness | undefined) => (readiness === undefined ? '' : readiness.ready === true ? 'ready' : readiness.ready === false ? 'NOT READY' : 'unknown');

function renderTable(entries: readonly TimelineEntry[], request: Request, readiness: ReadinessReport | null): string {
  if (entries.length === 0) {
    return request.withinDays === undefined ? 'No certificate matches.\n' : `No certificate is due within ${request.withinDays} days.\n`;
  }
  const rows = entries.map((entry) => [
    entry.domain,
    entry.module,
    entry.expires ?? '-',
    entry.paidUntil ?? '-',
    entry.actionDate ?? '-',
    actionLabel(entry),
    entry.revalidate.length === 0 ? '-' : entry.revalidate.join(' + '),
    entry.reissue
      ? entry.reissue.stage === 'stuck'
        ? `STUCK in ${entry.reissue.stuckIn ?? '?'}`
        : entry.reissue.stage === 'failed' || entry.reissue.stage === 'cancelled'
          ? `REISSUE ${entry.reissue.stage.toUpperCase()}${entry.overdue ? ', OVERDUE' : ''}`
          : entry.reissue.stage
      : entry.overdue
        ? 'OVERDUE'
        : '',
    ...(readiness ? [readyLabel(readiness.entries.get(readinessKey(entry)))] : []),
  ]);
  const lines = formatTable(
    [
      { title: 'Domain' },
      { title: 'Module' },
      { title: 'Expires' },
      { title: 'Paid until' },
      { title: 'Action date' },
      { title: 'Action' },
      { title: 'Revalidate' },
      { title: '' },
      ...(readiness ? [{ title: 'Ready' }] : []),
    ],
    rows,
  )
    .trimEnd()
    .split('\n');
  const out = [lines[0] as string];
  let month = '';
  for (const [i, entry] of entries.entries()) {
    const due = dueDate(entry).slice(0, 7);
    if (due !== month) {
      out.push('', monthHeading(dueDate(entry)));
      month = due;
    }
    out.push(lines[i + 1] as string);
  }
  return `${out.join('\n')}\n`;
}

const CHECK_MARKS = { true: 'ok', false: 'FAIL', null: '?' } as const;

/** Under the table: per entry judged, its verdict and the checks that are not passed. */
function renderReadiness(entries: readonly TimelineEntry[], readiness: ReadinessReport): string {
  const { counts } = readiness;
  const lines = [
    '',
    `Validation readiness of what is due within ${readiness.days} days with domain validation to redo: ` +
      `${counts.checked} checked, ${counts.ready} ready, ${counts.notReady} not ready, ${counts.unknown} not known yet.`,
  ];
  for (const entry of entries) {
    const judged = readiness.entries.get(readinessKey(entry));
    if (!judged) continue;
    lines.push(`  ${entry.domain} (${entry.module}, due ${dueDate(entry)}): ${readyLabel(judged)}`);
    for (const check of judged.checks) {
      if (check.ok === true) continue;
      lines.push(`    ${CHECK_MARKS[String(check.ok) as 'false' | 'null'].padEnd(4)}  ${check.detail}`);
    }
    if (judged.ready === null && entry.revalidate.includes('organization')) lines.push(`    ${'?'.padEnd(4)}  organization validation is done by the CA and is not checked here`);
  }
  return `${lines.join('\n')}\n`;
}

function summaryLine(counts: ReturnType<typeof dueCounts>, today: Day): string {
  return (
    `Due within 7 days: ${counts.within7}, within 30 days: ${counts.within30}, within 90 days: ${counts.within90}; overdue: ${counts.overdue}. ` +
    `Today is ${formatDay(today)}; dates are UTC calendar days.\n`
  );
}

/** Warnings about lists that are old or missing: a failed last sync, a module never synced. */
function syncWarnings(timeline: Timeline, only: readonly string[]): string[] {
  const wanted = only.map((name) => name.toLowerCase());
  return timeline.modules
    .filter((module) => wanted.length === 0 || wanted.includes(module.name.toLowerCase()))
    .flatMap((module) => {
      if (module.failure !== null) {
        return module.syncedAt === null
          ? [`warning: "${module.name}" has never synced: its last sync failed: ${module.failure}; its certificates are missing`]
          : [`warning: the last sync of "${module.name}" failed: ${module.failure}; its certificates are as of its last successful sync, ${module.syncedAt}`];
      }
      return module.syncedAt === null ? [`warning: "${module.name}" has not been synced yet; its certificates are missing (run: certops sync "${module.name}")`] : [];
    });
}

function entryJson(entry: TimelineEntry, readiness: ReadinessReport | null = null) {
  return {
    moduleId: entry.moduleId,
    module: entry.module,
    provider: entry.provider,
    certificateId: entry.certificateId,
    domain: entry.domain,
    expires: entry.expires,
    paidUntil: entry.paidUntil,
    termEnds: entry.termEnds,
    actionDate: entry.actionDate,
    dueDate: dueDate(entry),
    action: entry.action,
    department: entry.department,
    reason: entry.reason,
    revalidate: [...entry.revalidate],
    overdue: entry.overdue,
    reissue: entry.reissue,
    // Only asked for with --readiness, so the shape without it stays as it was.
    ...(readiness ? { readiness: readiness.entries.get(readinessKey(entry)) ?? null } : {}),
  };
}

const CSV_COLUMNS = [
  'domain',
  'module',
  'moduleId',
  'provider',
  'certificateId',
  'expires',
  'paidUntil',
  'termEnds',
  'actionDate',
  'dueDate',
  'action',
  'department',
  'reason',
  'revalidate',
  'overdue',
] as const;

async function renderCsv(entries: readonly TimelineEntry[]): Promise<string> {
  const { stringify } = await import('csv-stringify/sync');
  const records = entries.map((entry) => {
    const json = entryJson(entry);
    return CSV_COLUMNS.map((column) => {
      const value = json[column];
      if (Array.isArray(value)) return value.join(';');
      return value === null ? '' : String(value);
    });
  });
  // RFC 4180: CRLF line ends, quotes where needed. Cells that a spreadsheet would run as a formula
  // (provider data starting with =, +, - or @) are prefixed with a quote mark.
  return stringify(records, { header: true, columns: [...CSV_COLUMNS], record_delimiter: 'windows', escape_formulas: true });
}

function eventSummary(entry: TimelineEntry): string {
  const where = `(${entry.module})`;
  switch (entry.action) {
    case 'reissue':
      return `Reissue ${entry.domain} ${where}`;
    case 'notify-client':
      return `Notify client: ${entry.domain} expires ${entry.expires ?? ''} ${where}`;
    case 'manual-task':
      return `Manual task${entry.department ? ` for ${entry.department}` : ''}: reissue ${entry.domain} ${where}`;
    case 'none':
      return `${entry.domain} expires ${entry.expires ?? ''}, no action ${where}`;
    case 'end-of-term':
      return `Paid term ends: ${entry.domain} ${where}`;
  }
}

function eventDescription(entry: TimelineEntry): string {
  return [
    `Certificate ${entry.certificateId} of ${entry.domain}, processing module ${entry.module} (${entry.provider}).`,
    `Expires: ${entry.expires ?? '-'}. Paid until: ${entry.paidUntil ?? entry.termEnds ?? '-'}.`,
    `Action: ${actionLabel(entry)}${entry.actionDate ? ` on ${entry.actionDate}` : ''}.`,
    ...(entry.reason ? [`Why a manual task: ${entry.reason}.`] : []),
    ...(entry.revalidate.length > 0 ? [`Revalidate: ${entry.revalidate.join(' and ')}.`] : []),
    ...(entry.overdue ? ['OVERDUE: the action date has passed.'] : []),
  ].join('\n');
}

/** A UID that stays the same from run to run: module id, certificate id and action. */
export function eventUid(entry: Pick<TimelineEntry, 'moduleId' | 'certificateId' | 'action'>): string {
  return `module-${entry.moduleId}.certificate-${encodeURIComponent(entry.certificateId)}.${entry.action}@certops`;
}

async function renderIcs(entries: readonly TimelineEntry[], timeline: Timeline): Promise<string> {
  const { default: ical } = await import('ical-generator');
  const calendar = ical({ prodId: { company: 'certops', product: 'timeline', language: 'EN' }, name: 'certops: certificate actions' });
  // DTSTAMP: when the data was read from the provider (the module's last sync), so the same
  // inventory gives the same file, byte for byte.
  const syncedAt = new Map(timeline.modules.map((module) => [module.id, module.syncedAt]));
  for (const entry of entries) {
    const day = dueDate(entry);
    calendar.createEvent({
      id: eventUid(entry),
      start: new Date(`${day}T00:00:00Z`),
      allDay: true,
      stamp: new Date(syncedAt.get(entry.moduleId) ?? `${day}T00:00:00Z`),
      summary: eventSummary(entry),
      description: eventDescription(entry),
    });
  }
  // RFC 5545 ends every content line, the last one too, with CRLF.
  const text = calendar.toString();
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const request = parseRequest(args);
  if (request === 'help') {
    io.stdout.write(help);
    return ExitCode.ok;
  }
  const workspace = openWorkspace({ 'config-dir': request.configDir }, io, 'timeline');
  const configured = listModules(workspace);
  if (configured.length === 0) {
    io.stderr.write(noModulesMessage('timeline'));
    // JSON is always a whole document on stdout, an empty one here.
    if (request.format === 'json') printJson(io, { today: formatDay(request.today), withinDays: request.withinDays ?? null, counts: dueCounts([], request.today), entries: [], modules: [] });
    return ExitCode.problem;
  }
  // Module names are checked against the configuration, so a typo is an error, not an empty timeline.
  const moduleNames = request.modules.map((name) => findModule(configured, name).parameters.name);
  const timeline = buildTimeline(workspace, request.today);
  if (timeline.modules.every((module) => module.syncedAt === null)) {
    io.stderr.write('certops timeline: the inventory is empty: run `certops sync` first (the timeline reads the certificates of the last sync, offline)\n');
    for (const warning of syncWarnings(timeline, []).filter((w) => w.includes('failed'))) io.stderr.write(`${warning}\n`);
    return ExitCode.problem;
  }
  const selection = {
    ...(moduleNames.length > 0 ? { modules: moduleNames } : {}),
    ...(request.actions ? { actions: request.actions } : {}),
    ...(request.stages ? { stages: request.stages } : {}),
  };
  const selected = filterTimeline(timeline.entries, selection, request.today);
  const entries = request.withinDays === undefined ? selected : filterTimeline(selected, { withinDays: request.withinDays }, request.today);
  const counts = dueCounts(selected, request.today);
  const readiness = request.readiness
    ? await timelineReadiness(workspace, entries, { today: request.today, days: request.readiness.days, servers: request.readiness.servers, timeoutMs: request.readiness.timeoutMs })
    : null;

  switch (request.format) {
    case 'json':
      printJson(io, {
        today: formatDay(request.today),
        withinDays: request.withinDays ?? null,
        counts,
        entries: entries.map((entry) => entryJson(entry, readiness)),
        ...(readiness ? { readiness: { days: readiness.days, ...readiness.counts } } : {}),
        modules: timeline.modules
          .filter((module) => moduleNames.length === 0 || moduleNames.includes(module.name))
          .map((module) => ({ id: module.id, name: module.name, syncedAt: module.syncedAt, failure: module.failure, certificates: module.certificates })),
      });
      break;
    case 'csv':
      io.stdout.write(await renderCsv(entries));
      break;
    case 'ics':
      io.stdout.write(await renderIcs(entries, timeline));
      break;
    case 'table':
      io.stdout.write(renderTable(entries, request, readiness));
      if (readiness) io.stdout.write(renderReadiness(entries, readiness));
      io.stdout.write(`\n${summaryLine(counts, request.today)}`);
      break;
  }
  for (const warning of syncWarnings(timeline, moduleNames)) io.stderr.write(`${warning}\n`);
  return ExitCode.ok;
}
