import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { day, formatDay } from '../../src/rules/calendar.js';
import { fileLog } from '../../src/providers/log.js';
import { CertificateBook } from '../../src/providers/sandbox-kit/dataset.js';
import { startSandbox } from '../../src/providers/sandbox-kit/server.js';
import { createIspmanagerSandboxProtocol, ispmanagerSandbox, ISP_CERT_ID_BASE } from '../../src/providers/ispmanager/sandbox.js';
import { splitIssuedPem } from '../../src/providers/ispmanager/client.js';
import { providerModule } from '../../src/providers/registry.js';
import type { RunningSandbox } from '../../src/providers/sandbox-kit/server.js';
import { ispmanagerIntegrationSchema } from '../../src/providers/ispmanager/settings.js';
import {
  ISP_ORDER_FUNCTION,
  ISP_PAGE_SIZE,
  ispAltNames,
  ispCertificateStatus,
  ispCertificateView,
  ispOrderStage,
  ispValidationNeeds,
  ispAttribute,
  ispAuthinfo,
  ispEndpoint,
  ispError,
  ispField,
  ispList,
  ispmanagerFailureCause,
  ispMultiDomain,
  ispStatus,
  ispText,
  ispTotal,
  ispValidation,
  parseIspAmount,
  parseIspDate,
  parseIspDocument,
  splitIspAuthinfo,
} from '../../src/providers/ispmanager/wire.js';
import { ProviderError, type CertificateRecord } from '../../src/providers/types.js';
import { makeCsr } from '../helpers/csr.js';
import { failureOf, listAll, providerConformance, providerHarness, TODAY } from './conformance.js';

// 250 certificates: pages of 100, 100 and 50.
providerConformance('ispmanager', { certificates: 250, originalCsr: false });

describe('Ispmanager (SSL) wire format', () => {
  it('joins authinfo with one colon and splits it at the first, so the password may hold ":" and "&"', () => {
    expect(ispAuthinfo('reseller@example.net', 'a:b&c=d')).toBe('reseller@example.net:a:b&c=d');
    expect(splitIspAuthinfo('reseller@example.net:a:b&c=d')).toEqual({ username: 'reseller@example.net', password: 'a:b&c=d' });
    expect(splitIspAuthinfo('reseller@example.net:')).toEqual({ username: 'reseller@example.net', password: '' });
    expect(splitIspAuthinfo('no-colon')).toBeNull();
    const form = new URLSearchParams({ func: 'whoami', authinfo: ispAuthinfo('u', 'p:w&func=evil') }).toString();
    expect(new URLSearchParams(form).get('func')).toBe('whoami');
    expect(splitIspAuthinfo(new URLSearchParams(form).get('authinfo') ?? '')?.password).toBe('p:w&func=evil');
  });

  it('reads the JSON conventions: text under "$", attributes as "$name", lists in doc.elem, the p_elems total', () => {
    const doc = parseIspDocument(
      JSON.stringify({
        doc: {
          $lang: 'en',
          user: { $name: 'reseller@example.net', $balance: '1500.00' },
          elem: [{ id: { $: '55101' }, CN: { $: 'shop.example.org' } }, 'not an element'],
          p_elems: { $: '1' },
        },
      }),
      'test',
    );
    expect(ispAttribute(doc.user, 'balance')).toBe('1500.00');
    expect(ispAttribute(doc.user, 'missing')).toBeNull();
    expect(ispList(doc.elem)).toHaveLength(1);
    expect(ispField(ispList(doc.elem)[0], 'CN')).toBe('shop.example.org');
    expect(ispField(ispList(doc.elem)[0], 'pricelist')).toBeNull();
    expect(ispTotal(doc)).toBe(1);
    // One element that a converter did not wrap in an array, bare values, and no total.
    expect(ispList({ id: { $: '1' } })).toHaveLength(1);
    expect(ispList(undefined)).toEqual([]);
    expect(ispText(42)).toBe('42');
    expect(ispText({ $: '' })).toBe('');
    expect(ispTotal({})).toBeNull();
    expect(ispTotal({ p_elems: { $: '-3' } })).toBeNull();
  });

  it('refuses answers that are not a {"doc": …} document, without quoting them', async () => {
    const html = await failureOf(Promise.resolve().then(() => parseIspDocument('<html><body>login</body></html>', 'whoami')));
    expect(html.failure).toBe('unexpected-response');
    expect(html.message).toBe('whoami: the answer (31 bytes) is HTML or XML, not JSON');
    const truncated = await failureOf(Promise.resolve().then(() => parseIspDocument('{"doc": {"user": {"$balance": "secret', 'whoami')));
    expect(truncated.message).not.toContain('secret');
    expect((await failureOf(Promise.resolve().then(() => parseIspDocument('{"result": 1}', 'whoami')))).message).toBe('whoami: the answer has no "doc" object');
  });

  it('maps doc.error types and objects to causes', () => {
    const error = (type: string, object: string, message: string) => ispmanagerFailureCause({ type, object, message });
    expect(error('auth', 'badpassword', 'Invalid username or password')).toBe('credentials');
    expect(error('invalid_login_or_passwd', '', 'Wrong login')).toBe('credentials');
    expect(error('access', 'ip', 'Access denied')).toBe('ip-not-allowed');
    expect(error('access', '', 'Access from this IP address is denied')).toBe('ip-not-allowed');
    expect(error('auth', 'locked', 'Account is locked')).toBe('account-locked');
    expect(error('access', 'disabled', 'Access denied')).toBe('account-locked');
    expect(error('auth', '', 'Your account is disabled')).toBe('account-locked');
    expect(error('access', 'func', 'Insufficient privileges to perform this operation')).toBe('provider-error');
    expect(error('value', 'csr', 'Invalid value of the field "CSR"')).toBe('provider-error');
    expect(error('missed', 'elid', 'The certificate was not found')).toBe('provider-error');
    const read = ispError({ error: { $type: 'auth', $object: 'badpassword', msg: { $: ' Invalid username or password ' } } });
    expect(read).toEqual({ type: 'auth', object: 'badpassword', message: 'Invalid username or password' });
    expect(ispError({ ok: {} })).toBeNull();
  });

  it('reads amounts with or without a currency, signs and separators', () => {
    expect(parseIspAmount('1500.00 RUB')).toEqual({ amount: 1500, currency: 'RUB' });
    expect(parseIspAmount('1500.00')).toEqual({ amount: 1500, currency: null });
    expect(parseIspAmount('-1832.23 RUB')).toEqual({ amount: -1832.23, currency: 'RUB' });
    expect(parseIspAmount('1 500,50 ₽')).toEqual({ amount: 1500.5, currency: 'RUB' });
    expect(parseIspAmount('1\u00a0500.00 руб.')).toEqual({ amount: 1500, currency: 'RUB' });
    expect(parseIspAmount('$1,500.00')).toEqual({ amount: 1500, currency: 'USD' });
    expect(parseIspAmount('-$5.10')).toEqual({ amount: -5.1, currency: 'USD' });
    expect(parseIspAmount('EUR 12.5')).toEqual({ amount: 12.5, currency: 'EUR' });
    expect(parseIspAmount('1.234,56 eur')).toEqual({ amount: 1234.56, currency: 'EUR' });
    expect(parseIspAmount('1,500')).toEqual({ amount: 1500, currency: null });
    expect(parseIspAmount('0.00')).toEqual({ amount: 0, currency: null });
    for (const bad of ['', 'RUB', '12.3.4a', 'USD 5 EUR', '--5', 'about 5 RUB', null]) expect(parseIspAmount(bad), String(bad)).toBeNull();
  });

  it('reads YYYY-MM-DD dates (with or without a time) and DD.MM.YYYY, and nothing else', () => {
    expect(parseIspDate('2026-02-15')).toBe('2026-02-15');
    expect(parseIspDate(' 2026-02-15 13:45:01 ')).toBe('2026-02-15');
    expect(parseIspDate('15.02.2026')).toBe('2026-02-15');
    expect(parseIspDate('2026-02-30')).toBeNull();
    expect(parseIspDate('0000-00-00')).toBeNull();
    expect(parseIspDate('2/15/2026')).toBeNull();
    expect(parseIspDate('')).toBeNull();
    expect(parseIspDate(null)).toBeNull();
  });

  it('maps item_status and the end date, by the provider\'s day, to statuses', () => {
    const today = '2026-11-23';
    expect(ispStatus('2', '2027-01-01', today)).toBe('issued');
    expect(ispStatus('2', '2026-11-23', today)).toBe('expired');
    expect(ispStatus('3', '2026-01-01', today)).toBe('expired');
    expect(ispStatus('3', '2027-01-01', today)).toBe('unknown');
    expect(ispStatus('1', null, today)).toBe('pending');
    expect(ispStatus('5', '2027-01-01', today)).toBe('pending');
    expect(ispStatus('4', '2020-01-01', today)).toBe('cancelled');
    expect(ispStatus('9', '2027-01-01', today)).toBe('unknown');
    expect(ispStatus(null, null, today)).toBe('unknown');
  });

  it('tells validation and multi-domain from the tariff name and the altname column', () => {
    expect(ispValidation('GlobalSign AlphaSSL')).toBe('dv');
    expect(ispValidation('RapidSSL')).toBe('dv');
    expect(ispValidation('Sectigo PositiveSSL Multi-Domain')).toBe('dv');
    expect(ispValidation('GlobalSign OrganizationSSL')).toBe('ov');
    expect(ispValidation('Sectigo InstantSSL')).toBe('ov');
    expect(ispValidation('GlobalSign ExtendedSSL')).toBe('ev');
    expect(ispValidation('Sectigo EV Multi-Domain SSL')).toBe('ev');
    expect(ispValidation('Code Signing')).toBeNull();
    expect(ispAltNames(' mail.example.com  API.example.net ')).toEqual(['mail.example.com', 'api.example.net']);
    expect(ispAltNames(null)).toEqual([]);
    expect(ispMultiDomain('GlobalSign DomainSSL', ['mail.example.com'])).toBe(true);
    expect(ispMultiDomain('Sectigo PositiveSSL Multi-Domain', [])).toBe(true);
    expect(ispMultiDomain('GlobalSign DomainSSL', [])).toBe(false);
  });

  it('needs the URL ispmanager (no default), and a user name without ":"', () => {
    expect(ispmanagerIntegrationSchema.safeParse({ username: 'u', password: 'p' }).error?.issues[0]?.message).toBe('the URL ispmanager is required');
    const parsed = ispmanagerIntegrationSchema.parse({ url: ' https://api-eu.ispmanager.com/billmgr ', username: 'reseller@example.net', password: ' p:w ' });
    expect(parsed).toEqual({ url: 'https://api-eu.ispmanager.com/billmgr', username: 'reseller@example.net', password: ' p:w ' });
    expect(ispmanagerIntegrationSchema.safeParse({ url: 'https://x/billmgr', username: 'a:b', password: 'p' }).error?.issues[0]?.message).toBe(
      'the user name cannot contain ":" (the API separates it from the password with one)',
    );
    expect(ispmanagerIntegrationSchema.safeParse({ url: 'http://api-eu.ispmanager.com/billmgr', username: 'u', password: 'p' }).success).toBe(false);
    expect(ispEndpoint('https://api-eu.ispmanager.com').href).toBe('https://api-eu.ispmanager.com/billmgr');
    expect(ispEndpoint('https://billing.example.net:1500/manager/billmgr').href).toBe('https://billing.example.net:1500/manager/billmgr');
  });
});

describe('Ispmanager (SSL) against its sandbox', () => {
  const harness = providerHarness('ispmanager', { certificates: 30 });

  /** A sandbox with one of the protocol's variants, cleaned up with the harness's. */
  async function variant(options: Parameters<typeof createIspmanagerSandboxProtocol>[0], certificates = 30, today = TODAY) {
    await harness.start({ certificates: 0 });
    const sandbox = await startSandbox(createIspmanagerSandboxProtocol(options), {
      account: ispmanagerSandbox.account,
      book: new CertificateBook({ count: certificates, seed: 7, today }),
    });
    harness.sandboxes.push(sandbox);
    return sandbox;
  }

  it('logs in with a password holding ":", "&", "=" and "%" (authinfo in a POST form)', async () => {
    const password = 'a:b&func=certificate.reissue&c=%41 d';
    const sandbox = await harness.start({ account: { password } });
    const client = harness.client(sandbox, { integration: { password } });
    expect((await client.checkConnection()).roundTripMs).toBeGreaterThan(0);
    expect((await failureOf(harness.client(sandbox, { integration: { password: 'a' } }).checkConnection())).failure).toBe('credentials');
    // The same password up to its first colon is not enough.
    expect((await failureOf(harness.client(sandbox, { integration: { password: 'a:b' } }).checkConnection())).failure).toBe('credentials');
  });

  it('completes a bare host with /billmgr', async () => {
    const sandbox = await harness.start();
    const client = harness.client(sandbox, { integration: { url: sandbox.origin } });
    expect(await client.getBalance()).toEqual({ amount: 15_000, currency: 'RUB' });
  });

  it('pages with p_num and p_cnt, following p_elems, one request per page', async () => {
    const sandbox = await harness.start({ certificates: 2 * ISP_PAGE_SIZE + 1 });
    const client = harness.client(sandbox);
    const before = sandbox.requests();
    const progress: [number, number | null][] = [];
    const pages: number[] = [];
    for await (const page of client.listCertificates({ onProgress: (p) => progress.push([p.listed, p.total]) })) pages.push(page.length);
    expect(pages).toEqual([100, 100, 1]);
    expect(progress).toEqual([
      [100, 201],
      [200, 201],
      [201, 201],
    ]);
    expect(sandbox.requests() - before).toBe(3);
  });

  it('lists an empty account with one request', async () => {
    const sandbox = await harness.start({ certificates: 0 });
    const progress: [number, number | null][] = [];
    const pages = [];
    for await (const page of harness.client(sandbox).listCertificates({ onProgress: (p) => progress.push([p.listed, p.total]) })) pages.push(page);
    expect(pages).toEqual([]);
    expect(progress).toEqual([[0, 0]]);
  });

  it('stops with an error when the billing does not honour the paging', async () => {
    const sandbox = await variant({ honourPaging: false }, 2 * ISP_PAGE_SIZE + 5);
    const failure = await failureOf(listAll(harness.client(sandbox)));
    expect(failure.failure).toBe('unexpected-response');
    expect(failure.message).toBe(`Ispmanager (SSL) certificate: page 2 repeats certificate ${ISP_CERT_ID_BASE}; the billing did not honour the paging parameters`);
  });

  it('reads the list columns: ids, tariffs, altname, dates, item_status', async () => {
    const sandbox = await harness.start({ certificates: 60 });
    const records = await listAll(harness.client(sandbox));
    for (const record of records) {
      const cert = sandbox.book.get(Number(record.id) - ISP_CERT_ID_BASE);
      expect(record.mainDomain).toBe(cert.mainDomain);
      expect(record.validation).toBe(cert.validation);
      expect(record.otherNames).toEqual(cert.multiDomain ? cert.otherNames : null);
      expect(record.product).toBeTruthy();
      expect(record.validFrom).toBeNull();
    }
    // Multi-domain certificates on a single-name tariff are told by their altname add-ons.
    expect(records.some((r) => r.multiDomain && r.product === 'GlobalSign DomainSSL')).toBe(true);
    expect(records.some((r) => !r.multiDomain && r.product === 'GlobalSign DomainSSL')).toBe(true);
    expect(new Set(records.filter((r) => r.status === 'expired').map((r) => r.providerStatus))).toEqual(new Set(['Active', 'Suspended: the certificate has expired']));
  });

  it('judges expiry by the billing\'s clock (its Date header), not this server\'s', async () => {
    // A billing whose today is long before this server's: by the local clock every end date has passed.
    const sandbox = await variant({}, 60, day('2025-03-01'));
    const records = await listAll(harness.client(sandbox));
    const issued = records.filter((r) => r.status === 'issued');
    expect(issued.length).toBeGreaterThan(0);
    for (const record of records) {
      const cert = sandbox.book.get(Number(record.id) - ISP_CERT_ID_BASE);
      expect(record.status === 'cancelled' && cert.status === 'revoked' ? 'revoked' : record.status, record.id).toBe(cert.status);
    }
  });

  it('reads the balance from whoami when subaccount is refused', async () => {
    const sandbox = await variant({ subaccount: false });
    const before = sandbox.requests();
    expect(await harness.client(sandbox).getBalance()).toEqual({ amount: 15_000, currency: 'RUB' });
    expect(sandbox.requests() - before).toBe(2);
  });

  it('reissues with elid, crt_type=csr and the PEM, and says why it cannot', async () => {
    const sandbox = await harness.start({ certificates: 60 });
    const client = harness.client(sandbox);
    const records = await listAll(client);
    const issued = records.find((r) => r.status === 'issued');
    if (!issued) throw new Error('the book has no issued certificate');
    const csr = await makeCsr(issued.mainDomain);
    expect(await client.reissue({ certificate: issued, csr })).toEqual({ certificateId: issued.id, message: null });
    // Accepted and waiting for validation (it used to be issued at once): the CSR in force is unchanged until the CA issues.
    const accepted = sandbox.book.get(Number(issued.id) - ISP_CERT_ID_BASE);
    expect(accepted.pending).toMatchObject({ state: 'validating', csr });
    expect(accepted.csr).toBeNull();
    await sandbox.validate(accepted.index);
    expect(sandbox.book.get(accepted.index).csr).toBe(csr);

    const notPem = await failureOf(client.reissue({ certificate: issued, csr: 'MIIB…' }));
    expect(notPem.failure).toBe('provider-error');
    expect(notPem.message).toBe('Ispmanager (SSL) certificate.reissue failed ("Invalid value of the field "CSR"", value/csr)');
    const unknown = await failureOf(client.reissue({ certificate: { ...issued, id: '999' }, csr }));
    expect(unknown.message).toBe('Ispmanager (SSL) certificate.reissue failed ("The certificate 999 was not found", missed/elid)');

    const cancelled = records.find((r) => r.status === 'cancelled');
    if (!cancelled) throw new Error('the book has no cancelled certificate');
    expect(client.reissueSupport(cancelled)).toEqual({
      supported: false,
      reason: `Ispmanager (SSL) reissues only issued certificates; this one is cancelled (${cancelled.providerStatus})`,
    });
    const before = sandbox.requests();
    expect((await failureOf(client.reissue({ certificate: cancelled, csr }))).failure).toBe('unsupported');
    expect(sandbox.requests()).toBe(before);
  });

  it('names the cause and the billing\'s text for each account check', async () => {
    const sandbox = await harness.start();
    const client = harness.client(sandbox);
    sandbox.faults.add('wrong-credentials');
    const wrong = await failureOf(client.checkConnection());
    expect(wrong.message).toBe(
      'Ispmanager (SSL) rejected the user name or password (with two-factor authentication on the account the API cannot log in) ("Invalid username or password", auth/badpassword)',
    );
    expect(wrong.details.providerCode).toBe('auth/badpassword');
    sandbox.faults.clear();
    sandbox.faults.add('locked');
    expect((await failureOf(client.checkConnection())).message).toBe('the Ispmanager (SSL) account is locked ("Account is locked", auth/locked)');
  });

  it('keeps the password out of level-9 logs even where the answer echoes authinfo as JSON', async () => {
    const password = 'q"uo\\te:p&ss';
    const sandbox = await harness.start({ account: { password }, certificates: 5 });
    const directory = mkdtempSync(join(tmpdir(), 'certops-ispmanager-log-'));
    const log = fileLog({ directory, logName: 'pmispmgrssl', level: 9, secrets: [password] });
    const client = harness.client(sandbox, { integration: { password }, config: { log } });
    await client.checkConnection();
    await client.getBalance();
    await listAll(client);
    const text = readdirSync(directory)
      .map((name) => readFileSync(join(directory, name), 'utf8'))
      .join('\n');
    expect(text).toContain('"authinfo":{"$":"***"}');
    for (const form of [password, JSON.stringify(password).slice(1, -1), encodeURIComponent(password), new URLSearchParams({ s: password }).toString().slice(2)]) {
      expect(text.includes(form), form).toBe(false);
    }
  });

  it('is a ProviderError for every failure, never a raw exception', async () => {
    const sandbox = await harness.start();
    sandbox.faults.add('malformed');
    const failure = await failureOf(harness.client(sandbox).getBalance());
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure.message).toBe('Ispmanager (SSL) subaccount: the answer (48 bytes) is not valid JSON');
  });
});

describe('Ispmanager (SSL) paid term', () => {
  it('reads the period column as the paid term in months', async () => {
    const { ispTermMonths } = await import('../../src/providers/ispmanager/wire.js');
    expect(ispTermMonths('24')).toBe(24);
    expect(ispTermMonths('12 months')).toBe(12);
    expect(ispTermMonths('')).toBeNull();
    expect(ispTermMonths(null)).toBeNull();
    expect(ispTermMonths('0')).toBeNull();
  });
});

describe('Ispmanager (SSL) certificate status and reissue lifecycle: wire', () => {
  it('reads the certificate status codes of sslutil.h, apart from the service status', () => {
    expect(['3', '4', '5', '6', ' 5 '].map(ispCertificateStatus)).toEqual(['requested', 'enrolled', 'issued', 'failed', 'issued']);
    for (const unused of ['0', '1', '2', '7', '', null]) expect(ispCertificateStatus(unused)).toBeNull();
    const today = '2026-11-23';
    // An active service whose certificate is requested or enrolled is being reissued; the certificate in force still serves.
    expect(ispCertificateView('2', 'requested', '2027-01-01', today)).toEqual({ status: 'issued', reissueUnderWay: true });
    expect(ispCertificateView('2', 'enrolled', '2026-11-01', today)).toEqual({ status: 'expired', reissueUnderWay: true });
    // With no end date at all it is a new order not issued yet.
    expect(ispCertificateView('2', 'requested', null, today)).toEqual({ status: 'pending', reissueUnderWay: false });
    // A failed reissue leaves the certificate in force.
    expect(ispCertificateView('2', 'failed', '2027-01-01', today)).toEqual({ status: 'issued', reissueUnderWay: false });
    expect(ispCertificateView('2', 'issued', '2027-01-01', today)).toEqual({ status: 'issued', reissueUnderWay: false });
    expect(ispCertificateView('5', 'requested', '2027-01-01', today)).toEqual({ status: 'pending', reissueUnderWay: false });
    expect(ispCertificateView('4', 'failed', '2027-01-01', today)).toEqual({ status: 'cancelled', reissueUnderWay: false });
    expect(ispCertificateView('2', null, '2027-01-01', today)).toEqual({ status: 'issued', reissueUnderWay: false });
  });

  it('tells the order stage from the certificate status, else the service status', () => {
    expect(ispOrderStage('requested', '2')).toBe('validating');
    expect(ispOrderStage('enrolled', '2')).toBe('validating');
    expect(ispOrderStage('issued', '2')).toBe('issued');
    expect(ispOrderStage('failed', '2')).toBe('failed');
    expect(ispOrderStage('failed', '4')).toBe('cancelled');
    expect(ispOrderStage(null, '5')).toBe('validating');
    expect(ispOrderStage(null, '4')).toBe('cancelled');
    expect(ispOrderStage(null, '2')).toBe('issued');
    expect(ispOrderStage(null, '9')).toBeNull();
    expect(ispOrderStage(null, null)).toBeNull();
  });

  it('reads the validation data of the form', () => {
    const v = (fields: Record<string, string>) => ispValidationNeeds(Object.fromEntries(Object.entries(fields).map(([k, value]) => [k, { $: value }])), 'waiting');
    expect(v({ approver_method: 'auth_dnstxt', auth_dnstxt_name: '_dnsauth.example.com', auth_dnstxt_value: 'abc' })).toEqual({
      method: 'dns',
      approverEmail: null,
      dnsRecord: { name: '_dnsauth.example.com', type: 'TXT', value: 'abc' },
      httpFile: null,
      detail: 'waiting',
    });
    expect(v({ approver_method: 'auth_email', approver_email: ' admin@example.com, hostmaster@example.com' })?.approverEmail).toBe('admin@example.com');
    // The file's content is kept byte for byte.
    expect(v({ approver_method: 'auth_http', auth_http_path: '/.well-known/pki-validation/A.txt', auth_http_content: 'token\nca\n' })?.httpFile).toEqual({
      path: '/.well-known/pki-validation/A.txt',
      content: 'token\nca\n',
    });
    expect(v({ approver_method: 'auth_cname' })?.method).toBe('unknown');
    expect(v({ auth_dnstxt_value: 'abc' })?.method).toBe('dns');
    expect(v({})).toBeNull();
  });

  it('takes the leaf and its chain from the PEM text, dropping the root, in any order', async () => {
    const sandbox = await startSandbox(ispmanagerSandbox.protocol, { account: ispmanagerSandbox.account, book: new CertificateBook({ count: 3, seed: 7, today: TODAY }) });
    try {
      const ca = await sandbox.ca();
      const index = [0, 1, 2].find((i) => sandbox.book.get(i).status === 'issued') as number;
      const leaf = await sandbox.book.certificatePemOf(index, ca);
      const messy = [ca.rootPem, `  ${ca.intermediatePem.replace(/\n/g, '\r\n')}`, leaf].join('\n');
      const split = splitIssuedPem(messy, 'test');
      expect(split.leaf).toBe(leaf.trim());
      expect(split.chain).toEqual([ca.intermediatePem.trim()]);
      expect(split.validFrom).toBe(formatDay(sandbox.book.get(index).validFrom));
      expect(splitIssuedPem(leaf, 'test').chain).toEqual([]);
      const none = await failureOf(Promise.resolve().then(() => splitIssuedPem('no certificate here', 'test')));
      expect([none.failure, none.message]).toEqual(['unexpected-response', 'test: the answer holds no PEM certificate']);
      const broken = await failureOf(Promise.resolve().then(() => splitIssuedPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', 'test')));
      expect(broken.message).toBe('test: a certificate in the answer does not parse as X.509');
    } finally {
      await sandbox.stop();
    }
  });
});

describe('Ispmanager (SSL) reissue lifecycle against its sandbox', () => {
  const harness = providerHarness('ispmanager', { certificates: 30 });
  const indexOf = (record: CertificateRecord) => Number(record.id) - ISP_CERT_ID_BASE;

  /** The certificate's form as the billing answers it, read without the client. */
  async function rawForm(sandbox: RunningSandbox, id: string): Promise<Record<string, { $: string }>> {
    const body = new URLSearchParams({ func: ISP_ORDER_FUNCTION, out: 'json', elid: id, authinfo: `${sandbox.account.username}:${sandbox.account.password}` });
    const response = await fetch(sandbox.url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    return ((await response.json()) as { doc: Record<string, { $: string }> }).doc;
  }

  it('shows a reissue under way in the list by the certificate status, with the end date of the certificate in force', async () => {
    const sandbox = await harness.start({ certificates: 40 });
    const client = harness.client(sandbox);
    const records = await listAll(client);
    const issued = records.filter((r) => r.status === 'issued');
    expect(issued.every((r) => r.pendingReissue === null)).toBe(true);
    const [a, b] = issued as [CertificateRecord, CertificateRecord];
    const before = sandbox.book.get(indexOf(a)).validTo;
    await client.reissue({ certificate: a, csr: await makeCsr(a.mainDomain) });
    await sandbox.panelReissue(indexOf(b));
    const during = await listAll(client);
    const listed = (record: CertificateRecord) => during.find((r) => r.id === record.id) as CertificateRecord;
    for (const record of [a, b]) {
      expect(listed(record)).toMatchObject({ status: 'issued', pendingReissue: record.id });
      expect(['Certificate reissue requested', 'Waiting for domain validation of the reissued certificate']).toContain(listed(record).providerStatus);
    }
    expect(listed(a).validTo).toBe(formatDay(before));
    expect(during.filter((r) => r.pendingReissue != null)).toHaveLength(2);
    // A second reissue is refused without a request while one is under way.
    const requests = sandbox.requests();
    expect(client.reissueSupport(listed(a))).toEqual({
      supported: false,
      reason: `a reissue of this certificate is already under way at Ispmanager (SSL) (${listed(a).providerStatus})`,
    });
    expect((await failureOf(client.reissue({ certificate: listed(a), csr: await makeCsr(a.mainDomain) }))).failure).toBe('unsupported');
    expect(sandbox.requests()).toBe(requests);
    // Asked anyway (from an older list), the billing refuses it.
    const refused = await failureOf(client.reissue({ certificate: a, csr: await makeCsr(a.mainDomain) }));
    expect(refused.message).toBe(
      'Ispmanager (SSL) certificate.reissue failed ("The certificate cannot be reissued: a reissue of this certificate is already waiting for validation", value/status)',
    );
    // A failed reissue leaves the certificate in force, with the CA's reason and nothing under way.
    sandbox.failValidation(indexOf(b), 'the approver did not answer');
    const after = (await listAll(client)).find((r) => r.id === b.id) as CertificateRecord;
    expect(after).toMatchObject({ status: 'issued', pendingReissue: null, providerStatus: 'Certificate issue failed: the approver did not answer' });
  });

  it('gives what each validation needs, never the certificate being replaced that the form still holds', async () => {
    const sandbox = await harness.start({ certificates: 40 });
    const client = harness.client(sandbox);
    const records = (await listAll(client)).filter((r) => r.status === 'issued');
    // The book asks for DNS, HTTP and e-mail in turn, by index.
    const byMethod = new Map<string, CertificateRecord>();
    for (const record of records) {
      const method = (['dns', 'http', 'email'] as const)[(indexOf(record) + 1) % 3] as string;
      if (!byMethod.has(method)) byMethod.set(method, record);
    }
    expect([...byMethod.keys()].sort()).toEqual(['dns', 'email', 'http']);
    for (const [method, record] of byMethod) {
      await client.reissue({ certificate: record, csr: await makeCsr(record.mainDomain) });
      const needs = sandbox.book.get(indexOf(record)).pending?.validation;
      const state = await client.orderState(record.id);
      expect(state).toMatchObject({ certificateId: record.id, stage: 'validating', certificate: null, chain: [], validFrom: null, validTo: null });
      expect(state.reason).toBe(state.providerStatus);
      expect(state.validation).toEqual({
        method,
        approverEmail: method === 'email' ? needs?.approverEmail : null,
        dnsRecord: method === 'dns' ? { name: needs?.dnsName, type: 'TXT', value: needs?.dnsValue } : null,
        httpFile: method === 'http' ? { path: needs?.httpPath, content: needs?.httpContent } : null,
        detail: state.providerStatus,
      });
      // The billing's form still holds the certificate in force: only an issued status makes crt the new one.
      expect((await rawForm(sandbox, record.id)).crt?.$).toContain('-----BEGIN CERTIFICATE-----');
    }
  });

  it('collects a certificate reissued in the panel: the leaf for the panel\'s key, the chain without the root, the new dates', async () => {
    const sandbox = await harness.start({ certificates: 40 });
    const client = harness.client(sandbox);
    const record = (await listAll(client)).find((r) => r.status === 'issued') as CertificateRecord;
    const index = indexOf(record);
    const started = await sandbox.panelReissue(index);
    if ('refused' in started) throw new Error(started.refused);
    expect((await client.orderState(record.id)).stage).toBe('validating');
    await sandbox.validate(index);
    const done = await client.orderState(record.id);
    const cert = sandbox.book.get(index);
    const ca = await sandbox.ca();
    expect(done).toMatchObject({
      stage: 'issued',
      reason: null,
      validation: null,
      providerStatus: 'Active (reissued)',
      certificate: cert.certificatePem?.trim(),
      chain: [ca.intermediatePem.trim()],
      validFrom: formatDay(cert.validFrom),
      validTo: formatDay(cert.validTo),
    });
    // The root the billing sends along is not in the chain.
    expect((await rawForm(sandbox, record.id)).crt?.$).toContain(ca.rootPem.trim());
    const x509 = await import('@peculiar/x509');
    const leaf = new x509.X509Certificate(done.certificate as string);
    const request = new x509.Pkcs10CertificateRequest(started.pending?.csr as string);
    expect(Buffer.from(leaf.publicKey.rawData).equals(Buffer.from(request.publicKey.rawData))).toBe(true);
  });

  it('answers an issued certificate never reissued, a new order, a cancelled reissue, a deleted service and an unknown id', async () => {
    const sandbox = await harness.start({ certificates: 60 });
    const client = harness.client(sandbox);
    const records = await listAll(client);
    const issued = records.filter((r) => r.status === 'issued');
    const first = issued[0] as CertificateRecord;
    const never = await client.orderState(first.id);
    expect(never).toMatchObject({ stage: 'issued', providerStatus: 'Active', validTo: formatDay(sandbox.book.get(indexOf(first)).validTo) });
    expect(never.certificate).toBe(sandbox.book.get(indexOf(first)).certificatePem?.trim());

    // A new account, whose orders are days old: some still wait for their first validation.
    const young = await startSandbox(ispmanagerSandbox.protocol, {
      account: ispmanagerSandbox.account,
      book: new CertificateBook({ count: 20, seed: 7, today: day('2024-01-03') }),
    });
    harness.sandboxes.push(young);
    const fresh = (await listAll(harness.client(young))).find((r) => r.status === 'pending' && r.providerStatus === 'Waiting for domain validation');
    if (!fresh) throw new Error('the book has no new order being validated');
    expect(fresh.pendingReissue).toBeNull();
    expect(await harness.client(young).orderState(fresh.id)).toMatchObject({ stage: 'validating', validation: null, certificate: null, reason: 'Waiting for domain validation' });

    const second = issued[1] as CertificateRecord;
    await client.reissue({ certificate: second, csr: await makeCsr(second.mainDomain) });
    sandbox.failValidation(indexOf(second), 'cancelled by the client', 'cancelled');
    // The billing has no cancelled certificate status: a cancelled reissue of an active service reads as failed, with the billing's words.
    expect(await client.orderState(second.id)).toMatchObject({ stage: 'failed', reason: 'Certificate order cancelled: cancelled by the client', certificate: null });

    const deleted = records.find((r) => r.status === 'cancelled');
    if (!deleted) throw new Error('the book has no deleted service');
    expect(await client.orderState(deleted.id)).toMatchObject({ stage: 'cancelled', reason: deleted.providerStatus, certificate: null });

    const unknown = await failureOf(client.orderState('999'));
    expect([unknown.failure, unknown.message]).toEqual(['provider-error', 'Ispmanager (SSL) certificate.edit failed ("The certificate 999 was not found", missed/elid)']);
  });

  it('retries orderState as a read', async () => {
    const sandbox = await harness.start();
    const client = harness.client(sandbox);
    const [record] = await listAll(client);
    sandbox.faults.add('http-500');
    const before = sandbox.requests();
    expect((await failureOf(client.orderState((record as CertificateRecord).id))).failure).toBe('http-status');
    expect(sandbox.requests() - before).toBe(3);
  });

  it('keeps the key the billing hands back in the form out of level-9 logs', async () => {
    const sandbox = await harness.start({ certificates: 10 });
    const directory = mkdtempSync(join(tmpdir(), 'certops-ispmanager-order-log-'));
    const log = fileLog({ directory, logName: 'pmispmgrssl', level: 9, secrets: [sandbox.account.password] });
    const client = harness.client(sandbox, { config: { log } });
    const record = (await listAll(client)).find((r) => r.status === 'issued') as CertificateRecord;
    expect((await client.orderState(record.id)).stage).toBe('issued');
    const key = sandbox.book.privateKeyOf(indexOf(record));
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(sandbox.issuedSecrets.has(key as string)).toBe(true);
    expect((await rawForm(sandbox, record.id)).pkey?.$).toBe(key);
    const text = readdirSync(directory)
      .map((name) => readFileSync(join(directory, name), 'utf8'))
      .join('\n');
    expect(text).toContain('-----BEGIN CERTIFICATE-----');
    expect(text).toContain('-----BEGIN PRIVATE KEY-----***-----END PRIVATE KEY-----');
    for (const line of (key as string).split('\n').filter((l) => !l.startsWith('-----'))) expect(text.includes(line), line).toBe(false);
  });
});

describe('Ispmanager (SSL) errors and balance currency', () => {
  const harness = providerHarness('ispmanager', { certificates: 5 });

  async function variant(options: Parameters<typeof createIspmanagerSandboxProtocol>[0]) {
    await harness.start({ certificates: 0 });
    const sandbox = await startSandbox(createIspmanagerSandboxProtocol(options), {
      account: ispmanagerSandbox.account,
      book: new CertificateBook({ count: 5, seed: 7, today: TODAY }),
    });
    harness.sandboxes.push(sandbox);
    return sandbox;
  }

  it.each([401, 403, 500])('reads the billing\'s error before the HTTP status %i', async (status) => {
    const sandbox = await variant({ errorHttpStatus: status });
    const wrong = await failureOf(harness.client(sandbox, { integration: { password: 'not-the-password' } }).checkConnection());
    expect(wrong.failure).toBe('credentials');
    expect(wrong.message).toBe(
      `Ispmanager (SSL) rejected the user name or password (with two-factor authentication on the account the API cannot log in) ("Invalid username or password", auth/badpassword, HTTP ${status})`,
    );
    expect(wrong.details.httpStatus).toBe(status);
    const unknown = await failureOf(harness.client(sandbox).orderState('999'));
    expect(unknown.failure).toBe('provider-error');
    // A function refused with an error status is still a reason to read the balance elsewhere.
    const refusing = await variant({ errorHttpStatus: status, subaccount: false });
    expect(await harness.client(refusing).getBalance()).toEqual({ amount: 15_000, currency: 'RUB' });
  });

  it('keeps a bad status the cause when the body is not the billing\'s document', async () => {
    const sandbox = await harness.start();
    // Outside /billmgr the sandbox answers 404 with an HTML page.
    const failure = await failureOf(harness.client(sandbox, { integration: { url: `${sandbox.origin}/elsewhere` } }).checkConnection());
    expect([failure.failure, failure.message, failure.details.httpStatus]).toEqual(['http-status', 'Ispmanager (SSL) answered HTTP 404', 404]);
  });

  it('takes the billing\'s currency, else the module\'s Currency, else reports it unknown, never failing the balance', async () => {
    const named = await harness.start();
    expect(await harness.client(named).getBalance()).toEqual({ amount: 15_000, currency: 'RUB' });
    // The billing's own word wins over the setting, which it names only as a fallback.
    expect(await harness.client(named, { integration: { currency: 'eur' } }).getBalance()).toEqual({ amount: 15_000, currency: 'RUB' });

    const bare = await variant({ bareBalance: true });
    let before = bare.requests();
    expect(await harness.client(bare, { integration: { currency: 'EUR' } }).getBalance()).toEqual({ amount: 15_000, currency: 'EUR' });
    expect(bare.requests() - before).toBe(1);
    // Without a setting, every source is asked for a currency before it is reported unknown.
    before = bare.requests();
    expect(await harness.client(bare).getBalance()).toEqual({ amount: 15_000, currency: '' });
    expect(bare.requests() - before).toBe(2);

    const whoamiOnly = await variant({ bareBalance: true, subaccount: false });
    expect(await harness.client(whoamiOnly, { integration: { currency: 'USD' } }).getBalance()).toEqual({ amount: 15_000, currency: 'USD' });
    expect(await harness.client(whoamiOnly).getBalance()).toEqual({ amount: 15_000, currency: '' });
  });

  it('has an optional Currency setting: a 3-letter code, upper-cased, blank for none', () => {
    const base = { url: 'https://api-eu.ispmanager.com/billmgr', username: 'u', password: 'p' };
    expect(ispmanagerIntegrationSchema.parse({ ...base, currency: ' eur ' }).currency).toBe('EUR');
    expect(ispmanagerIntegrationSchema.parse({ ...base, currency: '  ' }).currency).toBeUndefined();
    expect(ispmanagerIntegrationSchema.parse(base).currency).toBeUndefined();
    expect(ispmanagerIntegrationSchema.safeParse({ ...base, currency: 'EURO' }).error?.issues[0]?.message).toBe(
      'the currency must be a 3-letter ISO 4217 code, e.g. RUB, EUR or USD',
    );
    const field = providerModule('ispmanager').fields.find((f) => f.key === 'currency');
    expect(field).toMatchObject({ label: 'Currency', kind: 'text', flag: 'currency', required: false });
    expect(field?.help).toContain('used when the billing does not name the currency of the balance');
  });
});
