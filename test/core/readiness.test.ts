/**
 * Validation readiness against a DNS server on loopback (test/helpers/dns-server.ts): CAA climbing
 * and judging, validation records published or not, approver addresses and their mail, lookups that
 * time out; then the timeline's entries of a synced sandbox whose reissue run left real validations
 * in the ledger.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger, ledgerFile } from '../../src/core/reissue/ledger.js';
import {
  CAA_ISSUERS,
  caaIssuerOf,
  checkApprover,
  checkCaa,
  checkDnsRecord,
  DnsLookups,
  parseDnsServer,
  readinessCandidates,
  readinessKey,
  timelineReadiness,
} from '../../src/core/readiness.js';
import { buildTimeline } from '../../src/core/timeline.js';
import { runMain } from '../helpers/cli.js';
import { startDnsServer, startSilentDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { TODAY, workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();
const stops: (() => Promise<void>)[] = [];
const lookups: DnsLookups[] = [];
afterEach(async () => {
  for (const dns of lookups.splice(0)) dns.close();
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

async function server(zone: Parameters<typeof startDnsServer>[0]): Promise<TestDnsServer> {
  const started = await startDnsServer(zone);
  stops.push(started.stop);
  return started;
}

function dnsOf(address: string, timeoutMs = 2000): DnsLookups {
  const dns = new DnsLookups({ servers: [address], timeoutMs });
  lookups.push(dns);
  return dns;
}

describe('CAA', () => {
  it('forbids, allows, refuses a critical unknown tag, and climbs to a parent only as far as the first set', async () => {
    const dns = await server({
      'other.example': [{ type: 'CAA', tag: 'issue', value: 'letsencrypt.org' }, { type: 'CAA', tag: 'iodef', value: 'mailto:pki@other.example' }],
      'right.example': [{ type: 'CAA', tag: 'issue', value: 'letsencrypt.org' }, { type: 'CAA', tag: 'issue', value: 'globalsign.com' }],
      'critical.example': [{ type: 'CAA', tag: 'issue', value: 'globalsign.com' }, { type: 'CAA', flags: 128, tag: 'tbs', value: 'unknown' }],
      'parent.example': [{ type: 'CAA', tag: 'issue', value: 'sectigo.com' }],
      'www.sub.parent.example': [{ type: 'TXT', value: 'site' }],
      'wild.example': [{ type: 'CAA', tag: 'issue', value: 'globalsign.com' }, { type: 'CAA', tag: 'issuewild', value: ';' }],
    });
    const lookups = dnsOf(dns.address);
    const globalsign = CAA_ISSUERS.globalsign;

    expect(await checkCaa(lookups, 'www.other.example', globalsign)).toEqual({
      name: 'www.other.example',
      kind: 'caa',
      ok: false,
      detail: 'CAA forbids GlobalSign: CAA at other.example allows only letsencrypt.org (issue)',
    });
    expect(await checkCaa(lookups, 'right.example', globalsign)).toMatchObject({ ok: true, detail: 'CAA allows GlobalSign: CAA at right.example: issue "globalsign.com"' });
    expect(await checkCaa(lookups, 'critical.example', globalsign)).toMatchObject({
      ok: false,
      detail: 'CAA forbids GlobalSign: CAA at critical.example has a critical property "tbs" that CAs do not know',
    });
    expect(await checkCaa(lookups, '*.wild.example', globalsign)).toMatchObject({ ok: false, detail: 'CAA forbids GlobalSign: CAA at wild.example allows no CA (issuewild ";")' });
    expect(await checkCaa(lookups, 'wild.example', globalsign)).toMatchObject({ ok: true });

    // The set on the parent decides for its children; the climb stops there.
    const before = dns.queries.length;
    expect(await checkCaa(lookups, 'www.sub.parent.example', globalsign)).toMatchObject({ ok: false, detail: 'CAA forbids GlobalSign: CAA at parent.example allows only sectigo.com (issue)' });
    expect(await checkCaa(lookups, 'www.sub.parent.example', CAA_ISSUERS.sectigo)).toMatchObject({ ok: true });
    expect(dns.queries.slice(before)).toEqual(['CAA www.sub.parent.example', 'CAA sub.parent.example', 'CAA parent.example']);

    // No set anywhere up the tree: any CA, after asking every level but the root.
    const free = dns.queries.length;
    expect(await checkCaa(lookups, 'www.free.example', globalsign)).toMatchObject({ ok: true, detail: 'no CAA record: any CA may issue for www.free.example' });
    expect(dns.queries.slice(free)).toEqual(['CAA www.free.example', 'CAA free.example', 'CAA example']);
  });

  it('says a failed lookup and an unknown CA are not known, and needs no CA where nothing restricts', async () => {
    const dns = await server({ 'locked.example': [{ type: 'CAA', tag: 'issue', value: 'letsencrypt.org' }], 'open.example': [{ type: 'CAA', tag: 'iodef', value: 'mailto:x@open.example' }] });
    dns.fail('broken.example');
    const lookups = dnsOf(dns.address);
    expect(await checkCaa(lookups, 'www.broken.example', CAA_ISSUERS.sectigo)).toEqual({
      name: 'www.broken.example',
      kind: 'caa',
      ok: null,
      detail: 'CAA of broken.example could not be read: the DNS server failed (SERVFAIL); the CA may refuse to issue until it can',
    });
    expect(await checkCaa(lookups, 'locked.example', null)).toMatchObject({ ok: null, detail: 'CAA at locked.example allows only letsencrypt.org (issue); which CA issues this product is not known' });
    expect(await checkCaa(lookups, 'open.example', null)).toMatchObject({ ok: true });
  });

  it("maps each provider's products to the CA that CAA names", () => {
    expect(caaIssuerOf('globalsign', 'DV_LOW_SHA2')).toBe(CAA_ISSUERS.globalsign);
    expect(caaIssuerOf('enom', 'SSL Certificate - RapidSSL')).toBe(CAA_ISSUERS.digicert);
    expect(caaIssuerOf('enom', 'GeoTrust True BusinessID with EV')).toBe(CAA_ISSUERS.digicert);
    expect(caaIssuerOf('enom', 'Comodo PositiveSSL')).toBe(CAA_ISSUERS.sectigo);
    expect(caaIssuerOf('ispmanager', 'GlobalSign AlphaSSL')).toBe(CAA_ISSUERS.globalsign);
    expect(caaIssuerOf('ispmanager', 'Sectigo InstantSSL')).toBe(CAA_ISSUERS.sectigo);
    expect(caaIssuerOf('leadertelecom', 'Sectigo OV SSL')).toBe(CAA_ISSUERS.sectigo);
    expect(caaIssuerOf('leadertelecom', null)).toBeNull();
    expect(CAA_ISSUERS.digicert.domains).toEqual(expect.arrayContaining(['digicert.com', 'geotrust.com', 'rapidssl.com']));
    expect(CAA_ISSUERS.sectigo.domains).toEqual(expect.arrayContaining(['sectigo.com', 'comodoca.com']));
  });
});

describe('validation records', () => {
  it('says published, a different value, or not published, for TXT and CNAME records', async () => {
    const dns = await server({
      '_dnsauth.good.example': [{ type: 'TXT', value: ['2139893d5695', 'fa1d9a4fecd7'] }],
      '_dnsauth.stale.example': [{ type: 'TXT', value: 'an-older-token' }],
      'apex.example': [{ type: 'TXT', value: 'v=spf1 -all' }, { type: 'TXT', value: 'globalsign-domain-verification=old' }],
      '_hash.cname.example': [{ type: 'CNAME', value: 'hash.token.sectigo.com' }],
      '_hash.wrong.example': [{ type: 'CNAME', value: 'elsewhere.example' }],
    });
    const lookups = dnsOf(dns.address);
    // A value split into several strings is one value (RFC 7208 §3.3 joins them the same way).
    expect(await checkDnsRecord(lookups, { name: '_dnsauth.good.example.', type: 'TXT', value: '2139893d5695fa1d9a4fecd7' })).toEqual({
      name: '_dnsauth.good.example',
      kind: 'dns-record',
      ok: true,
      detail: 'the TXT record _dnsauth.good.example is published with the expected value',
    });
    expect(await checkDnsRecord(lookups, { name: '_dnsauth.stale.example', type: 'TXT', value: 'a-new-token' })).toMatchObject({
      ok: false,
      detail: 'the TXT record _dnsauth.stale.example holds a different value (an-older-token), not the expected a-new-token',
    });
    expect(await checkDnsRecord(lookups, { name: '_dnsauth.missing.example', type: 'TXT', value: 'tok' })).toMatchObject({
      ok: false,
      detail: 'the TXT record _dnsauth.missing.example is not published (expected tok)',
    });
    // At an apex only a value of the same kind is a rival: the SPF record is not.
    expect(await checkDnsRecord(lookups, { name: 'apex.example', type: 'TXT', value: 'globalsign-domain-verification=new' })).toMatchObject({
      ok: false,
      detail: 'the TXT record apex.example holds a different value (globalsign-domain-verification=old), not the expected globalsign-domain-verification=new',
    });
    expect(await checkDnsRecord(lookups, { name: 'apex.example', type: 'TXT', value: 'plain-token' })).toMatchObject({ ok: false, detail: expect.stringContaining('is not published') });
    expect(await checkDnsRecord(lookups, { name: '_hash.cname.example', type: 'CNAME', value: 'HASH.token.sectigo.com.' })).toMatchObject({ ok: true });
    expect(await checkDnsRecord(lookups, { name: '_hash.wrong.example', type: 'CNAME', value: 'hash.token.sectigo.com' })).toMatchObject({
      ok: false,
      detail: '_hash.wrong.example is a CNAME to elsewhere.example, not hash.token.sectigo.com',
    });
    expect(await checkDnsRecord(lookups, { name: '_hash.none.example', type: 'CNAME', value: 'x.sectigo.com' })).toMatchObject({ ok: false, detail: expect.stringContaining('is not published') });
  });
});

describe('approver addresses', () => {
  it("defaults to admin@ the domain's zone, and says when its domain cannot take mail", async () => {
    const dns = await server({
      'shop.example': [{ type: 'SOA' }, { type: 'MX', preference: 10, exchange: 'mx.shop.example' }],
      'www.shop.example': [{ type: 'TXT', value: 'site' }],
      'nomail.example': [{ type: 'SOA' }, { type: 'MX', preference: 0, exchange: '.' }],
      'www.nozone.test': [{ type: 'TXT', value: 'site' }],
    });
    const lookups = dnsOf(dns.address);
    expect(await checkApprover(lookups, 'www.shop.example', null)).toEqual({
      name: 'admin@shop.example',
      kind: 'approver',
      ok: null,
      detail: 'admin@shop.example (the CA asks admin@ the registered domain by default; confirm that someone reads it)',
    });
    expect(await checkApprover(lookups, '*.nomail.example', null)).toMatchObject({
      name: 'admin@nomail.example',
      ok: false,
      detail: 'admin@nomail.example: nomail.example refuses all mail (null MX, RFC 7505), so the approval message cannot be delivered',
    });
    expect(await checkApprover(lookups, 'www.shop.example', { address: 'hostmaster@shop.example', passed: true })).toMatchObject({
      name: 'hostmaster@shop.example',
      ok: true,
      detail: 'hostmaster@shop.example (the approver of the last validation, which it confirmed)',
    });
    expect(await checkApprover(lookups, 'www.shop.example', { address: 'admin@gone.example', passed: true })).toMatchObject({
      ok: false,
      detail: 'admin@gone.example: gone.example does not exist in DNS, so the approval message cannot be delivered',
    });
    // A host the zone does not hold: the default approver is still the zone's, but nothing can validate the name.
    expect(await checkApprover(lookups, 'gone.shop.example', null)).toEqual({
      name: 'admin@shop.example',
      kind: 'approver',
      ok: false,
      detail: 'gone.shop.example does not exist in DNS (NXDOMAIN): the certificate names a host DNS does not know, which no validation can confirm',
    });
    // Names that exist with no SOA anywhere up the tree (but the top label): not known.
    expect(await checkApprover(lookups, 'www.nozone.test', null)).toMatchObject({ name: 'admin@www.nozone.test', ok: null, detail: expect.stringContaining('no DNS zone was found above www.nozone.test') });
  });
});

describe('DNS servers that do not answer', () => {
  it('time each lookup out (ok null), and stop being waited for after a few', async () => {
    const silent = await startSilentDnsServer();
    stops.push(silent.stop);
    const lookups = new DnsLookups({ servers: [silent.address], timeoutMs: 300, concurrency: 2 });
    const started = Date.now();
    const checks = await Promise.all(['a.example', 'b.example', 'c.example', 'd.example', 'e.example', 'f.example'].map((name) => checkCaa(lookups, name, CAA_ISSUERS.globalsign)));
    const elapsed = Date.now() - started;
    lookups.close();
    for (const check of checks) expect(check.ok).toBeNull();
    expect(checks[0]?.detail).toBe('CAA of a.example could not be read: timed out; the CA may refuse to issue until it can');
    expect(checks[5]?.detail).toMatch(/^CAA of f\.example could not be read: the DNS servers do not answer \([34] lookups in a row timed out\); the CA may refuse to issue until it can$/);
    // Two waves of two lookups wait; from the third timeout on, the others fail at once.
    expect(elapsed).toBeGreaterThanOrEqual(550);
    expect(elapsed).toBeLessThan(3000);
    expect(lookups.sent).toBe(4);
    expect(silent.queries()).toBe(4);
  });

  it('wait two full waves for servers that stop answering after they answered', async () => {
    const dns = await server({ 'a.example': [{ type: 'CAA', tag: 'issue', value: 'globalsign.com' }] });
    const lookups = new DnsLookups({ servers: [dns.address], timeoutMs: 300, concurrency: 2 });
    expect((await checkCaa(lookups, 'a.example', CAA_ISSUERS.globalsign)).ok).toBe(true);
    dns.mute();
    const checks = await Promise.all(['b.example', 'c.example', 'd.example', 'e.example', 'f.example', 'g.example', 'h.example'].map((name) => checkCaa(lookups, name, CAA_ISSUERS.globalsign)));
    lookups.close();
    // Two waves of two time out; a lookup started while the last of them was still waiting may make a fifth.
    const timedOut = checks.map((check) => /: timed out;/.test(check.detail));
    expect(timedOut.slice(0, 4)).toEqual([true, true, true, true]);
    expect(timedOut.slice(5)).toEqual([false, false]);
    expect(checks[6]?.detail).toMatch(/the DNS servers do not answer \([45] lookups in a row timed out\)/);
    expect(lookups.sent).toBe(1 + timedOut.filter(Boolean).length);
  });

  it('reads server addresses as node:dns takes them, and refuses others', () => {
    expect(parseDnsServer('127.0.0.1')).toEqual({ ok: true, value: '127.0.0.1' });
    expect(parseDnsServer('127.0.0.1:5353')).toEqual({ ok: true, value: '127.0.0.1:5353' });
    expect(parseDnsServer('::1')).toEqual({ ok: true, value: '::1' });
    expect(parseDnsServer('[::1]:53')).toEqual({ ok: true, value: '[::1]:53' });
    expect(parseDnsServer('ns1.example.com')).toMatchObject({ ok: false, error: '"ns1.example.com" is not an IP address, or ADDR:PORT ([ADDR]:PORT for IPv6)' });
    expect(parseDnsServer('127.0.0.1:70000')).toMatchObject({ ok: false, error: '"127.0.0.1:70000": the port must be 1 to 65535' });
    expect(parseDnsServer('[127.0.0.1]:53').ok).toBe(false);
  });
});

describe('timelineReadiness', { timeout: 60_000 }, () => {
  it('judges the entries due soon from the ledger of a real reissue run and what DNS shows', async () => {
    const { workspace, sandboxes } = await harness.withModules(['ispmanager'], 40);
    await workspace.store.update((data) => ({ data: { ...data, reissuePolicy: { policy: 'auto', beforeDays: 60 } }, result: undefined }));
    const dir = ['--config-dir', workspace.directory];
    expect((await runMain(['sync', ...dir])).code).toBe(0);
    const run = await runMain(['reissue', 'run', '--now', '2026-11-23', ...dir]);
    expect(run.code, run.stderr).toBe(0);

    const entries = buildTimeline(workspace, TODAY).entries;
    const candidates = readinessCandidates(entries, TODAY, 14);
    const records = new Ledger(ledgerFile(workspace)).records();
    const recordOf = (certificateId: string) => records.find((record) => record.certificateId === certificateId);
    const certificates = new Map(workspace.inventory.read().modules['1']?.certificates.map((certificate) => [certificate.id, certificate]));
    const withMethod = (method: string) => candidates.filter((entry) => recordOf(entry.certificateId)?.validation?.method === method);
    const dnsEntries = withMethod('dns');
    const emailEntries = withMethod('email');
    const httpEntries = withMethod('http');
    const untouched = candidates.filter((entry) => entry.reissue === null && entry.revalidate.includes('domain'));
    expect(dnsEntries.length).toBeGreaterThanOrEqual(2);
    expect(emailEntries.length).toBeGreaterThanOrEqual(2);
    expect(httpEntries.length).toBeGreaterThanOrEqual(1);
    expect(untouched.length).toBeGreaterThanOrEqual(1);
    // Nothing past validation is judged, nor anything due later than the window.
    for (const entry of candidates) expect(entry.revalidate.length).toBeGreaterThan(0);
    expect(readinessCandidates(entries, TODAY, 14).length).toBeLessThan(readinessCandidates(entries, TODAY, 90).length);

    const [published, stale] = dnsEntries as [(typeof dnsEntries)[number], (typeof dnsEntries)[number]];
    const publishedRecord = recordOf(published.certificateId)?.validation?.dnsRecord;
    const staleRecord = recordOf(stale.certificateId)?.validation?.dnsRecord;
    expect(publishedRecord?.type).toBe('TXT');
    const [confirmed, refusing] = emailEntries as [(typeof emailEntries)[number], (typeof emailEntries)[number]];
    const emailDomain = (entry: (typeof emailEntries)[number]) => (recordOf(entry.certificateId)?.validation?.approverEmail ?? '').split('@')[1] as string;
    const forbidden = untouched[0] as (typeof untouched)[number];
    const forbiddenBase = forbidden.domain.replace(/^www\./, '');

    const dns = await server({
      [publishedRecord?.name as string]: [{ type: 'TXT', value: publishedRecord?.value as string }],
      [staleRecord?.name as string]: [{ type: 'TXT', value: 'a-token-from-before' }],
      [emailDomain(confirmed)]: [{ type: 'SOA' }, { type: 'MX', preference: 10, exchange: `mx.${emailDomain(confirmed)}` }],
      [emailDomain(refusing)]: [{ type: 'SOA' }, { type: 'MX', preference: 0, exchange: '.' }],
      [forbiddenBase]: [{ type: 'SOA' }, { type: 'CAA', tag: 'issue', value: 'letsencrypt.org' }],
    });
    const report = await timelineReadiness(workspace, entries, { today: TODAY, servers: [dns.address], timeoutMs: 2000 });
    expect(report.days).toBe(14);
    expect([...report.entries.keys()].sort()).toEqual(candidates.map(readinessKey).sort());
    const of = (entry: (typeof candidates)[number]) => report.entries.get(readinessKey(entry));

    // The DNS validation whose record is published: every name's CAA allows the CA, the record is there.
    const publishedReadiness = of(published);
    expect(publishedReadiness?.method).toBe('dns');
    expect(publishedReadiness?.checks.find((check) => check.kind === 'dns-record')).toEqual({
      name: publishedRecord?.name,
      kind: 'dns-record',
      ok: true,
      detail: `the TXT record ${publishedRecord?.name} is published with the expected value`,
    });
    const names = [published.domain, ...(certificates.get(published.certificateId)?.otherNames ?? [])];
    expect(publishedReadiness?.checks.filter((check) => check.kind === 'caa').map((check) => check.name)).toEqual(names);
    expect(publishedReadiness?.ready).toBe(published.revalidate.includes('organization') ? null : true);

    expect(of(stale)).toMatchObject({ ready: false, method: 'dns', summary: expect.stringContaining(`not ready: the TXT record ${staleRecord?.name} holds a different value (a-token-from-before)`) });

    // E-mail: the address the CA asked, not confirmed yet; a domain with a null MX cannot get it.
    expect(of(confirmed)?.checks.find((check) => check.kind === 'approver')).toMatchObject({
      name: recordOf(confirmed.certificateId)?.validation?.approverEmail,
      ok: null,
      detail: expect.stringContaining('asked at the last validation, which it has not confirmed'),
    });
    expect(of(refusing)).toMatchObject({ ready: false, method: 'email', summary: expect.stringContaining('refuses all mail (null MX, RFC 7505)') });

    // HTTP: nothing DNS can tell.
    expect(of(httpEntries[0] as (typeof httpEntries)[number])?.checks.find((check) => check.kind === 'http-file')).toMatchObject({ ok: null });

    // Never reissued: the method is not known; the CA's CAA verdict and the default approver are.
    const verdict = of(forbidden);
    expect(verdict?.method).toBeNull();
    expect(verdict?.ready).toBe(false);
    const issuer = caaIssuerOf('ispmanager', certificates.get(forbidden.certificateId)?.product ?? null);
    expect(verdict?.checks.find((check) => check.kind === 'caa')).toMatchObject({ ok: false, detail: `CAA forbids ${issuer?.name}: CAA at ${forbiddenBase} allows only letsencrypt.org (issue)` });
    expect(verdict?.checks.find((check) => check.kind === 'dns-record')).toMatchObject({ ok: null, detail: 'if DNS validation is chosen, the record is given at submission' });
    expect(verdict?.checks.find((check) => check.kind === 'approver')).toMatchObject({ name: `admin@${forbiddenBase}`, ok: null });

    expect(report.counts.checked).toBe(candidates.length);
    expect(report.counts.ready + report.counts.notReady + report.counts.unknown).toBe(candidates.length);
    // Each name and type is asked once, whatever the number of entries sharing it.
    expect(new Set(dns.queries).size).toBe(dns.queries.length);
    expect(report.lookups).toBe(dns.queries.length);

    // A failed validation ends the reissue; the record it asked for is still what is checked next time.
    const index = [...Array(sandboxes[0]?.sandbox.book.size).keys()].find((i) => sandboxes[0]?.sandbox.book.get(i).mainDomain === stale.domain) as number;
    expect(sandboxes[0]?.sandbox.failValidation(index, 'the DNS record was not found')).not.toHaveProperty('refused');
    expect((await runMain(['reissue', 'run', '--now', '2026-11-23', ...dir])).code).toBeLessThan(2);
    expect(new Ledger(ledgerFile(workspace)).records().find((record) => record.certificateId === stale.certificateId)?.stage).toBe('failed');
    expect((await runMain(['sync', ...dir])).code).toBe(0);
    const after = buildTimeline(workspace, TODAY).entries.find((entry) => entry.certificateId === stale.certificateId);
    // The failed reissue stays on the certificate's row until retried.
    expect(after?.reissue?.stage).toBe('failed');
    const again = await timelineReadiness(workspace, after ? [after] : [], { today: TODAY, servers: [dns.address], timeoutMs: 2000 });
    expect(again.entries.get(readinessKey(stale))?.checks.find((check) => check.kind === 'dns-record')).toMatchObject({ name: staleRecord?.name, ok: false });
  });
});
