import * as x509 from '@peculiar/x509';
import { afterEach, describe, expect, it } from 'vitest';
import { addDays, day, formatDay } from '../../src/rules/calendar.js';
import { createLeadersslClient, type LeadersslClientOptions } from '../../src/providers/leadertelecom/client.js';
import { createLeadersslSandboxProtocol, leadertelecomSandbox, leadersslSandboxId, type LeadersslSandboxOptions } from '../../src/providers/leadertelecom/sandbox.js';
import { LEADERSSL_API_URL, LEADERSSL_SIGNUP_URL, leadertelecomIntegrationSchema } from '../../src/providers/leadertelecom/settings.js';
import {
  LEADERSSL_REISSUE_CONFIRMED,
  LEADERSSL_REISSUE_STATUS,
  formatLeadersslDcv,
  formatLeadersslTime,
  leadersslBalance,
  leadersslCertificate,
  leadersslDcv,
  leadersslDownloadBlocks,
  leadersslErrorText,
  leadersslFailureCause,
  leadersslMultiDomain,
  leadersslOrderStage,
  leadersslOrderStatus,
  leadersslPage,
  leadersslValidationNeeds,
  leadersslReissueOutcome,
  leadersslReissueSupport,
  leadersslStatus,
  leadersslValidation,
  parseLeadersslAmount,
  parseLeadersslTime,
} from '../../src/providers/leadertelecom/wire.js';
import { silentLog, type ModuleLog } from '../../src/providers/log.js';
import { providerModule } from '../../src/providers/registry.js';
import { CertificateBook } from '../../src/providers/sandbox-kit/dataset.js';
import {
  startSandbox,
  type RunningSandbox,
  type SandboxAccount,
  type SandboxProtocol,
  type SandboxRequest,
  type SandboxResponse,
} from '../../src/providers/sandbox-kit/server.js';
import { networkSettingsSchema, type ClientConfig } from '../../src/providers/settings.js';
import type { CertificateRecord, ProviderClient } from '../../src/providers/types.js';
import { makeCsr } from '../helpers/csr.js';
import { failureOf, listAll, providerConformance, TODAY } from './conformance.js';

// 230 certificates: pages of 100, 100 and 30.
providerConformance('leadertelecom', { certificates: 230, originalCsr: false });

/** The public key of a certificate and of a CSR, to see that one was issued for the other. */
const publicKeyOf = (pem: string) => Buffer.from(new x509.X509Certificate(pem).publicKey.rawData).toString('base64');
const requestKeyOf = (csr: string) => Buffer.from(new x509.Pkcs10CertificateRequest(csr).publicKey.rawData).toString('base64');
const subjectOf = (pem: string) => new x509.X509Certificate(pem).subject;

describe('LeaderSSL wire format', () => {
  it('reads ISO-8601 timestamps with an offset as the UTC day they fall on', () => {
    expect(parseLeadersslTime('2026-03-01T00:00:00+03:00')).toBe('2026-02-28');
    expect(parseLeadersslTime('2026-03-01T03:00:00+03:00')).toBe('2026-03-01');
    expect(parseLeadersslTime('2017-05-22T21:05:32+03:00')).toBe('2017-05-22');
    expect(parseLeadersslTime('2026-03-01T22:30:00.123-05:00')).toBe('2026-03-02');
    expect(parseLeadersslTime('2026-03-01T01:00:00+0300')).toBe('2026-02-28');
    expect(parseLeadersslTime('2026-03-01T23:59:59Z')).toBe('2026-03-01');
    expect(parseLeadersslTime('2026-03-01 23:59:59')).toBe('2026-03-01');
    expect(parseLeadersslTime('2026-03-01')).toBe('2026-03-01');
    expect(parseLeadersslTime('2026-02-30T00:00:00+03:00')).toBeNull();
    expect(parseLeadersslTime('2026-03-01T25:00:00Z')).toBeNull();
    expect(parseLeadersslTime('3/1/2026')).toBeNull();
    expect(parseLeadersslTime(null)).toBeNull();
    expect(parseLeadersslTime(1_772_323_200)).toBeNull();
  });

  it('writes the sandbox timestamps at +03:00 so that they read back as the same UTC day', () => {
    expect(formatLeadersslTime(day('2026-02-28'), 22 * 3600)).toBe('2026-03-01T01:00:00+03:00');
    expect(formatLeadersslTime(day('2026-02-28'), 0)).toBe('2026-02-28T03:00:00+03:00');
    for (const second of [0, 1, 3600 * 20, 3600 * 21 - 1, 3600 * 21, 86_399]) {
      expect(parseLeadersslTime(formatLeadersslTime(day('2024-12-31'), second))).toBe('2024-12-31');
    }
  });

  it('reads amounts given as numbers or strings, negative ones too', () => {
    expect(parseLeadersslAmount('1523.40')).toBe(1523.4);
    expect(parseLeadersslAmount(1523.4)).toBe(1523.4);
    expect(parseLeadersslAmount('-1832.23')).toBe(-1832.23);
    expect(parseLeadersslAmount('1,523.40')).toBe(1523.4);
    expect(parseLeadersslAmount(' 12 ')).toBe(12);
    expect(parseLeadersslAmount('12.3.4')).toBeNull();
    expect(parseLeadersslAmount('')).toBeNull();
    expect(parseLeadersslAmount(Number.NaN)).toBeNull();
    expect(parseLeadersslAmount(null)).toBeNull();
  });

  it('reads the guessed balance answer and its tolerated variants', () => {
    expect(leadersslBalance({ balance: '1523.40', currency: 'EUR' })).toEqual({ amount: 1523.4, currency: 'EUR' });
    expect(leadersslBalance({ balance: -5, currency: 'usd' })).toEqual({ amount: -5, currency: 'USD' });
    expect(leadersslBalance({ balance: '10.00' })).toEqual({ amount: 10, currency: 'EUR' });
    expect(leadersslBalance({ amount: '7.5', currency_code: 'RUB' })).toEqual({ amount: 7.5, currency: 'RUB' });
    expect(leadersslBalance({ balance: { amount: '99.90', currency: 'EUR' } })).toEqual({ amount: 99.9, currency: 'EUR' });
    expect(leadersslBalance({ available_balance: 3 })).toEqual({ amount: 3, currency: 'EUR' });
    expect(leadersslBalance({ credit: '5' })).toBeNull();
    expect(leadersslBalance([{ balance: 1 }])).toBeNull();
    expect(leadersslBalance('1523.40')).toBeNull();
  });

  it('takes error texts from JSON bodies and falls back to the raw text', () => {
    expect(leadersslErrorText('{"error": "Invalid login or password"}')).toBe('Invalid login or password');
    expect(leadersslErrorText('{"errors": {"csr": ["is invalid"]}}')).toBe('csr is invalid');
    expect(leadersslErrorText('{"errors": ["one", "two"]}')).toBe('one; two');
    expect(leadersslErrorText('<html><body><h1>502 Bad Gateway</h1></body></html>')).toBe('502 Bad Gateway');
    expect(leadersslErrorText('Access denied')).toBe('Access denied');
    expect(leadersslErrorText('x'.repeat(500))).toHaveLength(201);
  });

  it('maps statuses and error texts to causes', () => {
    expect(leadersslFailureCause(401, 'Invalid login or password')).toBe('credentials');
    expect(leadersslFailureCause(401, 'Invalid auth token')).toBe('credentials');
    expect(leadersslFailureCause(403, 'Access denied for IP address 1.2.3.4')).toBe('ip-not-allowed');
    expect(leadersslFailureCause(401, 'Your IP is not in the allow-list')).toBe('ip-not-allowed');
    expect(leadersslFailureCause(403, 'Account is locked')).toBe('account-locked');
    expect(leadersslFailureCause(403, 'Forbidden')).toBe('http-status');
    expect(leadersslFailureCause(404, 'Not found')).toBe('http-status');
    expect(leadersslFailureCause(422, 'IP address is invalid')).toBe('http-status');
    expect(leadersslFailureCause(500, '')).toBe('http-status');
  });

  it('reads list pages as a bare array or an object with a total', () => {
    expect(leadersslPage([{ id: 1 }])).toEqual({ items: [{ id: 1 }], total: null });
    expect(leadersslPage({ ssl_certificates: [], total: 230 })).toEqual({ items: [], total: 230 });
    expect(leadersslPage({ data: [{ id: 2 }], meta: { total_count: '7' } })).toEqual({ items: [{ id: 2 }], total: 7 });
    expect(leadersslPage({ ssl_certificates: [], total: -1 })).toEqual({ items: [], total: null });
    expect(leadersslPage({ error: 'nope' })).toBeNull();
    expect(leadersslPage('[]')).toBeNull();
  });

  it('maps the reference example of a list entry', () => {
    const record = leadersslCertificate({
      id: 901234,
      domain_name: 'Shop.Example.org',
      status: 'issued',
      valid_from: '2024-03-01T00:00:00+03:00',
      valid_till: '2025-03-31T23:59:59+03:00',
      nomenclature_id: 296,
    });
    expect(record).toEqual({
      id: '901234',
      mainDomain: 'shop.example.org',
      otherNames: null,
      validation: null,
      multiDomain: false,
      orderDate: null,
      validFrom: '2024-02-29',
      validTo: '2025-03-31',
      termMonths: null,
      status: 'issued',
      providerStatus: 'issued',
      product: 'nomenclature 296',
      pendingReissue: null,
    });
  });

  it('maps dates, names, terms and products defensively', () => {
    const base = { id: '7', domain_name: 'www.shop.example.com', status: 'Awaiting Validation' };
    expect(leadersslCertificate({ ...base, valid_to: '2026-05-01T10:00:00Z' })?.validTo).toBe('2026-05-01');
    expect(leadersslCertificate({ ...base, expires_at: '2026-05-01' })?.validTo).toBe('2026-05-01');
    expect(leadersslCertificate({ ...base, end_date: '2026-05-02T00:30:00+01:00' })?.validTo).toBe('2026-05-01');
    expect(leadersslCertificate({ ...base, valid_till: 'soon', end_date: '2026-05-03' })?.validTo).toBe('2026-05-03');
    const record = leadersslCertificate({ ...base, additional_domains: 'shop.example.com, WWW.shop.example.com', days: 730, product: { name: 'Sectigo OV SSL' } });
    expect(record?.otherNames).toEqual(['shop.example.com']);
    expect(record?.multiDomain).toBe(false);
    expect(record?.termMonths).toBe(24);
    expect(record?.validation).toBe('ov');
    expect(record?.product).toBe('Sectigo OV SSL');
    expect(record?.status).toBe('pending');
    expect(leadersslCertificate({ ...base, additional_domains: ['mail.shop.example.com'] })?.multiDomain).toBe(true);
    expect(leadersslCertificate({ ...base, additional_domains: '' })?.otherNames).toEqual([]);
    expect(leadersslCertificate({ ...base, period: '12', validation_type: 'EV' })).toMatchObject({ termMonths: 12, validation: 'ev' });
    expect(leadersslCertificate({ domain_name: 'a.example' })).toBeNull();
    expect(leadersslCertificate({ id: 1, domain_name: '' })).toBeNull();
    expect(leadersslCertificate('901234')).toBeNull();
  });

  it('knows the status words, validation types and multi-domain products', () => {
    expect(['issued', 'Active', 'pending', 'processing', 'awaiting_dcv', 'cancelled', 'canceled', 'refunded', 'revoked', 'expired', 'frozen'].map(leadersslStatus)).toEqual([
      'issued',
      'issued',
      'pending',
      'pending',
      'pending',
      'cancelled',
      'cancelled',
      'cancelled',
      'revoked',
      'expired',
      'unknown',
    ]);
    expect(leadersslValidation('dv', null)).toBe('dv');
    expect(leadersslValidation('organization_validation', null)).toBe('ov');
    expect(leadersslValidation(undefined, 'Sectigo EV Multi-Domain SSL')).toBe('ev');
    expect(leadersslValidation(undefined, 'Sectigo PositiveSSL')).toBe('dv');
    expect(leadersslValidation(undefined, 'Something else')).toBeNull();
    expect(leadersslMultiDomain('Sectigo PositiveSSL Multi-Domain', 'a.example', [])).toBe(true);
    expect(leadersslMultiDomain('Sectigo PositiveSSL', '*.a.example', ['a.example'])).toBe(false);
    expect(leadersslMultiDomain('Sectigo PositiveSSL', 'a.example', ['www.a.example'])).toBe(false);
    expect(leadersslMultiDomain(null, 'a.example', ['b.example'])).toBe(true);
  });

  it('maps status words to where an order stands, and tells a reissue on a listed certificate', () => {
    const words = ['issued', 'reissued', 'Active', 'reissue', 'processing', 'Awaiting Validation', 'reissue_failed', 'rejected', 'dcv-failed', 'reissue_cancelled', 'cancelled', 'refunded', 'revoked', 'expired', 'frozen'];
    expect(words.map(leadersslOrderStage)).toEqual([
      'issued',
      'issued',
      'issued',
      'validating',
      'validating',
      'validating',
      'failed',
      'failed',
      'failed',
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled',
      null,
      null,
    ]);
    expect(Object.entries(LEADERSSL_REISSUE_STATUS).map(([stage, word]) => [stage, leadersslOrderStage(word)])).toEqual([
      ['validating', 'validating'],
      ['failed', 'failed'],
      ['cancelled', 'cancelled'],
    ]);
    const inForce = { id: 7, domain_name: 'shop.example.com', valid_from: '2026-01-01', valid_till: '2026-07-01' };
    expect(leadersslCertificate({ ...inForce, status: 'reissue' })).toMatchObject({ status: 'issued', providerStatus: 'reissue', pendingReissue: '7', validTo: '2026-07-01' });
    expect(leadersslCertificate({ ...inForce, status: 'processing' })).toMatchObject({ status: 'issued', pendingReissue: '7' });
    expect(leadersslCertificate({ ...inForce, status: 'reissue_failed' })).toMatchObject({ status: 'issued', providerStatus: 'reissue_failed', pendingReissue: null });
    expect(leadersslCertificate({ ...inForce, status: 'reissue_cancelled' })).toMatchObject({ status: 'issued', pendingReissue: null });
    expect(leadersslCertificate({ ...inForce, status: 'issued' })).toMatchObject({ status: 'issued', pendingReissue: null });
    expect(leadersslCertificate({ ...inForce, status: 'cancelled' })).toMatchObject({ status: 'cancelled', pendingReissue: null });
    // A new order in progress has no dates yet: pending, and no reissue.
    expect(leadersslCertificate({ id: 8, domain_name: 'new.example.com', status: 'processing', valid_till: null })).toMatchObject({ status: 'pending', pendingReissue: null });
  });

  it('reads the guessed status answer', () => {
    expect(
      leadersslOrderStatus({ id: 1, status: 'reissue_failed', message: ' DNS record not found ', valid_from: '2026-01-01T03:00:00+03:00', valid_till: '2026-07-01T01:00:00+03:00' }),
    ).toEqual({ status: 'reissue_failed', message: 'DNS record not found', validFrom: '2026-01-01', validTo: '2026-06-30' });
    expect(leadersslOrderStatus({ state: 'issued', reason: 'done', expires_at: '2027-01-01' })).toEqual({ status: 'issued', message: 'done', validFrom: null, validTo: '2027-01-01' });
    expect(leadersslOrderStatus('processing')).toEqual({ status: 'processing', message: null, validFrom: null, validTo: null });
    expect(leadersslOrderStatus({ message: 'no status here' })).toBeNull();
    expect(leadersslOrderStatus({ status: '  ' })).toBeNull();
    expect(leadersslOrderStatus([{ status: 'issued' }])).toBeNull();
    expect(leadersslOrderStatus(null)).toBeNull();
  });

  it('reads the guessed DCV answer and maps each DCV type to what validation needs', () => {
    const entry = { domainName: 'shop.example.com', dcvStatus: 'pending', dcvEmail: null, cname: null, http: null };
    const needs = (domain: Record<string, unknown>) => leadersslValidationNeeds(leadersslDcv(formatLeadersslDcv(1, [{ ...entry, dcvType: null, ...domain }])) ?? []);
    expect(needs({ dcvType: 'CNAME_CSR_HASH', cname: { name: '_0a1b.shop.example.com', value: 'c2d3.e4f5.sectigo.com' } })).toEqual({
      method: 'dns',
      approverEmail: null,
      dnsRecord: { name: '_0a1b.shop.example.com', type: 'CNAME', value: 'c2d3.e4f5.sectigo.com' },
      httpFile: null,
      detail: 'shop.example.com: CNAME_CSR_HASH pending',
    });
    const file = { url: 'http://shop.example.com/.well-known/pki-validation/0A1B.txt', content: 'c2d3\nsectigo.com\nunique1' };
    expect(needs({ dcvType: 'HTTP_CSR_HASH', http: file })).toMatchObject({ method: 'http', httpFile: { path: '/.well-known/pki-validation/0A1B.txt', content: file.content }, dnsRecord: null });
    expect(needs({ dcvType: 'HTTPS_CSR_HASH', http: { ...file, url: file.url.replace('http:', 'https:') } })).toMatchObject({ method: 'http', httpFile: { path: '/.well-known/pki-validation/0A1B.txt' } });
    expect(needs({ dcvType: 'HTTP_CSR_HASH', http: { ...file, url: '/.well-known/pki-validation/0A1B.txt' } }).httpFile?.path).toBe('/.well-known/pki-validation/0A1B.txt');
    expect(needs({ dcvType: 'HTTP_CSR_HASH', http: { ...file, url: '0A1B.txt' } }).httpFile).toBeNull();
    expect(needs({ dcvType: 'EMAIL', dcvEmail: 'admin@example.com' })).toMatchObject({ method: 'email', approverEmail: 'admin@example.com', dnsRecord: null, httpFile: null });
    expect(needs({ dcvType: 'FAX' })).toMatchObject({ method: 'unknown', approverEmail: null, detail: 'shop.example.com: FAX pending' });
    // Several domains: the first one not validated yet, and how many more wait.
    const several = leadersslDcv({
      domains: [
        { domain_name: 'a.example.com', dcv_type: 'EMAIL', dcv_status: 'validated', dcv_email: 'admin@a.example.com' },
        { domain_name: 'B.example.com', dcv_type: 'EMAIL', dcv_status: 'pending', dcv_email: 'admin@b.example.com' },
        { domain_name: 'c.example.com', dcv_type: 'EMAIL', dcv_status: 'pending', dcv_email: 'admin@c.example.com' },
      ],
    });
    expect(leadersslValidationNeeds(several ?? [])).toMatchObject({ approverEmail: 'admin@b.example.com', detail: 'b.example.com: EMAIL pending; 1 more domain awaits validation' });
    expect(leadersslDcv([{ domain_name: 'a.example.com', dcv_type: 'EMAIL' }])).toHaveLength(1);
    expect(leadersslDcv({ domain_name: 'a.example.com', dcv_type: 'EMAIL' })).toHaveLength(1);
    expect(leadersslDcv({ domains: [] })).toBeNull();
    expect(leadersslDcv({ domains: [{ dcv_type: 'EMAIL' }] })).toBeNull();
    expect(leadersslDcv('pending')).toBeNull();
  });

  it('takes the certificate blocks of a download, in order and canonical, and nothing else', () => {
    const body64 = (fill: string) => `MII${fill.repeat(90)}`;
    const wrapped = (b64: string) => (b64.match(/.{1,76}/g) ?? []).join('\r\n');
    const body = [
      `-----BEGIN CERTIFICATE-----\r\n${wrapped(body64('A'))}\r\n-----END CERTIFICATE-----`,
      `-----BEGIN PRIVATE KEY-----\n${body64('K')}\n-----END PRIVATE KEY-----`,
      `-----BEGIN CERTIFICATE-----\n${body64('B')}\n-----END CERTIFICATE-----`,
      '-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----',
    ].join('\n');
    const blocks = leadersslDownloadBlocks(body);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toBe(['-----BEGIN CERTIFICATE-----', ...(body64('A').match(/.{1,64}/g) ?? []), '-----END CERTIFICATE-----'].join('\n'));
    expect(blocks[1]).toContain(body64('B').slice(0, 64));
    expect(blocks.join('')).not.toContain('KKKK');
    expect(leadersslDownloadBlocks('PK\u0003\u0004 a zip archive')).toEqual([]);
  });

  it('defaults a missing or blank API URL to the seed address and refuses plain http elsewhere', () => {
    const credentials = { username: 'reseller@example.net', password: 'p' };
    expect(leadertelecomIntegrationSchema.parse(credentials).apiUrl).toBe(LEADERSSL_API_URL);
    expect(leadertelecomIntegrationSchema.parse({ ...credentials, apiUrl: '' }).apiUrl).toBe(LEADERSSL_API_URL);
    expect(leadertelecomIntegrationSchema.parse({ ...credentials, apiUrl: '   ' }).apiUrl).toBe(LEADERSSL_API_URL);
    expect(leadertelecomIntegrationSchema.parse({ ...credentials, apiUrl: null }).apiUrl).toBe(LEADERSSL_API_URL);
    expect(leadertelecomIntegrationSchema.parse({ ...credentials, apiUrl: ' https://api.example.net/api/v1/ ' }).apiUrl).toBe('https://api.example.net/api/v1/');
    const refused = leadertelecomIntegrationSchema.safeParse({ ...credentials, apiUrl: 'http://api.leaderssl.com/api/v1' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe('plain http:// is refused for api.leaderssl.com: the password would travel in clear; use https://');
    expect(leadertelecomIntegrationSchema.safeParse({ ...credentials, password: '' }).success).toBe(false);
    expect(leadertelecomIntegrationSchema.safeParse({ password: 'p' }).success).toBe(false);
    expect(new URL(LEADERSSL_SIGNUP_URL).protocol).toBe('https:');
  });

  it('keeps reissue off until the call is confirmed', () => {
    expect(LEADERSSL_REISSUE_CONFIRMED).toBe(false);
    const refused = leadersslReissueSupport();
    expect(refused.supported).toBe(false);
    expect(!refused.supported && refused.reason).toMatch(/^LeaderTelecom's API has no confirmed reissue call: /);
    expect(leadersslReissueSupport(true)).toEqual({ supported: true });
    expect(leadersslReissueOutcome({ id: 500001, status: 'processing', message: 'Reissue request accepted' }, '500001')).toEqual({
      certificateId: '500001',
      message: 'Reissue request accepted',
    });
    expect(leadersslReissueOutcome(null, '42')).toEqual({ certificateId: '42', message: null });
  });
});

interface Exchange {
  readonly request: SandboxRequest;
  readonly response: SandboxResponse;
}

describe('LeaderSSL over HTTP against its sandbox', () => {
  const sandboxes: RunningSandbox[] = [];
  const clients: ProviderClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(sandboxes.splice(0).map((s) => s.stop()));
  });

  /** A sandbox with the given protocol options; every exchange is kept, unchanged, for the test to read. */
  async function start(options: LeadersslSandboxOptions & { certificates?: number; account?: Partial<SandboxAccount>; validationDelayMs?: number } = {}) {
    const { certificates = 230, account, validationDelayMs, ...protocolOptions } = options;
    const protocol = createLeadersslSandboxProtocol(protocolOptions);
    const exchanges: Exchange[] = [];
    const recording: SandboxProtocol = {
      ...protocol,
      handle: async (request, context) => {
        const response = await protocol.handle(request, context);
        exchanges.push({ request, response });
        return response;
      },
    };
    const sandbox = await startSandbox(recording, {
      account: { ...leadertelecomSandbox.account, ...account },
      book: new CertificateBook({ count: certificates, seed: 7, today: TODAY }),
      ...(validationDelayMs === undefined ? {} : { validationDelayMs }),
    });
    sandboxes.push(sandbox);
    return { sandbox, exchanges };
  }

  function client(sandbox: RunningSandbox, options: LeadersslClientOptions = {}, config: Partial<Omit<ClientConfig<unknown>, 'integration'>> = {}) {
    const integration = leadertelecomIntegrationSchema.parse(leadertelecomSandbox.integrationFor(sandbox));
    const network = networkSettingsSchema.parse({ connectTimeoutMs: 2000, totalTimeoutMs: 5000 });
    const made = createLeadersslClient({ integration, network, log: silentLog, readRetries: 2, retryDelayMs: 5, ...config }, options);
    clients.push(made);
    return made;
  }

  const paths = (exchanges: Exchange[]) => exchanges.map((e) => `${e.request.method} ${e.request.url.pathname}${e.request.url.search}`);

  it('signs in with a form body once, then sends the token only in X-AUTH-TOKEN while paging with page and per_page', async () => {
    const { sandbox, exchanges } = await start();
    const lt = client(sandbox);
    await lt.getBalance();
    const records = await listAll(lt);
    expect(records).toHaveLength(230);
    expect(paths(exchanges)).toEqual([
      'POST /api/v1/users/signin',
      'GET /api/v1/billing/balance',
      'GET /api/v1/ssl_certificates?page=1&per_page=100',
      'GET /api/v1/ssl_certificates?page=2&per_page=100',
      'GET /api/v1/ssl_certificates?page=3&per_page=100',
    ]);
    const [signIn, ...calls] = exchanges;
    expect(signIn?.request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(signIn?.request.headers.accept).toBe('application/json');
    expect(Object.fromEntries(new URLSearchParams(signIn?.request.body))).toEqual({ login: sandbox.account.username, password: sandbox.account.password });
    const token = (JSON.parse(signIn?.response.body ?? '{}') as { auth_token: string }).auth_token;
    expect(sandbox.issuedSecrets.has(token)).toBe(true);
    for (const call of calls) {
      expect(call.request.headers['x-auth-token']).toBe(token);
      expect(call.request.url.href).not.toContain(token);
      expect(call.request.url.searchParams.has('auth_token')).toBe(false);
    }
  });

  it('signs in afresh at every connection check, then makes one authenticated call, and measures both', async () => {
    const { sandbox, exchanges } = await start();
    const lt = client(sandbox);
    expect((await lt.checkConnection()).roundTripMs).toBeGreaterThan(0);
    await lt.checkConnection();
    await lt.getBalance();
    // Evidence item 9: whether the allow-list is enforced at sign-in is unknown, so the check makes one call after it.
    expect(paths(exchanges)).toEqual([
      'POST /api/v1/users/signin',
      'GET /api/v1/billing/balance',
      'POST /api/v1/users/signin',
      'GET /api/v1/billing/balance',
      'GET /api/v1/billing/balance',
    ]);
    sandbox.latencyMs = 100;
    // The round trip is the whole check's: sign-in and the call after it.
    expect((await lt.checkConnection()).roundTripMs).toBeGreaterThanOrEqual(195);
  });

  it('finds a refused IP address in the connection check when LeaderSSL enforces its allow-list only after sign-in', async () => {
    const { sandbox, exchanges } = await start({ allowList: 'after-sign-in', account: { allowedIps: ['192.0.2.44'] } });
    const failure = await failureOf(client(sandbox).checkConnection());
    expect(failure.failure).toBe('ip-not-allowed');
    expect(failure.message).toContain('"Access denied for IP address 127.0.0.1"');
    expect(paths(exchanges)).toEqual(['POST /api/v1/users/signin', 'GET /api/v1/billing/balance']);
    expect(exchanges.map((e) => e.response.status)).toEqual([200, 403]);
    // The default sandbox refuses at sign-in already: one request.
    const strict = await start({ account: { allowedIps: ['192.0.2.44'] } });
    expect((await failureOf(client(strict.sandbox).checkConnection())).failure).toBe('ip-not-allowed');
    expect(paths(strict.exchanges)).toEqual(['POST /api/v1/users/signin']);
  });

  it('reads dates written at +03:00 as UTC days, including those that fall on the next local day', async () => {
    const { sandbox, exchanges } = await start();
    const records = new Map((await listAll(client(sandbox))).map((r) => [r.id, r]));
    const raw = exchanges
      .filter((e) => e.request.url.pathname.endsWith('/ssl_certificates'))
      .flatMap((e) => (JSON.parse(e.response.body) as { ssl_certificates: { id: number; created_at: string; valid_till: string | null }[] }).ssl_certificates);
    expect(raw).toHaveLength(230);
    const shifted = raw.filter((entry) => entry.created_at.slice(0, 10) !== records.get(String(entry.id))?.orderDate);
    expect(shifted.length).toBeGreaterThan(5);
    for (const entry of shifted) {
      // 21:00–23:59 UTC is 00:00–02:59 of the next day at +03:00.
      expect(entry.created_at).toMatch(/T0[0-2]:\d\d:\d\d\+03:00$/);
      expect(records.get(String(entry.id))?.orderDate).toBe(formatDay(addDays(day(entry.created_at.slice(0, 10)), -1)));
    }
    expect(raw.every((entry) => entry.created_at.endsWith('+03:00'))).toBe(true);
  });

  it('lists bare-array answers too, page by page, with no total to report', async () => {
    const { sandbox, exchanges } = await start({ listShape: 'array' });
    const progress: (number | null)[][] = [];
    const all = [];
    for await (const page of client(sandbox).listCertificates({ onProgress: (p) => progress.push([p.listed, p.total]) })) all.push(...page);
    expect(all).toHaveLength(230);
    expect(progress).toEqual([
      [100, null],
      [200, null],
      [230, null],
    ]);
    expect(exchanges.filter((e) => e.request.url.pathname.endsWith('/ssl_certificates'))).toHaveLength(3);
  });

  it('lists an exact multiple of the page size and an empty account without a useless extra call when the total is known', async () => {
    const full = await start({ certificates: 200 });
    expect(await listAll(client(full.sandbox))).toHaveLength(200);
    expect(full.exchanges.filter((e) => e.request.url.pathname.endsWith('/ssl_certificates'))).toHaveLength(2);
    const empty = await start({ certificates: 0 });
    const progress: number[] = [];
    expect(await listAll(client(empty.sandbox), (listed) => progress.push(listed))).toEqual([]);
    expect(progress).toEqual([0]);
  });

  it('stops, rather than looping, when the server ignores the page parameter', async () => {
    const { sandbox } = await start({ listShape: 'array' });
    // The same sandbox, behind a front that drops `page`: every page is the first one.
    const inner = createLeadersslSandboxProtocol({ listShape: 'array' });
    const front = await startSandbox(
      {
        ...inner,
        handle: (request, context) => {
          const url = new URL(request.url);
          url.searchParams.delete('page');
          return inner.handle({ ...request, url }, context);
        },
      },
      { account: sandbox.account, book: sandbox.book },
    );
    sandboxes.push(front);
    const lines: string[] = [];
    const log: ModuleLog = { level: 4, write: (_level, message) => lines.push(message) };
    const records = await listAll(client(front, {}, { log }));
    expect(records).toHaveLength(100);
    expect(front.requests()).toBe(3);
    expect(lines.some((line) => line.includes('repeats certificates already listed'))).toBe(true);
  });

  it('signs in again once when the token has expired, and repeats the call', async () => {
    const { sandbox, exchanges } = await start({ tokenTtlMs: 150 });
    const lt = client(sandbox);
    await lt.checkConnection();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await lt.getBalance()).toEqual({ amount: 1523.4, currency: 'EUR' });
    expect(paths(exchanges)).toEqual([
      'POST /api/v1/users/signin',
      'GET /api/v1/billing/balance',
      'GET /api/v1/billing/balance',
      'POST /api/v1/users/signin',
      'GET /api/v1/billing/balance',
    ]);
    expect(exchanges.map((e) => e.response.status)).toEqual([200, 200, 401, 200, 200]);
  });

  it('gives up with "credentials" when even a fresh token is refused, without looping', async () => {
    const { sandbox } = await start({ tokenTtlMs: 0 });
    const failure = await failureOf(client(sandbox).getBalance());
    expect(failure.failure).toBe('credentials');
    expect(failure.message).toBe('LeaderSSL refused the session token it had just issued (billing/balance, HTTP 401) ("Invalid auth token")');
    expect(sandbox.requests()).toBe(4);
  });

  it('reports a password changed since sign-in as wrong credentials', async () => {
    const { sandbox, exchanges } = await start();
    const lt = client(sandbox);
    await lt.checkConnection();
    sandbox.faults.add('wrong-credentials');
    const failure = await failureOf(lt.getBalance());
    expect(failure.failure).toBe('credentials');
    expect(failure.message).toBe('LeaderSSL rejected the login or password ("Invalid login or password")');
    expect(failure.details.httpStatus).toBe(401);
    expect(exchanges.map((e) => e.response.status)).toEqual([200, 200, 401, 401]);
  });

  it('reports the IP allow-list on calls after sign-in too, quoting the address, without signing in again', async () => {
    const { sandbox } = await start();
    const lt = client(sandbox);
    await lt.checkConnection();
    sandbox.faults.add('ip-not-allowed');
    const before = sandbox.requests();
    const failure = await failureOf(lt.getBalance());
    expect(failure.failure).toBe('ip-not-allowed');
    expect(failure.message).toContain('"Access denied for IP address 127.0.0.1"');
    expect(failure.details.httpStatus).toBe(403);
    expect(sandbox.requests() - before).toBe(1);
  });

  it('reports a locked account from its 403', async () => {
    const { sandbox } = await start({ account: { locked: true } });
    const failure = await failureOf(client(sandbox).checkConnection());
    expect(failure.failure).toBe('account-locked');
    expect(failure.message).toBe('the LeaderSSL account is locked ("Account is locked")');
    expect(failure.details.httpStatus).toBe(403);
  });

  it('serves sign-in parameters from the query string and the token from auth_token as well (as the PHP client sends them)', async () => {
    const { sandbox } = await start({ certificates: 130 });
    const query = new URLSearchParams({ login: sandbox.account.username, password: sandbox.account.password });
    const signIn = await fetch(`${sandbox.url}/users/signin?${query}`, { method: 'POST', headers: { accept: 'application/json' } });
    expect(signIn.status).toBe(200);
    const { id, auth_token: token } = (await signIn.json()) as { id: number; auth_token: string };
    expect(id).toBeGreaterThan(0);
    const page = async (search: string) => {
      const response = await fetch(`${sandbox.url}/ssl_certificates?auth_token=${encodeURIComponent(token)}${search}`);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      return (await response.json()) as { ssl_certificates: unknown[]; per_page: number; total: number };
    };
    expect((await page('')).ssl_certificates).toHaveLength(25);
    expect((await page('&per_page=500')).ssl_certificates).toHaveLength(100);
    expect((await page('&per_page=100&page=2')).ssl_certificates).toHaveLength(30);
    expect((await page('&page=9')).ssl_certificates).toHaveLength(0);
    const anonymous = await fetch(`${sandbox.url}/billing/balance`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: 'Invalid auth token' });
    const wrong = await fetch(`${sandbox.url}/users/signin`, { method: 'POST', body: new URLSearchParams({ login: 'x', password: 'y' }) });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'Invalid login or password' });
    expect((await fetch(`${sandbox.url}/nothing/here`)).status).toBe(404);
  });

  it('refuses reissue without a request while the call is unconfirmed', async () => {
    const { sandbox } = await start({ certificates: 30 });
    const lt = providerModule('leadertelecom').createClient({
      integration: leadertelecomIntegrationSchema.parse(leadertelecomSandbox.integrationFor(sandbox)),
      network: networkSettingsSchema.parse({}),
      log: silentLog,
    });
    clients.push(lt);
    const record = (await listAll(lt)).find((r) => r.status === 'issued' && !r.multiDomain);
    expect(record).toBeDefined();
    if (!record) return;
    expect(lt.reissueSupport(record)).toEqual(leadersslReissueSupport(false));
    const before = sandbox.requests();
    const failure = await failureOf(lt.reissue({ certificate: record, csr: await makeCsr(record.mainDomain) }));
    expect(failure.failure).toBe('unsupported');
    expect(failure.message).toMatch(/^LeaderTelecom's API has no confirmed reissue call/);
    expect(sandbox.requests()).toBe(before);
  });

  it('reissues through the guessed call once it is confirmed: CSR in, validation, then new validity from today', async () => {
    const { sandbox, exchanges } = await start({ certificates: 30, reissueConfirmed: true });
    const lt = client(sandbox, { reissueConfirmed: true });
    const records = await listAll(lt);
    const record = records.find((r) => r.status === 'issued');
    expect(record).toBeDefined();
    if (!record) return;
    expect(lt.reissueSupport(record)).toEqual({ supported: true });
    const index = Number(record.id) - Number(leadersslSandboxId(0));
    const csr = await makeCsr(record.mainDomain);
    const outcome = await lt.reissue({ certificate: record, csr });
    expect(outcome).toEqual({ certificateId: record.id, message: 'Reissue request accepted' });
    const last = exchanges.at(-1);
    expect(`${last?.request.method} ${last?.request.url.pathname}`).toBe(`POST /api/v1/ssl_certificates/${record.id}/reissue`);
    expect(last?.request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(last?.request.body).get('csr')).toBe(csr);
    // Honest lifecycle: accepted and waiting for validation; the certificate in force stays listed.
    const accepted = sandbox.book.get(index);
    expect(accepted.reissues).toBe(1);
    expect(accepted.pending?.state).toBe('validating');
    expect(accepted.pending?.csr).toBe(csr);
    const during = (await listAll(lt)).find((r) => r.id === record.id);
    expect(during).toMatchObject({ status: 'issued', providerStatus: 'reissue', pendingReissue: record.id, validFrom: record.validFrom, validTo: record.validTo });
    expect((await lt.orderState(outcome.certificateId)).stage).toBe('validating');
    // A second reissue while the first waits is refused by the CA.
    const again = await failureOf(lt.reissue({ certificate: record, csr: await makeCsr(record.mainDomain) }));
    expect(again.message).toContain('a reissue of this certificate is already waiting for validation');
    await sandbox.validate(index);
    const after = sandbox.book.get(index);
    expect(after.csr).toBe(csr);
    expect(after.validFrom).toBe(TODAY);
    const relisted = (await listAll(lt)).find((r) => r.id === record.id);
    expect(relisted).toMatchObject({ validFrom: formatDay(TODAY), providerStatus: 'issued', pendingReissue: null });
    const done = await lt.orderState(outcome.certificateId);
    expect(done.stage).toBe('issued');
    expect(await publicKeyOf(done.certificate as string)).toEqual(await requestKeyOf(csr));
  });

  it('passes the provider refusals of a reissue on as HTTP statuses with their text, never retried', async () => {
    const { sandbox } = await start({ certificates: 30, reissueConfirmed: true });
    const lt = client(sandbox, { reissueConfirmed: true });
    const records = await listAll(lt);
    const issued = records.find((r) => r.status === 'issued');
    const notIssued = records.find((r) => r.status !== 'issued');
    expect(issued && notIssued).toBeTruthy();
    if (!issued || !notIssued) return;
    let failure = await failureOf(lt.reissue({ certificate: issued, csr: 'not a CSR' }));
    expect(failure.failure).toBe('http-status');
    expect(failure.details.httpStatus).toBe(422);
    expect(failure.message).toBe(`ssl_certificates/${issued.id}/reissue: LeaderSSL answered HTTP 422 ("CSR is invalid")`);
    failure = await failureOf(lt.reissue({ certificate: notIssued, csr: await makeCsr(notIssued.mainDomain) }));
    expect(failure.message).toContain(`("Certificate cannot be reissued: the certificate is ${notIssued.providerStatus}")`);
    failure = await failureOf(lt.reissue({ certificate: { ...issued, id: '999' }, csr: await makeCsr(issued.mainDomain) }));
    expect(failure.details.httpStatus).toBe(404);
    expect(failure.message).toContain('("Certificate not found")');
    sandbox.faults.add('http-500');
    const before = sandbox.requests();
    failure = await failureOf(lt.reissue({ certificate: issued, csr: await makeCsr(issued.mainDomain) }));
    expect(failure.message).toBe(`ssl_certificates/${issued.id}/reissue: LeaderSSL answered HTTP 500 (a server error on its side) ("500 Internal Server Error")`);
    expect(sandbox.requests() - before).toBe(1);
  });

  it('finds no reissue route on a server without it (the sandbox with the flag off)', async () => {
    const { sandbox } = await start({ certificates: 30 });
    const lt = client(sandbox, { reissueConfirmed: true });
    const record = (await listAll(lt)).find((r) => r.status === 'issued');
    if (!record) throw new Error('no issued certificate');
    const failure = await failureOf(lt.reissue({ certificate: record, csr: await makeCsr(record.mainDomain) }));
    expect(failure.failure).toBe('http-status');
    expect(failure.details.httpStatus).toBe(404);
    expect(sandbox.book.get(Number(record.id) - Number(leadersslSandboxId(0))).reissues).toBe(0);
  });

  it('carries other names, products and terms through to the records', async () => {
    const { sandbox } = await start({ certificates: 60 });
    const records = await listAll(client(sandbox));
    expect(records.every((r) => r.otherNames !== null && r.product !== null && r.validation !== null)).toBe(true);
    for (const record of records) {
      const cert = sandbox.book.get(Number(record.id) - Number(leadersslSandboxId(0)));
      expect(record.termMonths).toBe(cert.termYears * 12);
      expect(record.product).toMatch(cert.multiDomain ? /Multi-Domain/ : /^Sectigo (PositiveSSL|OV SSL|EV SSL)$/);
      if (cert.status !== 'pending') expect(record.validFrom).toBe(formatDay(cert.validFrom));
      else expect([record.validFrom, record.validTo]).toEqual([null, null]);
    }
    expect(records.some((r) => r.multiDomain)).toBe(true);
    expect(records.some((r) => !r.multiDomain && (r.otherNames?.length ?? 0) > 0)).toBe(true);
  });

  /** The book index behind a listed certificate. */
  const indexOf = (record: CertificateRecord) => Number(record.id) - Number(leadersslSandboxId(0));
  /** The validation method the book asks for at a certificate's reissue number `number` (DNS, HTTP, e-mail in turn). */
  const methodAt = (index: number, number: number) => (['dns', 'http', 'email'] as const)[(index + number) % 3];
  const certificatePath = (id: string, action: string) => `GET /api/v1/ssl_certificates/${id}/${action}`;

  it('follows a reissue begun in the panel: /status and /dcv while validating, /status and /download once issued, never the file before', async () => {
    const { sandbox, exchanges } = await start({ certificates: 40 });
    const lt = client(sandbox);
    const issued = (await listAll(lt)).filter((r) => r.status === 'issued');
    const picks = (['dns', 'http', 'email'] as const).map((method) => issued.find((r) => methodAt(indexOf(r), 1) === method) as CertificateRecord);
    const ca = await sandbox.ca();
    for (const record of picks) {
      const index = indexOf(record);
      const result = await sandbox.panelReissue(index);
      if ('refused' in result) throw new Error(result.refused);
      const listed = (await listAll(lt)).find((r) => r.id === record.id);
      // The certificate in force stays listed with its dates; the reissue keeps its id.
      expect(listed).toMatchObject({ status: 'issued', providerStatus: 'reissue', pendingReissue: record.id, validFrom: record.validFrom, validTo: record.validTo });
      const from = exchanges.length;
      const waiting = await lt.orderState(record.id);
      expect(paths(exchanges.slice(from))).toEqual([certificatePath(record.id, 'status'), certificatePath(record.id, 'dcv')]);
      expect(waiting).toMatchObject({ certificateId: record.id, stage: 'validating', providerStatus: 'reissue', reason: 'Awaiting domain control validation', certificate: null, chain: [], validFrom: null, validTo: null });
      const asked = sandbox.book.get(index).pending?.validation;
      if (!asked) throw new Error('no validation');
      const expected = {
        dns: { method: 'dns', approverEmail: null, dnsRecord: { name: asked.dnsName, type: 'CNAME', value: asked.dnsValue }, httpFile: null, detail: `${record.mainDomain}: CNAME_CSR_HASH pending` },
        http: { method: 'http', approverEmail: null, dnsRecord: null, httpFile: { path: asked.httpPath, content: asked.httpContent }, detail: `${record.mainDomain}: HTTP_CSR_HASH pending` },
        email: { method: 'email', approverEmail: asked.approverEmail, dnsRecord: null, httpFile: null, detail: `${record.mainDomain}: EMAIL pending` },
      }[asked.method];
      expect(waiting.validation).toEqual(expected);

      await sandbox.validate(index);
      const at = exchanges.length;
      const done = await lt.orderState(record.id);
      expect(paths(exchanges.slice(at))).toEqual([certificatePath(record.id, 'status'), certificatePath(record.id, 'download')]);
      // The sandbox's file ends with the root; the client leaves it out.
      expect(leadersslDownloadBlocks(exchanges.at(-1)?.response.body ?? '')).toHaveLength(3);
      expect(done).toMatchObject({ stage: 'issued', providerStatus: 'issued', validation: null, validFrom: formatDay(TODAY), validTo: formatDay(sandbox.book.get(index).validTo) });
      expect(publicKeyOf(done.certificate as string)).toBe(requestKeyOf(result.pending?.csr as string));
      expect(done.chain.map(subjectOf)).toEqual([subjectOf(ca.intermediatePem)]);
      expect((await listAll(lt)).find((r) => r.id === record.id)).toMatchObject({ providerStatus: 'issued', pendingReissue: null, validFrom: formatDay(TODAY) });
    }
    // The DNS pick's second reissue asks for a file over HTTPS.
    const dnsPick = picks[0] as CertificateRecord;
    expect(methodAt(indexOf(dnsPick), 2)).toBe('http');
    await sandbox.panelReissue(indexOf(dnsPick));
    const second = await lt.orderState(dnsPick.id);
    const asked = sandbox.book.get(indexOf(dnsPick)).pending?.validation;
    expect(second.validation).toMatchObject({ method: 'http', httpFile: { path: asked?.httpPath, content: asked?.httpContent }, detail: `${dnsPick.mainDomain}: HTTPS_CSR_HASH pending` });
    expect(JSON.parse(exchanges.at(-1)?.response.body ?? '{}')).toMatchObject({ domains: [{ http: { url: `https://${dnsPick.mainDomain}${asked?.httpPath}` } }] });
  });

  it('serves the certificate still in force from /download while a reissue waits, which is why the client does not ask it then', async () => {
    const { sandbox } = await start({ certificates: 30 });
    const lt = client(sandbox);
    const record = (await listAll(lt)).find((r) => r.status === 'issued') as CertificateRecord;
    const before = await lt.orderState(record.id);
    expect(before).toMatchObject({ stage: 'issued', validFrom: record.validFrom, validTo: record.validTo });
    const index = indexOf(record);
    expect(publicKeyOf(before.certificate as string)).toBe(requestKeyOf(sandbox.book.get(index).csr as string));
    const result = await sandbox.panelReissue(index);
    if ('refused' in result) throw new Error(result.refused);
    const signIn = await fetch(`${sandbox.url}/users/signin`, { method: 'POST', body: new URLSearchParams({ login: sandbox.account.username, password: sandbox.account.password }) });
    const { auth_token: token } = (await signIn.json()) as { auth_token: string };
    const file = await fetch(`${sandbox.url}/ssl_certificates/${record.id}/download`, { headers: { 'x-auth-token': token } });
    expect(file.headers.get('content-type')).toBe('application/x-pem-file');
    expect(leadersslDownloadBlocks(await file.text())[0]).toBe(before.certificate);
    expect((await lt.orderState(record.id)).certificate).toBeNull();
  });

  it('says a reissue failed or was cancelled, with the reason, while the certificate in force stays listed; a new reissue may follow', async () => {
    const { sandbox, exchanges } = await start({ certificates: 30 });
    const lt = client(sandbox);
    const [a, b] = (await listAll(lt)).filter((r) => r.status === 'issued') as [CertificateRecord, CertificateRecord];
    await sandbox.panelReissue(indexOf(a));
    await sandbox.panelReissue(indexOf(b));
    sandbox.failValidation(indexOf(a), 'the DNS record was not found');
    sandbox.failValidation(indexOf(b), 'cancelled by the customer', 'cancelled');
    const from = exchanges.length;
    const failed = await lt.orderState(a.id);
    expect(paths(exchanges.slice(from))).toEqual([certificatePath(a.id, 'status')]);
    expect(failed).toEqual({
      certificateId: a.id,
      stage: 'failed',
      providerStatus: 'reissue_failed',
      reason: 'the DNS record was not found',
      validation: null,
      certificate: null,
      chain: [],
      validFrom: null,
      validTo: null,
    });
    expect(await lt.orderState(b.id)).toMatchObject({ stage: 'cancelled', providerStatus: 'reissue_cancelled', reason: 'cancelled by the customer' });
    const listed = await listAll(lt);
    expect(listed.find((r) => r.id === a.id)).toMatchObject({ status: 'issued', providerStatus: 'reissue_failed', pendingReissue: null, validTo: a.validTo });
    expect(listed.find((r) => r.id === b.id)).toMatchObject({ status: 'issued', providerStatus: 'reissue_cancelled', pendingReissue: null, validTo: b.validTo });
    await sandbox.panelReissue(indexOf(a));
    expect((await lt.orderState(a.id)).stage).toBe('validating');
  });

  it('completes a reissue by itself when the sandbox validates after a delay', async () => {
    const { sandbox } = await start({ certificates: 30, reissueConfirmed: true, validationDelayMs: 40 });
    const lt = client(sandbox, { reissueConfirmed: true });
    const record = (await listAll(lt)).find((r) => r.status === 'issued') as CertificateRecord;
    const csr = await makeCsr(record.mainDomain);
    await lt.reissue({ certificate: record, csr });
    expect((await lt.orderState(record.id)).stage).toBe('validating');
    let state = await lt.orderState(record.id);
    for (let tries = 0; state.stage === 'validating' && tries < 50; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      state = await lt.orderState(record.id);
    }
    expect(state.stage).toBe('issued');
    expect(publicKeyOf(state.certificate as string)).toBe(requestKeyOf(csr));
  });

  it('gives the causes of an order-state call: unknown id, server errors retried, a status it cannot place, a file that is not PEM', async () => {
    const { sandbox } = await start({ certificates: 30 });
    const lt = client(sandbox);
    const record = (await listAll(lt)).find((r) => r.status === 'issued') as CertificateRecord;
    let failure = await failureOf(lt.orderState('999'));
    expect(failure.failure).toBe('http-status');
    expect(failure.details.httpStatus).toBe(404);
    expect(failure.message).toBe('ssl_certificates/999/status: LeaderSSL answered HTTP 404 ("Certificate not found")');
    sandbox.faults.add('http-500');
    const before = sandbox.requests();
    expect((await failureOf(lt.orderState(record.id))).failure).toBe('http-status');
    expect(sandbox.requests() - before).toBe(3);
    sandbox.faults.clear();
    // A front that answers a status word nobody placed, and a ZIP archive for the file.
    const inner = createLeadersslSandboxProtocol();
    let statusWord = 'frozen';
    const front = await startSandbox(
      {
        ...inner,
        handle: async (request, context) => {
          const response = await inner.handle(request, context);
          if (response.status !== 200) return response;
          if (request.url.pathname.endsWith('/status')) return { ...response, body: JSON.stringify({ id: 1, status: statusWord }) };
          if (request.url.pathname.endsWith('/download')) return { status: 200, contentType: 'application/zip', body: 'PK\u0003\u0004not a PEM file' };
          return response;
        },
      },
      { account: sandbox.account, book: sandbox.book },
    );
    sandboxes.push(front);
    const behind = client(front);
    failure = await failureOf(behind.orderState(record.id));
    expect(failure.failure).toBe('unexpected-response');
    expect(failure.message).toBe(`LeaderSSL ssl_certificates/${record.id}/status: the status "frozen" does not say where the order stands`);
    statusWord = 'issued';
    failure = await failureOf(behind.orderState(record.id));
    expect(failure.failure).toBe('unexpected-response');
    expect(failure.message).toMatch(/download: the answer holds no PEM certificate \(\d+ bytes, apparently a ZIP archive\)$/);
  });

  it('maps its ids for the control endpoints: a panel reissue and its validation over HTTP', async () => {
    const { sandbox } = await start({ certificates: 30 });
    expect([sandbox.indexOf(leadersslSandboxId(3)), sandbox.indexOf(leadersslSandboxId(30)), sandbox.indexOf('999'), sandbox.indexOf('abc')]).toEqual([3, null, null, null]);
    const lt = client(sandbox);
    const record = (await listAll(lt)).find((r) => r.status === 'issued') as CertificateRecord;
    const control = (path: string, body: unknown) => fetch(`${sandbox.origin}/__sandbox/${path}`, { method: 'POST', body: JSON.stringify(body) });
    expect((await control('panel-reissue', { certificateId: record.id })).status).toBe(200);
    expect((await listAll(lt)).find((r) => r.id === record.id)?.pendingReissue).toBe(record.id);
    expect((await control('validate', { certificateId: '999' })).status).toBe(404);
    expect((await control('validate', { certificateId: record.id })).status).toBe(200);
    expect((await lt.orderState(record.id)).stage).toBe('issued');
  });

  it('keeps the token and the password out of level-9 logs while following a reissue', async () => {
    const { sandbox } = await start({ certificates: 30 });
    const lines: string[] = [];
    const log: ModuleLog = { level: 9, write: (_level, message) => lines.push(message) };
    const lt = client(sandbox, {}, { log });
    const record = (await listAll(lt)).find((r) => r.status === 'issued') as CertificateRecord;
    await sandbox.panelReissue(indexOf(record));
    await lt.orderState(record.id);
    await sandbox.validate(indexOf(record));
    await lt.orderState(record.id);
    const text = lines.join('\n');
    expect(text).toContain('"status":"reissue"');
    expect(text).toContain('-----BEGIN CERTIFICATE-----');
    expect(sandbox.issuedSecrets.size).toBeGreaterThan(0);
    for (const secret of [sandbox.account.password, ...sandbox.issuedSecrets]) expect(text.includes(secret), secret).toBe(false);
  });
});
