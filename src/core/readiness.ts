/**
 * Use case: validation readiness before the action date. For each timeline entry due within N days
 * whose reissue must redo domain validation, what DNS shows now: whether a CAA record forbids the
 * provider's CA, whether the record of the last DNS validation is published, which approver address
 * an e-mail validation will ask. Only what can be known before submission is claimed: a record the
 * CA has not given yet, or an address nobody confirmed, is `null`, not `true`.
 *
 * DNS goes through node:dns's Resolver with the servers asked for (tests run a server on loopback);
 * every lookup is bounded in time, run with bounded concurrency, cached for the run, and a lookup
 * that fails says so in its check instead of failing the whole answer.
 */
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import pLimit from 'p-limit';
import { formatDay, type Day } from '../rules/calendar.js';
import { caaLookupNames, evaluateCaa, isWildcard, type CaaIssuer, type CaaProperty } from '../rules/caa.js';
import { fail, ok, type Result } from '../rules/result.js';
import type { ProviderId } from '../providers/catalog.js';
import { providerModule } from '../providers/registry.js';
import { Ledger, ledgerFile, type LedgerRecord, type LedgerValidation } from './reissue/ledger.js';
import { dueDate, type TimelineEntry } from './timeline.js';
import type { Inventory, Workspace } from './workspace.js';

export const DEFAULT_READINESS_DAYS = 14;
export const DEFAULT_DNS_TIMEOUT_MS = 3000;
const DEFAULT_CONCURRENCY = 8;
/**
 * Lookups that time out in a row before the servers are taken as not answering and the rest fail at
 * once: 3 while none has answered, else two full waves (one slow domain must not stop the others).
 */
const SILENT_AFTER = 3;
const SILENT_WAVES = 2;

export type ReadinessKind = 'caa' | 'dns-record' | 'approver' | 'http-file';

export interface ReadinessCheck {
  /** The DNS name or address checked. */
  readonly name: string;
  readonly kind: ReadinessKind;
  /** true: ready; false: will stop the validation; null: cannot be known now (or the lookup failed). */
  readonly ok: boolean | null;
  readonly detail: string;
}

export interface Readiness {
  /** false when a check fails, true when every check passes, else null. */
  readonly ready: boolean | null;
  /** The method of this certificate's last validation (the reissue ledger); null when none is known. */
  readonly method: 'dns' | 'email' | 'http' | null;
  /** One line for people. */
  readonly summary: string;
  readonly checks: readonly ReadinessCheck[];
}

/** The CA behind a provider's product (each provider says, in its own folder), or null when the product does not tell. */
export function caaIssuerOf(provider: ProviderId, product: string | null): CaaIssuer | null {
  return providerModule(provider).caaIssuer({ product });
}

export { CAA_ISSUERS } from '../providers/caa-issuers.js';

// ---------------------------------------------------------------------------------------------
// DNS
// ---------------------------------------------------------------------------------------------

/** A lookup's outcome: records, none of that type (NODATA), no such name (NXDOMAIN), or a failure. */
export type Lookup<T> =
  | { readonly status: 'found'; readonly value: T }
  | { readonly status: 'nodata' }
  | { readonly status: 'nxdomain' }
  | { readonly status: 'failed'; readonly reason: string };

/** `ADDR` or `ADDR:PORT` (IPv6 as `[ADDR]:PORT`), as node:dns's setServers takes them. */
export function parseDnsServer(text: string): Result<string> {
  const value = text.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  const v4 = /^([\d.]+)(?::(\d+))?$/.exec(value);
  const [address, port] = bracketed ? [bracketed[1] as string, bracketed[2]] : v4 ? [v4[1] as string, v4[2]] : [value, undefined];
  const family = isIP(address);
  if (family === 0 || (bracketed && family !== 6)) return fail(`"${text}" is not an IP address, or ADDR:PORT ([ADDR]:PORT for IPv6)`);
  if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65_535)) return fail(`"${text}": the port must be 1 to 65535`);
  return ok(value);
}

const ERROR_TEXT: Readonly<Record<string, string>> = {
  ETIMEOUT: 'timed out',
  ESERVFAIL: 'the DNS server failed (SERVFAIL)',
  EREFUSED: 'the DNS server refused the query',
  ECONNREFUSED: 'the DNS server refused the connection',
  EBADRESP: 'the DNS answer could not be read',
  ECANCELLED: 'cancelled',
};

export interface DnsOptions {
  /** Servers as parseDnsServer accepts them; the system's resolvers when empty. */
  readonly servers?: readonly string[];
  /** Per lookup (default 3 s). */
  readonly timeoutMs?: number;
  readonly concurrency?: number;
}

/** node:dns lookups for one run: bounded in time and number at once, each name and type asked once. */
export class DnsLookups {
  private readonly resolver: Resolver;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly cache = new Map<string, Promise<Lookup<unknown>>>();
  private readonly deadlineMs: number;
  private readonly concurrency: number;
  private answered = 0;
  /** Timeouts since the last answer. */
  private timeouts = 0;
  /** Lookups sent, for the report. */
  sent = 0;

  constructor(options: DnsOptions = {}) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_DNS_TIMEOUT_MS;
    // One try per server: the deadline below is what bounds a lookup.
    this.resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
    if (options.servers && options.servers.length > 0) this.resolver.setServers([...options.servers]);
    this.deadlineMs = timeoutMs * Math.max(1, this.resolver.getServers().length) + 250;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.limit = pLimit(this.concurrency);
  }

  caa = (name: string) => this.lookup<CaaProperty[]>('CAA', name, async () => (await this.resolver.resolveCaa(name)).map(caaProperty));
  txt = (name: string) => this.lookup<string[]>('TXT', name, async () => (await this.resolver.resolveTxt(name)).map((chunks) => chunks.join('')));
  cname = (name: string) => this.lookup<string[]>('CNAME', name, () => this.resolver.resolveCname(name));
  soa = (name: string) => this.lookup<true>('SOA', name, async () => (await this.resolver.resolveSoa(name), true as const));
  mx = (name: string) => this.lookup<{ exchange: string; priority: number }[]>('MX', name, () => this.resolver.resolveMx(name));

  /** Ends lookups still under way (their answers are no longer awaited). */
  close(): void {
    this.resolver.cancel();
  }

  private lookup<T>(type: string, name: string, query: () => Promise<T>): Promise<Lookup<T>> {
    const key = `${type} ${name.toLowerCase()}`;
    let found = this.cache.get(key) as Promise<Lookup<T>> | undefined;
    if (!found) {
      found = this.limit(() => this.run(query));
      this.cache.set(key, found);
    }
    return found;
  }

  private async run<T>(query: () => Promise<T>): Promise<Lookup<T>> {
    if (this.timeouts >= (this.answered === 0 ? SILENT_AFTER : SILENT_WAVES * this.concurrency)) {
      return { status: 'failed', reason: `the DNS servers do not answer (${this.timeouts} lookups in a row timed out)` };
    }
    this.sent += 1;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<Lookup<T>>((resolve) => {
      timer = setTimeout(() => resolve({ status: 'failed', reason: 'timed out' }), this.deadlineMs);
    });
    const answer = query().then(
      (value): Lookup<T> => ({ status: 'found', value }),
      (error: NodeJS.ErrnoException): Lookup<T> => {
        if (error.code === 'ENODATA') return { status: 'nodata' };
        if (error.code === 'ENOTFOUND') return { status: 'nxdomain' };
        return { status: 'failed', reason: ERROR_TEXT[error.code ?? ''] ?? `${error.code ?? 'error'}: ${error.message}` };
      },
    );
    const result = await Promise.race([answer, deadline]);
    clearTimeout(timer);
    if (result.status === 'failed' && result.reason === 'timed out') this.timeouts += 1;
    else {
      this.answered += 1;
      this.timeouts = 0;
    }
    return result;
  }
}

/** node:dns gives `{critical, <tag>: value}`; the tag keeps its case. */
function caaProperty(record: object): CaaProperty {
  const fields = record as Record<string, unknown>;
  const tag = Object.keys(fields).find((key) => key !== 'critical') ?? '';
  return { flags: Number(fields.critical ?? 0), tag, value: String(fields[tag] ?? '') };
}

const canonicalName = (name: string) => name.trim().toLowerCase().replace(/\.$/, '');

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

/** CAA for one certificate name: climbs to the first non-empty set (RFC 8659 §3) and judges it. */
export async function checkCaa(dns: DnsLookups, name: string, issuer: CaaIssuer | null): Promise<ReadinessCheck> {
  const ca = issuer?.name ?? 'the CA';
  for (const at of caaLookupNames(name)) {
    const found = await dns.caa(at);
    if (found.status === 'failed') {
      return { name, kind: 'caa', ok: null, detail: `CAA of ${at} could not be read: ${found.reason}; the CA may refuse to issue until it can` };
    }
    if (found.status !== 'found' || found.value.length === 0) continue;
    const verdict = evaluateCaa(found.value, at, issuer ?? { name: ca, domains: [] }, name);
    if (issuer === null && verdict.kind === 'forbidden') {
      return { name, kind: 'caa', ok: null, detail: `${verdict.reason}; which CA issues this product is not known` };
    }
    return { name, kind: 'caa', ok: verdict.permitted, detail: `CAA ${verdict.permitted ? 'allows' : 'forbids'} ${ca}: ${verdict.reason}` };
  }
  return { name, kind: 'caa', ok: true, detail: `no CAA record: any CA may issue for ${name}` };
}

/** A known validation record: published as the CA asked, a different value, or missing. */
export async function checkDnsRecord(dns: DnsLookups, record: NonNullable<LedgerValidation['dnsRecord']>): Promise<ReadinessCheck> {
  const name = canonicalName(record.name);
  const type = record.type.toUpperCase();
  const expected = record.value.trim();
  const check = (ok: boolean | null, detail: string): ReadinessCheck => ({ name, kind: 'dns-record', ok, detail });
  if (type === 'CNAME') {
    const found = await dns.cname(name);
    if (found.status === 'failed') return check(null, `the CNAME record ${name} could not be read: ${found.reason}`);
    if (found.status !== 'found') return check(false, `the CNAME record ${name} → ${expected} is not published`);
    const targets = found.value.map(canonicalName);
    return targets.includes(canonicalName(expected))
      ? check(true, `the CNAME record ${name} → ${expected} is published`)
      : check(false, `${name} is a CNAME to ${targets.join(', ')}, not ${expected}`);
  }
  if (type !== 'TXT') return check(null, `a ${type} record ${name} is asked for; certops checks TXT and CNAME records only`);
  const found = await dns.txt(name);
  if (found.status === 'failed') return check(null, `the TXT record ${name} could not be read: ${found.reason}`);
  const values = found.status === 'found' ? found.value.map((value) => value.trim()) : [];
  if (values.includes(expected)) return check(true, `the TXT record ${name} is published with the expected value`);
  // At a name shared with other TXT records (SPF at the apex), only a token of the same kind
  // (`key=`) counts as a rival; at a name made for validation (`_dnsauth.`), any value does.
  const key = expected.includes('=') ? expected.slice(0, expected.indexOf('=') + 1) : null;
  const rivals = key !== null ? values.filter((value) => value.startsWith(key)) : name.startsWith('_') ? values : [];
  return rivals.length > 0
    ? check(false, `the TXT record ${name} holds a different value (${shorten(rivals[0] as string)}), not the expected ${shorten(expected)}`)
    : check(false, `the TXT record ${name} is not published (expected ${shorten(expected)})`);
}

const shorten = (text: string) => (text.length > 40 ? `${text.slice(0, 37)}...` : text);

/**
 * The zone that holds a name: the first of it and its parents (two labels at least) with an SOA;
 * `exists` is false when the name itself is NXDOMAIN.
 */
async function zoneOf(dns: DnsLookups, name: string): Promise<{ readonly status: 'failed'; readonly reason: string } | { readonly status: 'found'; readonly zone: string | null; readonly exists: boolean }> {
  let exists = true;
  for (const [i, candidate] of caaLookupNames(name).entries()) {
    if (!candidate.includes('.')) break;
    const found = await dns.soa(candidate);
    if (found.status === 'failed') return found;
    if (found.status === 'found') return { status: 'found', zone: candidate, exists };
    if (i === 0 && found.status === 'nxdomain') exists = false;
  }
  return { status: 'found', zone: null, exists };
}

/**
 * The approver of an e-mail validation: the address the last validation asked (confirmed when that
 * reissue got past validation), else admin@ the domain's zone, the CA's default. Either way its
 * domain must accept mail: a null MX (RFC 7505) or a domain that does not exist cannot.
 */
export async function checkApprover(dns: DnsLookups, mainDomain: string, last: { readonly address: string; readonly passed: boolean } | null): Promise<ReadinessCheck> {
  let address = last?.address ?? null;
  let origin: string;
  if (address !== null) {
    origin = last?.passed ? 'the approver of the last validation, which it confirmed' : 'asked at the last validation, which it has not confirmed';
  } else {
    const base = canonicalName(isWildcard(mainDomain) ? mainDomain.slice(2) : mainDomain);
    const zone = await zoneOf(dns, base);
    if (zone.status === 'failed') return { name: `admin@${base}`, kind: 'approver', ok: null, detail: `the zone of ${base} could not be found: ${zone.reason}; the CA asks admin@ the registered domain by default` };
    const at = zone.zone ?? base;
    if (!zone.exists) {
      return { name: `admin@${at}`, kind: 'approver', ok: false, detail: `${base} does not exist in DNS (NXDOMAIN): the certificate names a host DNS does not know, which no validation can confirm` };
    }
    if (zone.zone === null) return { name: `admin@${base}`, kind: 'approver', ok: null, detail: `no DNS zone was found above ${base}; the CA asks admin@ the registered domain by default` };
    address = `admin@${at}`;
    origin = 'the CA asks admin@ the registered domain by default; confirm that someone reads it';
  }
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  const check = (ok: boolean | null, detail: string): ReadinessCheck => ({ name: address as string, kind: 'approver', ok, detail });
  const mx = await dns.mx(domain);
  if (mx.status === 'failed') return check(null, `${address} (${origin}); the mail exchangers of ${domain} could not be read: ${mx.reason}`);
  if (mx.status === 'nxdomain') return check(false, `${address}: ${domain} does not exist in DNS, so the approval message cannot be delivered`);
  if (mx.status === 'found' && mx.value.length > 0 && mx.value.every((record) => canonicalName(record.exchange) === '')) {
    return check(false, `${address}: ${domain} refuses all mail (null MX, RFC 7505), so the approval message cannot be delivered`);
  }
  return check(last?.passed === true ? true : null, `${address} (${origin})`);
}

// ---------------------------------------------------------------------------------------------
// The timeline's entries
// ---------------------------------------------------------------------------------------------

const ACTING: ReadonlySet<string> = new Set(['reissue', 'notify-client', 'manual-task']);
const BEFORE_VALIDATION: ReadonlySet<string> = new Set(['submitted', 'validating']);
/** A reissue that failed or was cancelled waits for a retry, which validates again. */
const ENDED_UNDONE: ReadonlySet<string> = new Set(['failed', 'cancelled']);

/** Entries to judge: due within `days` (overdue included), validation to redo, a reissue to come or waiting for validation. */
export function readinessCandidates(entries: readonly TimelineEntry[], today: Day, days: number): TimelineEntry[] {
  const limit = formatDay((today + days) as Day);
  return entries.filter(
    (entry) =>
      entry.revalidate.length > 0 &&
      ACTING.has(entry.action) &&
      dueDate(entry) <= limit &&
      (entry.reissue === null || BEFORE_VALIDATION.has(entry.reissue.stage) || ENDED_UNDONE.has(entry.reissue.stage) || (entry.reissue.stage === 'stuck' && BEFORE_VALIDATION.has(entry.reissue.stuckIn ?? ''))),
  );
}

export const readinessKey = (entry: Pick<TimelineEntry, 'moduleId' | 'certificateId'>) => `${entry.moduleId}:${entry.certificateId}`;

const PASSED: ReadonlySet<string> = new Set(['issued', 'collected', 'delivered', 'served']);

/** The last reissue of this certificate (or of the one it replaced) whose validation the ledger holds. */
function lastValidation(records: readonly LedgerRecord[], entry: TimelineEntry): LedgerRecord | null {
  let last: LedgerRecord | null = null;
  for (const record of records) {
    if (record.moduleId !== entry.moduleId || record.validation === null) continue;
    if (record.certificateId === entry.certificateId || record.newCertificateId === entry.certificateId) last = record;
  }
  return last;
}

interface Subject {
  readonly entry: TimelineEntry;
  readonly names: readonly string[];
  readonly issuer: CaaIssuer | null;
  readonly last: LedgerRecord | null;
}

async function judge(dns: DnsLookups, subject: Subject): Promise<Readiness> {
  const { entry, last } = subject;
  const domainToo = entry.revalidate.includes('domain');
  const caa = Promise.all(subject.names.map((name) => checkCaa(dns, name, subject.issuer)));
  const validation = last?.validation ?? null;
  const method = validation && (validation.method === 'dns' || validation.method === 'email' || validation.method === 'http') ? validation.method : null;
  const own: Promise<ReadinessCheck>[] = [];
  if (domainToo) {
    const given = (detail: string): ReadinessCheck => ({ name: entry.domain, kind: 'dns-record', ok: null, detail });
    const approver = () =>
      checkApprover(dns, entry.domain, validation?.approverEmail ? { address: validation.approverEmail, passed: last !== null && PASSED.has(last.stage) } : null);
    if (method === 'dns') {
      const pending = entry.reissue !== null && !ENDED_UNDONE.has(entry.reissue.stage) ? 'the provider has not given the record yet' : 'the record is given at submission';
      own.push(validation?.dnsRecord ? checkDnsRecord(dns, validation.dnsRecord) : Promise.resolve(given(pending)));
    } else if (method === 'email') {
      own.push(approver());
    } else if (method === 'http') {
      const path = validation?.httpFile?.path;
      const file =
        entry.reissue !== null && path ? `HTTP validation: the site must serve ${path}` : `HTTP validation: the file is given at submission${path ? ` (last time ${path})` : ''}`;
      own.push(Promise.resolve({ name: entry.domain, kind: 'http-file', ok: null, detail: `${file}; certops does not fetch it` } satisfies ReadinessCheck));
    } else {
      own.push(Promise.resolve(given('if DNS validation is chosen, the record is given at submission')));
      own.push(approver());
    }
  }
  const checks = [...(await caa), ...(await Promise.all(own))];
  return { ready: readyOf(checks, entry), method, summary: summaryOf(checks, entry), checks };
}

function readyOf(checks: readonly ReadinessCheck[], entry: TimelineEntry): boolean | null {
  if (checks.some((check) => check.ok === false)) return false;
  // Organisation validation is the CA's staff's work: nothing here can say it is ready.
  if (checks.some((check) => check.ok === null) || entry.revalidate.includes('organization')) return null;
  return true;
}

function summaryOf(checks: readonly ReadinessCheck[], entry: TimelineEntry): string {
  const failing = checks.filter((check) => check.ok === false);
  if (failing.length > 0) return `not ready: ${failing.map((check) => check.detail).join('; ')}`;
  const open = checks.filter((check) => check.ok === null).map((check) => check.detail);
  if (entry.revalidate.includes('organization')) open.push('organization validation is done by the CA and is not checked here');
  return open.length > 0 ? `not known yet: ${open.join('; ')}` : 'ready';
}

export interface ReadinessOptions extends DnsOptions {
  readonly today: Day;
  /** Entries due within this many days are judged (default 14). */
  readonly days?: number;
}

export interface ReadinessReport {
  readonly days: number;
  /** Per entry judged (readinessKey): its readiness. */
  readonly entries: ReadonlyMap<string, Readiness>;
  readonly counts: { readonly checked: number; readonly ready: number; readonly notReady: number; readonly unknown: number };
  /** DNS lookups sent (cached answers are asked once). */
  readonly lookups: number;
}

/**
 * Judges the entries of `entries` that readinessCandidates picks. Reads the inventory (products and
 * names) and the reissue ledger, both read-only; asks DNS only.
 */
export async function timelineReadiness(workspace: Workspace, entries: readonly TimelineEntry[], options: ReadinessOptions): Promise<ReadinessReport> {
  const days = options.days ?? DEFAULT_READINESS_DAYS;
  const candidates = readinessCandidates(entries, options.today, days);
  const result = new Map<string, Readiness>();
  if (candidates.length === 0) return { days, entries: result, counts: { checked: 0, ready: 0, notReady: 0, unknown: 0 }, lookups: 0 };
  const inventory = workspace.inventory.read();
  const records = new Ledger(ledgerFile(workspace)).records();
  const byModule = new Map<number, Map<string, Inventory['modules'][string]['certificates'][number]>>();
  const recordOf = (entry: TimelineEntry) => {
    let certificates = byModule.get(entry.moduleId);
    if (!certificates) {
      certificates = new Map((inventory.modules[String(entry.moduleId)]?.certificates ?? []).map((certificate) => [certificate.id, certificate]));
      byModule.set(entry.moduleId, certificates);
    }
    return certificates.get(entry.certificateId);
  };
  const dns = new DnsLookups(options);
  try {
    const judged = await Promise.all(
      candidates.map(async (entry) => {
        const record = recordOf(entry);
        const names = [...new Set([entry.domain, ...(record?.otherNames ?? [])].map(canonicalName))];
        const subject: Subject = { entry, names, issuer: caaIssuerOf(entry.provider, record?.product ?? null), last: lastValidation(records, entry) };
        return [readinessKey(entry), await judge(dns, subject)] as const;
      }),
    );
    for (const [key, readiness] of judged) result.set(key, readiness);
  } finally {
    dns.close();
  }
  const all = [...result.values()];
  return {
    days,
    entries: result,
    counts: {
      checked: all.length,
      ready: all.filter((readiness) => readiness.ready === true).length,
      notReady: all.filter((readiness) => readiness.ready === false).length,
      unknown: all.filter((readiness) => readiness.ready === null).length,
    },
    lookups: dns.sent,
  };
}
