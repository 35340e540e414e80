import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { day } from '../../src/rules/calendar.js';
import { fileLog } from '../../src/providers/log.js';
import { CertificateBook } from '../../src/providers/sandbox-kit/dataset.js';
import { startSandbox } from '../../src/providers/sandbox-kit/server.js';
import { createIspmanagerSandboxProtocol, ispmanagerSandbox, ISP_CERT_ID_BASE } from '../../src/providers/ispmanager/sandbox.js';
import { ispmanagerIntegrationSchema } from '../../src/providers/ispmanager/settings.js';
import {
  ISP_PAGE_SIZE,
  ispAltNames,
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
import { ProviderError } from '../../src/providers/types.js';
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
    expect(sandbox.book.get(Number(issued.id) - ISP_CERT_ID_BASE).csr).toBe(csr);

    const notPem = await failureOf(client.reissue({ certificate: issued, csr: 'MIIB…' }));
    expect(notPem.failure).toBe('provider-error');
    expect(notPem.message).toBe('Ispmanager (SSL) certificate.reissue failed ("Invalid value of the field "CSR"", value/csr)');
    const unknown = await failureOf(client.reissue({ certificate: { ...issued, id: '999' }, csr }));
    expect(unknown.message).toBe('Ispmanager (SSL) certificate.reissue failed ("The certificate 999 was not found", missed/elid)');

    const cancelled = records.find((r) => r.status === 'cancelled');
    if (!cancelled) throw new Error('the book has no cancelled certificate');
    expect(client.reissueSupport(cancelled)).toEqual({
      supported: false,
      reason: `the ispmanager billing reissues only issued certificates; this one is cancelled (${cancelled.providerStatus})`,
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
    expect((await failureOf(client.checkConnection())).message).toBe('the ispmanager billing account is locked ("Account is locked", auth/locked)');
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
