import { webcrypto } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as x509 from '@peculiar/x509';
import { afterEach, describe, expect, it } from 'vitest';
import { day, formatDay } from '../../src/rules/calendar.js';
import { collapseReissueChains, createGlobalsignClient, type ListedOrder } from '../../src/providers/globalsign/client.js';
import { globalsignSandbox, globalsignSandboxProtocol, originalOrderId } from '../../src/providers/globalsign/sandbox.js';
import {
  globalsignBaseUrl,
  globalsignIntegrationSchema,
  globalsignServiceUrl,
  GLOBALSIGN_DEMO_URL,
  GLOBALSIGN_PRODUCTION_URL,
} from '../../src/providers/globalsign/settings.js';
import {
  ERROR_TOO_MANY_ORDERS,
  dateRangePayload,
  formatGlobalsignDate,
  formatGlobalsignTimestamp,
  globalsignCertificatePems,
  globalsignFailureCause,
  globalsignMultiDomain,
  globalsignOrderStage,
  globalsignSanOptionType,
  globalsignStatus,
  globalsignStatusCode,
  globalsignValidation,
  globalsignVerificationXml,
  orderStatePayload,
  originalCsrPayload,
  parseGlobalsignDay,
  parseGlobalsignInstant,
  readGlobalsignBalance,
  readGlobalsignFulfillment,
  readGlobalsignOriginalCsr,
  readGlobalsignValidation,
  soapRequest,
} from '../../src/providers/globalsign/wire.js';
import { silentLog, type ModuleLog } from '../../src/providers/log.js';
import { CertificateBook } from '../../src/providers/sandbox-kit/dataset.js';
import { startSandbox, type RunningSandbox } from '../../src/providers/sandbox-kit/server.js';
import { networkSettingsSchema } from '../../src/providers/settings.js';
import type { CertificateRecord, ListProgress, ProviderClient } from '../../src/providers/types.js';
import { parseProviderXml, xmlAt, xmlList, xmlText } from '../../src/providers/xml.js';
import { EXAMPLE_CSR_LINES, EXAMPLE_CSR_PEM, makeCsr, parseCsr } from '../helpers/csr.js';
import { failureOf, listAll, providerConformance, providerHarness, TODAY } from './conformance.js';

// 1 200 certificates over 2024-01-01..2026-11-23: some forty 30-day windows of about 35 orders each.
providerConformance('globalsign', { certificates: 1200, originalCsr: true });

const ENVELOPE = 'http://schemas.xmlsoap.org/soap/envelope/';
const NS = 'https://system.globalsign.com/kb/ws/v1/';
const NIL = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"';

/**
 * Certificates for the fulfillment tests, as PEM: a root, two intermediates under it (upper, then
 * lower), a leaf under the lower one, and a stray intermediate of another root.
 */
async function makePki(): Promise<{ root: string; upper: string; lower: string; leaf: string; stray: string }> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = () => webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const validity = { notBefore: new Date(Date.UTC(2026, 0, 1)), notAfter: new Date(Date.UTC(2028, 0, 1)) };
  const selfSigned = async (name: string) => {
    const pair = await keys();
    return { pair, certificate: await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '01', name, keys: pair, signingAlgorithm: algorithm, ...validity }) };
  };
  const issue = async (subject: string, issuer: { pair: Awaited<ReturnType<typeof keys>>; certificate: x509.X509Certificate }, ca: boolean) => {
    const pair = await keys();
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: '02',
      subject,
      issuer: issuer.certificate.subject,
      publicKey: pair.publicKey,
      signingKey: issuer.pair.privateKey,
      signingAlgorithm: algorithm,
      extensions: [new x509.BasicConstraintsExtension(ca, undefined, true)],
      ...validity,
    });
    return { pair, certificate };
  };
  const root = await selfSigned('CN=Test Root R1');
  const upper = await issue('CN=Test Upper CA', root, true);
  const lower = await issue('CN=Test Lower CA', upper, true);
  const leaf = await issue('CN=www.example.com', lower, false);
  const stray = await issue('CN=Test Stray CA', await selfSigned('CN=Other Root'), true);
  const pem = (entry: { certificate: x509.X509Certificate }) => entry.certificate.toString('pem');
  return { root: pem(root), upper: pem(upper), lower: pem(lower), leaf: pem(leaf), stray: pem(stray) };
}

/** A SOAP answer as GlobalSign shapes it, for the stub servers below. */
function soapAnswer(operation: string, header: string, successCode: number, errors: string, payload = ''): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${ENVELOPE}"><soap:Body><ns2:${operation}Response xmlns:ns2="${NS}"><Response>` +
    `<${header}><SuccessCode>${successCode}</SuccessCode>${errors}<Timestamp>2026-11-24T03:04:05.678+09:00</Timestamp></${header}>${payload}</Response></ns2:${operation}Response></soap:Body></soap:Envelope>`
  );
}
const error = (code: string, message: string, field?: string) =>
  `<Error><ErrorCode>${code}</ErrorCode>${field ? `<ErrorField>${field}</ErrorField>` : ''}<ErrorMessage>${message}</ErrorMessage></Error>`;

interface Captured {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}
type StubAnswer = { status?: number; body: string; contentType?: string };

const servers: Server[] = [];
const clients: ProviderClient[] = [];
const extraSandboxes: RunningSandbox[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(extraSandboxes.splice(0).map((sandbox) => sandbox.stop()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A one-off HTTP server on loopback that answers what `respond` says and keeps every request. */
async function stub(respond: (request: Captured) => StubAnswer): Promise<{ url: string; requests: Captured[] }> {
  const requests: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const captured = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(captured);
      const answer = respond(captured);
      res.writeHead(answer.status ?? 200, { 'content-type': answer.contentType ?? 'text/xml;charset=UTF-8' }).end(answer.body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/kb/ws/v1/`, requests };
}

function client(integration: Record<string, unknown>, options: { log?: ModuleLog; readRetries?: number } = {}): ProviderClient {
  const made = createGlobalsignClient({
    integration: globalsignIntegrationSchema.parse({ username: 'PAR90001_billing', password: 'pw', ...integration }),
    network: networkSettingsSchema.parse({ connectTimeoutMs: 2000, totalTimeoutMs: 5000 }),
    log: options.log ?? silentLog,
    readRetries: options.readRetries ?? 0,
    retryDelayMs: 5,
  });
  clients.push(made);
  return made;
}

/** Posts a hand-written SOAP body to a running sandbox and parses the answer. */
async function post(sandbox: RunningSandbox, service: string, body: string) {
  const response = await fetch(`${sandbox.url}${service}`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' }, body });
  const text = await response.text();
  return { status: response.status, document: parseProviderXml(text, 'test'), text };
}

describe('GlobalSign settings', () => {
  it('defaults Demo to false and reads the words forms use for it', () => {
    expect(globalsignIntegrationSchema.parse({ username: 'u', password: 'p' }).demo).toBe(false);
    expect(globalsignIntegrationSchema.parse({ username: 'u', password: 'p', demo: 'on' }).demo).toBe(true);
    expect(globalsignIntegrationSchema.parse({ username: 'u', password: 'p', demo: 'false' }).demo).toBe(false);
    expect(globalsignIntegrationSchema.safeParse({ username: 'u', password: 'p', demo: 'maybe' }).success).toBe(false);
  });

  it('takes an IPv4 or IPv6 literal as the IP address, and an empty field as none', () => {
    expect(globalsignIntegrationSchema.parse({ username: 'u', password: 'p', ipAddress: ' 203.0.113.7 ' }).ipAddress).toBe('203.0.113.7');
    expect(globalsignIntegrationSchema.parse({ username: 'u', password: 'p', ipAddress: '2001:db8::7' }).ipAddress).toBe('2001:db8::7');
    expect(globalsignIntegrationSchema.parse({ username: 'u', password: 'p', ipAddress: '' }).ipAddress).toBeUndefined();
    for (const bad of ['203.0.113.300', 'billing.example.com', '203.0.113.7/32']) {
      const refused = globalsignIntegrationSchema.safeParse({ username: 'u', password: 'p', ipAddress: bad });
      expect(refused.success, bad).toBe(false);
      expect(refused.error?.issues[0]?.message).toBe(`the IP address "${bad}" is not an IPv4 or IPv6 address`);
    }
  });

  it('chooses the production or demo base URL, a service URL over both, the network endpoint over all', () => {
    const none = { endpoint: undefined };
    expect(globalsignBaseUrl({ demo: false, serviceUrl: undefined }, none).href).toBe(GLOBALSIGN_PRODUCTION_URL);
    expect(globalsignBaseUrl({ demo: true, serviceUrl: undefined }, none).href).toBe(GLOBALSIGN_DEMO_URL);
    expect(GLOBALSIGN_PRODUCTION_URL).toBe('https://system.globalsign.com/kb/ws/v1/');
    expect(GLOBALSIGN_DEMO_URL).toBe('https://test-gcc.globalsign.com/kb/ws/v1/');
    expect(globalsignBaseUrl({ demo: true, serviceUrl: 'https://gs-proxy.example.net/kb/ws/v1' }, none).href).toBe('https://gs-proxy.example.net/kb/ws/v1/');
    expect(globalsignBaseUrl({ demo: true, serviceUrl: 'https://gs-proxy.example.net/kb/ws/v1/' }, { endpoint: 'http://127.0.0.1:9000/gs/' }).href).toBe(
      'http://127.0.0.1:9000/gs/',
    );
    const base = globalsignBaseUrl({ demo: true, serviceUrl: undefined }, none);
    expect(globalsignServiceUrl(base, 'GASService').href).toBe('https://test-gcc.globalsign.com/kb/ws/v1/GASService');
    expect(globalsignServiceUrl(base, 'AccountService').href).toBe('https://test-gcc.globalsign.com/kb/ws/v1/AccountService');
  });

  it('refuses a plain-http service URL off loopback', () => {
    const refused = globalsignIntegrationSchema.safeParse({ username: 'u', password: 'p', serviceUrl: 'http://system.globalsign.com/kb/ws/v1/' });
    expect(refused.success).toBe(false);
  });
});

describe('GlobalSign wire format', () => {
  it('reads ISO dates with millis and an offset as UTC days', () => {
    expect(parseGlobalsignDay('2025-01-15T09:19:00.000+09:00')).toBe('2025-01-15');
    expect(parseGlobalsignDay('2025-01-15T05:00:00.000+09:00')).toBe('2025-01-14');
    expect(parseGlobalsignDay('2025-01-15T21:30:00.000-05:00')).toBe('2025-01-16');
    expect(parseGlobalsignDay('2025-01-15T23:59:59.999Z')).toBe('2025-01-15');
    expect(parseGlobalsignDay('2025-01-15T12:00:00+0530')).toBe('2025-01-15');
    expect(parseGlobalsignDay('2025-01-15T00:30:00')).toBe('2025-01-15');
    expect(parseGlobalsignInstant('2016-10-19T12:57:51.873+09:00')).toBe(Date.UTC(2016, 9, 19, 3, 57, 51, 873));
    for (const bad of ['2025-02-30T00:00:00.000Z', '2025-01-15T24:00:00Z', '15/01/2025', '', null]) expect(parseGlobalsignInstant(bad), String(bad)).toBeNull();
  });

  it('writes FromDate/ToDate as yyyy-MM-ddTHH:mm:ss.fffZ and timestamps with an offset', () => {
    expect(formatGlobalsignDate(Date.UTC(2026, 0, 1))).toBe('2026-01-01T00:00:00.000Z');
    const instant = Date.UTC(2026, 10, 23, 18, 4, 5, 6);
    expect(formatGlobalsignTimestamp(instant)).toBe('2026-11-24T03:04:05.006+09:00');
    expect(formatGlobalsignTimestamp(instant, -300)).toBe('2026-11-23T13:04:05.006-05:00');
    expect(parseGlobalsignInstant(formatGlobalsignTimestamp(instant))).toBe(instant);
  });

  it('maps error codes, not texts, to causes', () => {
    expect(globalsignFailureCause('-4001')).toBe('credentials');
    expect(globalsignFailureCause('-4201')).toBe('ip-not-allowed');
    expect(globalsignFailureCause('-9939')).toBe('account-locked');
    for (const other of ['-4016', '-4007', '-9916', '-1', '-9999']) expect(globalsignFailureCause(other)).toBe('provider-error');
  });

  it('maps status codes, product codes and SAN entries', () => {
    const now = Date.UTC(2026, 10, 23, 12);
    expect(globalsignStatus(1, null, now)).toBe('pending');
    expect(globalsignStatus(2, null, now)).toBe('pending');
    expect(globalsignStatus(3, null, now)).toBe('cancelled');
    expect(globalsignStatus(4, now + 1, now)).toBe('issued');
    expect(globalsignStatus(4, now - 1, now)).toBe('expired');
    expect(globalsignStatus(5, now + 1, now)).toBe('cancelled');
    expect(globalsignStatus(6, now + 1, now)).toBe('revoked');
    expect(globalsignStatus(7, now + 1, now)).toBe('revoked');
    expect(globalsignStatus(42, null, now)).toBe('unknown');
    expect(globalsignStatusCode(4, 7)).toBe(7);
    expect(globalsignStatusCode(1, null)).toBe(1);
    expect(globalsignValidation('DV_LOW_SHA2')).toBe('dv');
    expect(globalsignValidation('TEST_DV_SHA2')).toBe('dv');
    expect(globalsignValidation('DV_HIGH_URL_SHA2')).toBe('dv');
    expect(globalsignValidation('OV_SKIP_SHA2')).toBe('ov');
    expect(globalsignValidation('EV_SHA2')).toBe('ev');
    expect(globalsignValidation('PV_SHA2')).toBeNull();
    expect(globalsignSanOptionType('mail.example.com', 'example.com')).toBe(1);
    expect(globalsignSanOptionType('www.example.com', 'example.com')).toBe(1);
    expect(globalsignSanOptionType('shop.example.com', 'example.com')).toBe(2);
    expect(globalsignSanOptionType('203.0.113.9', 'example.com')).toBe(3);
    expect(globalsignSanOptionType('172.20.0.9', 'example.com')).toBe(4);
    expect(globalsignSanOptionType('example.org', 'example.com')).toBe(7);
    expect(globalsignSanOptionType('*.example.com', 'example.com')).toBe(13);
    expect(globalsignMultiDomain('www.example.com', ['example.com'], false)).toBe(false);
    expect(globalsignMultiDomain('example.com', ['www.example.com'], false)).toBe(false);
    expect(globalsignMultiDomain('example.com', ['mail.example.com'], false)).toBe(true);
    expect(globalsignMultiDomain('example.com', [], true)).toBe(true);
  });

  it('reads the balance from Account/Balance, or any Balance or Deposit element, in USD unless told', () => {
    const parse = (xml: string) => xmlAt(parseProviderXml(`<Response>${xml}</Response>`, 'test'), 'Response');
    expect(readGlobalsignBalance(parse('<QueryResponseHeader><SuccessCode>0</SuccessCode></QueryResponseHeader><Account><Balance>1250.00</Balance><Currency>EUR</Currency></Account>'))).toEqual({
      amount: 1250,
      currency: 'EUR',
    });
    expect(readGlobalsignBalance(parse('<AccountInfo><RemainingDeposit>-1,832.23</RemainingDeposit></AccountInfo>'))).toEqual({ amount: -1832.23, currency: 'USD' });
    expect(readGlobalsignBalance(parse('<Snapshot><DepositTotal>10</DepositTotal><AccountBalance>7.5</AccountBalance></Snapshot>'))).toEqual({ amount: 7.5, currency: 'USD' });
    expect(readGlobalsignBalance(parse('<Account><Balance>n/a</Balance></Account>'))).toBeNull();
  });

  it('sends SOAP 1.1 with SOAPAction "", the operation in the v1 namespace and the right header', async () => {
    const server = await stub((request) =>
      request.path.endsWith('/AccountService')
        ? { body: soapAnswer('AccountSnapshot', 'QueryResponseHeader', 0, '<Errors/>', '<Account><Balance>5.00</Balance></Account>') }
        : { body: soapAnswer('ReIssue', 'OrderResponseHeader', 0, '<Errors/>', '<OrderID>CE900000000042</OrderID><TargetOrderID>CE100000000007</TargetOrderID>') },
    );
    const gs = client({ serviceUrl: server.url, password: 'p<&>"w' });
    expect(await gs.getBalance()).toEqual({ amount: 5, currency: 'USD' });
    const csr = await makeCsr('www.example.com');
    const certificate: CertificateRecord = {
      id: 'CE100000000007',
      mainDomain: 'www.example.com',
      otherNames: [],
      validation: 'dv',
      multiDomain: false,
      orderDate: '2026-01-01',
      validFrom: '2026-01-01',
      validTo: '2026-07-01',
      termMonths: 12,
      status: 'issued',
      providerStatus: 'Issued (4)',
      product: 'DV_SHA2',
    };
    const outcome = await gs.reissue({ certificate, csr });
    expect(outcome.certificateId).toBe('CE900000000042');
    expect(outcome.message).toContain('CE100000000007');

    const [snapshot, reissue] = server.requests;
    for (const request of [snapshot, reissue]) {
      expect(request?.method).toBe('POST');
      expect(request?.headers['content-type']).toBe('text/xml; charset=utf-8');
      expect(request?.headers.soapaction).toBe('""');
    }
    expect(snapshot?.path).toBe('/kb/ws/v1/AccountService');
    const snapshotXml = parseProviderXml(snapshot?.body ?? '', 'test');
    expect(snapshot?.body).toContain(`xmlns:ns1="${NS}"`);
    expect(snapshot?.body).toContain('<ns1:AccountSnapshot><Request><QueryRequestHeader>');
    expect(xmlText(xmlAt(snapshotXml, 'Envelope', 'Body', 'AccountSnapshot', 'Request', 'QueryRequestHeader', 'AuthToken', 'Password'))).toBe('p<&>"w');
    expect(reissue?.path).toBe('/kb/ws/v1/GASService');
    const request = xmlAt(parseProviderXml(reissue?.body ?? '', 'test'), 'Envelope', 'Body', 'ReIssue', 'Request');
    expect(xmlText(xmlAt(request, 'OrderRequestHeader', 'AuthToken', 'UserName'))).toBe('PAR90001_billing');
    expect(xmlText(xmlAt(request, 'TargetOrderID'))).toBe('CE100000000007');
    expect(xmlText(xmlAt(request, 'HashAlgorithm'))).toBe('SHA256');
    expect(xmlText(xmlAt(request, 'OrderParameter', 'CSR'))).toBe(csr.trim());
  });

  it('takes SuccessCode 1 as success and keeps the warning', async () => {
    const server = await stub(() => ({
      body: soapAnswer('ReIssue', 'OrderResponseHeader', 1, `<Errors>${error('-5001', 'Phishing warning')}</Errors>`, '<OrderID>CE900000000001</OrderID>'),
    }));
    const gs = client({ serviceUrl: server.url });
    const certificate = { id: 'CE1', status: 'issued' } as CertificateRecord;
    const outcome = await gs.reissue({ certificate, csr: await makeCsr('example.com') });
    expect(outcome).toEqual({ certificateId: 'CE900000000001', message: 'reissued as order CE900000000001 (replaces CE1); -5001 Phishing warning' });
  });

  it('gives other error codes as provider errors with the code and GlobalSign\'s message', async () => {
    const server = await stub(() => ({
      body: soapAnswer('ReIssue', 'OrderResponseHeader', -1, `<Errors>${error('-4016', 'Certificate has already been reissued.', 'TargetOrderID')}</Errors>`),
    }));
    const failure = await failureOf(client({ serviceUrl: server.url }).reissue({ certificate: { id: 'CE1', status: 'issued' } as CertificateRecord, csr: await makeCsr('example.com') }));
    expect(failure.failure).toBe('provider-error');
    expect(failure.details.providerCode).toBe('-4016');
    expect(failure.message).toBe('GlobalSign ReIssue failed (-4016 [TargetOrderID] Certificate has already been reissued.)');
  });

  it('finds the cause among several errors by code, whatever the text says', async () => {
    const server = await stub(() => ({
      body: soapAnswer('AccountSnapshot', 'QueryResponseHeader', -1, `<Errors>${error('-102', 'Missing parameter')}${error('-4201', 'Your IP Address 198.51.100.4 is not within the range')}</Errors>`),
    }));
    const failure = await failureOf(client({ serviceUrl: server.url }).checkConnection());
    expect(failure.failure).toBe('ip-not-allowed');
    expect(failure.details.providerCode).toBe('-4201');
    expect(failure.message).toContain('-4201 Your IP Address 198.51.100.4');
  });

  it('turns a SOAP fault into a provider error, over HTTP 500 and over 200 alike', async () => {
    const fault = `<soap:Envelope xmlns:soap="${ENVELOPE}"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>Fault occurred while processing.</faultstring></soap:Fault></soap:Body></soap:Envelope>`;
    for (const status of [500, 200]) {
      const server = await stub(() => ({ status, body: fault }));
      const failure = await failureOf(client({ serviceUrl: server.url }).getBalance());
      expect(failure.failure).toBe('provider-error');
      expect(failure.details.providerCode).toBe('soap:Server');
      expect(failure.message).toBe('GlobalSign answered AccountSnapshot with a SOAP fault (soap:Server): Fault occurred while processing.');
    }
  });

  it('refuses an answer that declares a DOCTYPE', async () => {
    const server = await stub(() => ({
      body: `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><soap:Envelope xmlns:soap="${ENVELOPE}"><soap:Body>&lol;</soap:Body></soap:Envelope>`,
    }));
    const failure = await failureOf(client({ serviceUrl: server.url }).checkConnection());
    expect(failure.failure).toBe('unexpected-response');
    expect(failure.message).toContain('DOCTYPE');
  });

  it('says so when the answer is XML but not the operation\'s response', async () => {
    const server = await stub(() => ({ body: `<soap:Envelope xmlns:soap="${ENVELOPE}"><soap:Body><Other/></soap:Body></soap:Envelope>` }));
    const failure = await failureOf(client({ serviceUrl: server.url }).getBalance());
    expect(failure.failure).toBe('unexpected-response');
    expect(failure.message).toBe('GlobalSign AccountSnapshot: the answer has no AccountSnapshotResponse/Response');
  });

  it('halves a refused window down to one day, then says which day cannot be listed', async () => {
    const server = await stub(() => ({
      body: soapAnswer('GetOrderByDateRange', 'QueryResponseHeader', -1, `<Errors>${error(ERROR_TOO_MANY_ORDERS, 'Too many results')}</Errors>`),
    }));
    const failure = await failureOf(listAll(client({ serviceUrl: server.url })));
    expect(failure.failure).toBe('provider-error');
    expect(failure.message).toMatch(/^GlobalSign refuses to list the orders placed on \d{4}-\d{2}-\d{2}: more than 500 in one day$/);
    const spans = server.requests.map((request) => {
      const body = xmlAt(parseProviderXml(request.body, 'test'), 'Envelope', 'Body', 'GetOrderByDateRange', 'Request');
      const from = parseGlobalsignInstant(xmlText(xmlAt(body, 'FromDate'))) ?? 0;
      const to = parseGlobalsignInstant(xmlText(xmlAt(body, 'ToDate'))) ?? 0;
      expect(xmlText(xmlAt(body, 'OrderQueryOption', 'ReturnCertificateInfo'))).toBe('true');
      expect(xmlText(xmlAt(body, 'OrderQueryOption', 'ReturnSANEntries'))).toBe('true');
      return Math.round((to - from + 1) / 86_400_000);
    });
    expect(spans).toEqual([30, 15, 7, 3, 1]);
  });

  /**
   * A GetOrderByOrderID answer shaped after pepabo/global_sign's recording with_fulfillment.yml (its
   * nil elements, its `&#xD;` line ends), with an OriginalCSR: no recording holds one.
   */
  const recordedOrder = (fulfillment: string) =>
    `<soap:Envelope xmlns:soap="${ENVELOPE}"><soap:Body><ns2:GetOrderByOrderIDResponse xmlns:ns2="${NS}"><Response><OrderResponseHeader><SuccessCode>0</SuccessCode><Errors/>` +
    `<Timestamp>2016-10-19T12:51:15.596+09:00</Timestamp></OrderResponseHeader><OrderID>xxxx123456789</OrderID><OrderDetail><OrderInfo><OrderId>xxxx123456789</OrderId>` +
    `<OriginalOrderIDForRenewal xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/><ProductCode>DV_LOW_MONTH_OP</ProductCode><OrderKind>New</OrderKind>` +
    `<Licenses>1</Licenses><DomainName>www.example.com</DomainName><OrderDate>2016-10-05T14:11:30.335+09:00</OrderDate><OrderStatus>4</OrderStatus><Price>0</Price>` +
    `<Currency>JPY</Currency><ValidityPeriod><Months>1</Months></ValidityPeriod></OrderInfo><OrderSubInfo><CSRSkipOrderFlag>false</CSRSkipOrderFlag></OrderSubInfo>` +
    `<OrderOption xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/><CertificateInfo xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>` +
    `${fulfillment}<ModificationEvents><ModificationEvent><ModificationEventName>ORDER_REQUEST</ModificationEventName>` +
    `<ModificationEventTimestamp>2016-10-05T14:11:24.023+09:00</ModificationEventTimestamp></ModificationEvent></ModificationEvents></OrderDetail></Response></ns2:GetOrderByOrderIDResponse></soap:Body></soap:Envelope>`;
  const responseOf = (xml: string) => xmlAt(parseProviderXml(xml, 'test'), 'Envelope', 'Body', 'GetOrderByOrderIDResponse', 'Response');

  it('reads OriginalCSR from a recorded-shape answer: base64 without armour, or a PEM with CRLF line ends', async () => {
    const bare = readGlobalsignOriginalCsr(responseOf(recordedOrder(`<Fulfillment><OriginalCSR>${EXAMPLE_CSR_LINES.join('&#xD;\n        ')}&#xD;\n        </OriginalCSR></Fulfillment>`)));
    expect(bare).toEqual({ kind: 'pem', pem: EXAMPLE_CSR_PEM });
    const oneLine = readGlobalsignOriginalCsr(responseOf(recordedOrder(`<Fulfillment><OriginalCSR>${EXAMPLE_CSR_LINES.join('')}</OriginalCSR></Fulfillment>`)));
    expect(oneLine).toEqual({ kind: 'pem', pem: EXAMPLE_CSR_PEM });
    const armoured = ['-----BEGIN CERTIFICATE REQUEST-----', ...EXAMPLE_CSR_LINES, '-----END CERTIFICATE REQUEST-----'].join('&#xD;\n        ');
    const pem = readGlobalsignOriginalCsr(
      responseOf(recordedOrder(`<Fulfillment><CACertificates><CACertificate><CACertType>ROOT</CACertType><CACert>-----BEGIN CERTIFICATE-----&#xD;\n        aaaaa&#xD;\n        -----END CERTIFICATE-----&#xD;\n        </CACert></CACertificate></CACertificates><OriginalCSR>${armoured}&#xD;\n        </OriginalCSR></Fulfillment>`)),
    );
    expect(pem).toEqual({ kind: 'pem', pem: EXAMPLE_CSR_PEM });
    if (pem.kind === 'pem') expect(await parseCsr(pem.pem)).toMatchObject({ commonName: ['www.example.com'], dnsNames: ['www.example.com', 'example.com'], verified: true });
  });

  it('takes a nil, empty or missing OriginalCSR or Fulfillment as no CSR, and anything else as not one', () => {
    const nil = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"';
    for (const fulfillment of ['', `<Fulfillment ${nil}/>`, `<Fulfillment><OriginalCSR ${nil}/></Fulfillment>`, '<Fulfillment><OriginalCSR></OriginalCSR></Fulfillment>', '<Fulfillment><OriginalCSR/></Fulfillment>']) {
      expect(readGlobalsignOriginalCsr(responseOf(recordedOrder(fulfillment))), fulfillment).toEqual({ kind: 'none' });
    }
    expect(readGlobalsignOriginalCsr(responseOf(recordedOrder('<Fulfillment><OriginalCSR>-----BEGIN CERTIFICATE-----&#xD;\nccccc&#xD;\n-----END CERTIFICATE-----</OriginalCSR></Fulfillment>')))).toEqual({
      kind: 'invalid',
      reason: "its PEM armour is not a certificate request's",
    });
  });

  it('asks GetOrderByOrderID on GASService for the original CSR inside Fulfillment, and answers null where the order has none', async () => {
    const answers = [
      recordedOrder(`<Fulfillment><OriginalCSR>${EXAMPLE_CSR_LINES.join('')}</OriginalCSR></Fulfillment>`),
      recordedOrder('<Fulfillment><OriginalCSR xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/></Fulfillment>'),
    ];
    const server = await stub(() => ({ body: answers.shift() ?? '' }));
    const lines: string[] = [];
    const gs = client({ serviceUrl: server.url }, { log: { level: 6, write: (_level, message) => lines.push(message) } });
    const certificate = { id: 'CE1<&>' } as CertificateRecord;
    expect(await gs.originalCsr(certificate)).toBe(EXAMPLE_CSR_PEM);
    expect(await gs.originalCsr(certificate)).toBeNull();
    expect(lines).toContain('GlobalSign GetOrderByOrderID: order CE1<&> has no OriginalCSR');
    const [request] = server.requests;
    expect(request?.path).toBe('/kb/ws/v1/GASService');
    expect(request?.body).toContain('<ns1:GetOrderByOrderID><Request><QueryRequestHeader>');
    const body = xmlAt(parseProviderXml(request?.body ?? '', 'test'), 'Envelope', 'Body', 'GetOrderByOrderID', 'Request');
    expect(xmlText(xmlAt(body, 'OrderID'))).toBe('CE1<&>');
    // OriginalCSR is a child of Fulfillment: both flags, in the XSD's order.
    expect(xmlAt(body, 'OrderQueryOption')).toEqual({ ReturnFulfillment: 'true', ReturnOriginalCSR: 'true' });
    expect(originalCsrPayload('CE1')).toBe(
      '<OrderID>CE1</OrderID><OrderQueryOption><ReturnFulfillment>true</ReturnFulfillment><ReturnOriginalCSR>true</ReturnOriginalCSR></OrderQueryOption>',
    );
  });

  it('gives an OriginalCSR that is not a CSR, or an answer without OrderDetail, as an unexpected response, and -4003 as a provider error', async () => {
    const answers = [
      recordedOrder('<Fulfillment><OriginalCSR>Not available.</OriginalCSR></Fulfillment>'),
      soapAnswer('GetOrderByOrderID', 'OrderResponseHeader', 0, '<Errors/>', '<OrderID>CE1</OrderID>'),
      soapAnswer('GetOrderByOrderID', 'OrderResponseHeader', -1, `<Errors>${error('-4003', 'The specified OrderID does not exist.', 'OrderID')}</Errors>`),
    ];
    const server = await stub(() => ({ body: answers.shift() ?? '' }));
    const gs = client({ serviceUrl: server.url });
    const certificate = { id: 'CE1' } as CertificateRecord;
    const invalid = await failureOf(gs.originalCsr(certificate));
    expect(invalid.failure).toBe('unexpected-response');
    expect(invalid.message).toBe('GlobalSign GetOrderByOrderID: the OriginalCSR of order CE1 is not a CSR (it is neither PEM nor base64)');
    const empty = await failureOf(gs.originalCsr(certificate));
    expect(empty.failure).toBe('unexpected-response');
    expect(empty.message).toBe('GlobalSign GetOrderByOrderID: the answer for order CE1 has no OrderDetail');
    const unknown = await failureOf(gs.originalCsr(certificate));
    expect(unknown.failure).toBe('provider-error');
    expect(unknown.details.providerCode).toBe('-4003');
  });
  it('maps the order\'s and the certificate\'s status codes to the stage of an order, as ISPsystem\'s module does', () => {
    const table: [number | null, number | null, string | null, number | null][] = [
      [1, null, 'validating', 1],
      [2, 2, 'validating', 2],
      [8, null, 'validating', 8],
      [9, null, 'validating', 9],
      [4, 4, 'issued', 4],
      [null, 4, 'issued', 4],
      [10, null, 'failed', 10],
      [3, null, 'cancelled', 3],
      [5, 4, 'cancelled', 5],
      // Either status cancels: an issued order whose certificate was revoked or waits for revocation.
      [4, 7, 'cancelled', 7],
      [4, 6, 'cancelled', 6],
      [1, 3, 'cancelled', 3],
      [42, null, null, null],
      [null, null, null, null],
    ];
    for (const [order, certificate, stage, code] of table) {
      const found = globalsignOrderStage(order, certificate);
      expect(found === null ? [null, null] : [found.stage, found.code], `${order}/${certificate}`).toEqual([stage, code]);
    }
  });

  it('collapses each reissue chain into one record: the newest issued order\'s id and dates, the first order\'s date and term', () => {
    const base: CertificateRecord = {
      id: '',
      mainDomain: 'shop.example.com',
      otherNames: [],
      validation: 'dv',
      multiDomain: false,
      orderDate: null,
      validFrom: null,
      validTo: null,
      termMonths: null,
      status: 'issued',
      providerStatus: 'Issued (4)',
      product: 'DV_SHA2',
      pendingReissue: null,
    };
    const order = (id: string, replaces: string | null, at: string, code: number, fields: Partial<CertificateRecord> = {}): ListedOrder => ({
      record: { ...base, id, orderDate: at.slice(0, 10), ...fields },
      replaces,
      orderedAt: Date.parse(at),
      certified: code >= 4 && code <= 7,
      waiting: [1, 2, 8, 9].includes(code),
    });
    const own = order('CE1', null, '2024-03-01T10:00:00Z', 4, { termMonths: 36, validFrom: '2024-03-01', validTo: '2025-03-01' });
    const first = order('CE2', 'CE1', '2025-02-20T10:00:00Z', 4, { termMonths: 12, validFrom: '2025-02-20', validTo: '2026-02-20' });
    const second = order('CE3', 'CE2', '2026-02-10T10:00:00Z', 4, { termMonths: 12, validFrom: '2026-02-10', validTo: '2027-03-01' });
    const other = order('CE4', null, '2024-05-05T00:00:00Z', 4, { mainDomain: 'other.example.com', termMonths: 12 });
    // A chain of two reissues, listed in any order, is one record.
    for (const orders of [[own, other, first, second], [second, first, other, own]]) {
      const records = collapseReissueChains(orders);
      expect(records).toHaveLength(2);
      expect(records.find((r) => r.mainDomain === 'shop.example.com')).toEqual({
        ...second.record,
        orderDate: '2024-03-01',
        termMonths: 36,
        pendingReissue: null,
      });
      expect(records.find((r) => r.id === 'CE4')).toEqual(other.record);
    }
    // The newest still waiting: the one before it stays in force, the waiting one is pending.
    const waiting = order('CE3', 'CE2', '2026-02-10T10:00:00Z', 1, { status: 'pending', providerStatus: 'Initial (1)' });
    expect(collapseReissueChains([own, first, waiting])).toEqual([{ ...first.record, orderDate: '2024-03-01', termMonths: 36, pendingReissue: 'CE3' }]);
    // Denied or cancelled: nothing pending, the newest issued order in force.
    for (const code of [10, 3]) {
      const ended = order('CE3', 'CE2', '2026-02-10T10:00:00Z', code, { status: 'cancelled' });
      expect(collapseReissueChains([own, first, ended])).toEqual([{ ...first.record, orderDate: '2024-03-01', termMonths: 36, pendingReissue: null }]);
    }
    // A denied reissue and a later one of the same order: the later one is the newest.
    const denied = order('CE5', 'CE1', '2025-01-01T10:00:00Z', 10, { status: 'cancelled' });
    const later = order('CE6', 'CE1', '2025-01-02T10:00:00Z', 2, { status: 'pending' });
    expect(collapseReissueChains([own, denied, later])).toEqual([{ ...own.record, pendingReissue: 'CE6' }]);
    // The first order outside the listing: the chain starts at the oldest order found.
    expect(collapseReissueChains([first, second])).toEqual([{ ...second.record, orderDate: '2025-02-20', termMonths: 12, pendingReissue: null }]);
    // A reissue placed on the first order's own day still comes after it.
    const sameDay = order('CE7', 'CE1', '2024-03-01T09:00:00Z', 4, { validFrom: '2024-03-01', validTo: '2025-03-02' });
    expect(collapseReissueChains([own, sameDay])[0]?.id).toBe('CE7');
  });

  it('reads what a waiting order needs: a DNS record, a file to serve, an approver\'s answer, or the organization checks', () => {
    const detail = (xml: string) => xmlAt(parseProviderXml(`<OrderDetail>${xml}</OrderDetail>`, 'test'), 'OrderDetail');
    const info = '<OrderInfo><DomainName>www.example.com</DomainName><OrderStatus>1</OrderStatus></OrderInfo>';
    const subInfo = (dns: boolean, url = '') =>
      `<OrderSubInfo><CSRSkipOrderFlag>false</CSRSkipOrderFlag><DNSOrderFlag>${dns}</DNSOrderFlag><TrustedOrderFlag>false</TrustedOrderFlag><P12DeleteStatus>false</P12DeleteStatus>${url}<SubId>0</SubId></OrderSubInfo>`;
    const none = { approverEmail: null, dnsRecord: null, httpFile: null, detail: null };
    const dnsXml = globalsignVerificationXml({ dnsName: 'example.com', dnsValue: 'globalsign-domain-verification=Yl&hV' });
    expect(dnsXml).toBe('<DNSTXT>globalsign-domain-verification=Yl&amp;hV</DNSTXT><VerificationFQDNList><VerificationFQDN>example.com</VerificationFQDN></VerificationFQDNList>');
    expect(readGlobalsignValidation(detail(`${info}${subInfo(true)}${dnsXml}`), 'dv')).toEqual({
      ...none,
      method: 'dns',
      dnsRecord: { name: 'example.com', type: 'TXT', value: 'globalsign-domain-verification=Yl&hV' },
    });
    // A DNS order that does not say the value: the method, without a record to publish.
    expect(readGlobalsignValidation(detail(`${info}${subInfo(true)}`), 'dv')).toEqual({ ...none, method: 'dns' });
    const meta = '<meta name="globalsign-domain-verification" content="3_CE928vnJ" />';
    const fileXml = globalsignVerificationXml({ fileContent: meta });
    expect(fileXml).toBe(`<MetaTag>${meta.replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}</MetaTag>`);
    const url = '<VerificationUrl>http://example.com/.well-known/pki-validation/gsdv.txt</VerificationUrl>';
    expect(readGlobalsignValidation(detail(`${info}${subInfo(false, url)}${fileXml}`), 'dv')).toEqual({
      ...none,
      method: 'http',
      httpFile: { path: '/.well-known/pki-validation/gsdv.txt', content: meta },
    });
    const email = `<OrderOption><ApproverNotifiedDate>2026-11-24T03:00:00.000+09:00</ApproverNotifiedDate><ApproverEmailAddress>admin@example.com</ApproverEmailAddress><OrganizationInfo/></OrderOption>`;
    expect(readGlobalsignValidation(detail(`${info}${subInfo(false)}${email}`), 'dv')).toEqual({ ...none, method: 'email', approverEmail: 'admin@example.com' });
    const nil = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"';
    expect(readGlobalsignValidation(detail(`${info}${subInfo(false, `<VerificationUrl ${nil}/>`)}<OrderOption ${nil}/>`), 'ov')).toEqual({ ...none, method: 'organization' });
    expect(readGlobalsignValidation(detail(`${info}${subInfo(false)}`), 'dv')).toEqual({ ...none, method: 'unknown' });
  });

  /** A GetOrderByOrderID answer in the recorded shape (with_fulfillment.yml), its parts given. */
  const recordedState = (parts: { status: number; certificateInfo?: string; orderOption?: string; subInfo?: string; fulfillment?: string; extra?: string; header?: string }) =>
    `<soap:Envelope xmlns:soap="${ENVELOPE}"><soap:Body><ns2:GetOrderByOrderIDResponse xmlns:ns2="${NS}"><Response><OrderResponseHeader>` +
    `${parts.header ?? '<SuccessCode>0</SuccessCode><Errors/>'}<Timestamp>2016-10-19T12:51:15.596+09:00</Timestamp></OrderResponseHeader><OrderID>CE900000000007</OrderID>` +
    `<OrderDetail><OrderInfo><OrderId>CE900000000007</OrderId><OriginalOrderIDForRenewal ${NIL}/><OriginalOrderIDForReIssue>CE100000000007</OriginalOrderIDForReIssue>` +
    `<ProductCode>DV_LOW_SHA2</ProductCode><OrderKind>New</OrderKind><Licenses>1</Licenses><DomainName>www.example.com</DomainName>` +
    `<OrderDate>2016-10-05T14:11:30.335+09:00</OrderDate><OrderStatus>${parts.status}</OrderStatus><Price>0</Price><Currency>JPY</Currency>` +
    `<ValidityPeriod><Months>12</Months></ValidityPeriod></OrderInfo>` +
    `${parts.subInfo ?? `<OrderSubInfo><CSRSkipOrderFlag>false</CSRSkipOrderFlag><DNSOrderFlag>false</DNSOrderFlag><TrustedOrderFlag>false</TrustedOrderFlag><P12DeleteStatus>false</P12DeleteStatus><VerificationUrl ${NIL}/><SubId>0</SubId></OrderSubInfo>`}` +
    `${parts.orderOption ?? `<OrderOption ${NIL}/>`}${parts.certificateInfo ?? `<CertificateInfo ${NIL}/>`}<SANEntries ${NIL}/>${parts.fulfillment ?? `<Fulfillment ${NIL}/>`}` +
    `<ModificationEvents><ModificationEvent><ModificationEventName>ORDER_REQUEST</ModificationEventName><ModificationEventTimestamp>2016-10-05T14:11:24.023+09:00</ModificationEventTimestamp></ModificationEvent></ModificationEvents>` +
    `${parts.extra ?? ''}</OrderDetail></Response></ns2:GetOrderByOrderIDResponse></soap:Body></soap:Envelope>`;
  /** A PEM as the recording writes it: `&#xD;` line ends and indented lines. */
  const recordedPem = (pem: string) => `${pem.trim().split('\n').join('&#xD;\n        ')}&#xD;\n        `;

  it('asks GetOrderByOrderID for OrderOption, CertificateInfo and Fulfillment, and takes the chain from a recorded-shape answer by name, not position', async () => {
    const pki = await makePki();
    const fulfillment =
      `<Fulfillment><CACertificates>` +
      [['ROOT', pki.root], ['INTER', pki.upper], ['INTER', pki.stray], ['INTER', pki.lower], ['INTER', pki.root]]
        .map(([type, pem]) => `<CACertificate><CACertType>${type}</CACertType><CACert>${recordedPem(pem as string)}</CACert></CACertificate>`)
        .join('') +
      `</CACertificates><ServerCertificate><X509Cert>${recordedPem(pki.leaf)}</X509Cert><PKCS7Cert>-----BEGIN PKCS7-----\n        ddddd&#xD;\n        -----END PKCS7-----\n        </PKCS7Cert></ServerCertificate></Fulfillment>`;
    const certificateInfo =
      '<CertificateInfo><CertificateStatus>4</CertificateStatus><StartDate>2026-11-24T03:00:00.000+09:00</StartDate><EndDate>2027-11-24T09:00:00.000+09:00</EndDate>' +
      '<CommonName>www.example.com</CommonName><SerialNumber>0A1B</SerialNumber><SubjectName>CN = www.example.com</SubjectName></CertificateInfo>';
    const server = await stub(() => ({ body: recordedState({ status: 4, certificateInfo, fulfillment }) }));
    const lines: string[] = [];
    const gs = client({ serviceUrl: server.url }, { log: { level: 6, write: (_level, message) => lines.push(message) } });
    const state = await gs.orderState('CE900000000007');
    expect(state).toEqual({
      certificateId: 'CE900000000007',
      stage: 'issued',
      providerStatus: 'Issued (4)',
      reason: null,
      validation: null,
      certificate: pki.leaf.trim(),
      chain: [pki.lower.trim(), pki.upper.trim()],
      validFrom: '2026-11-23',
      validTo: '2027-11-24',
    });
    expect(lines).toContain('GlobalSign GetOrderByOrderID: 1 CA certificate(s) of order CE900000000007 are not on its certificate\'s path and were left out');
    const [request] = server.requests;
    expect(request?.path).toBe('/kb/ws/v1/GASService');
    expect(request?.body).toContain(
      '<OrderID>CE900000000007</OrderID><OrderQueryOption><ReturnOrderOption>true</ReturnOrderOption><ReturnCertificateInfo>true</ReturnCertificateInfo><ReturnFulfillment>true</ReturnFulfillment></OrderQueryOption>',
    );
    expect(orderStatePayload('CE<1>')).toContain('<OrderID>CE&lt;1&gt;</OrderID>');
    // The same certificates, canonical whatever GlobalSign's line ends.
    expect(globalsignCertificatePems(recordedPem(pki.leaf))).toEqual([pki.leaf.trim()]);
    expect(globalsignCertificatePems(pki.leaf.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''))).toEqual([pki.leaf.trim()]);
    expect(globalsignCertificatePems(`${pki.lower}\r\n${pki.upper}`)).toEqual([pki.lower.trim(), pki.upper.trim()]);
    expect(globalsignCertificatePems('-----BEGIN CERTIFICATE-----&#xD;\n        aaaaa&#xD;\n        -----END CERTIFICATE-----')).toEqual([]);
    expect(readGlobalsignFulfillment(xmlAt(parseProviderXml(`<D><Fulfillment ${NIL}/></D>`, 'test'), 'D'))).toEqual({ certificate: null, caCertificates: [] });
  });

  it('gives a waiting order its needs, a denied one as failed and a revoked one as cancelled with GlobalSign\'s words, and refuses what it cannot read', async () => {
    const remark = (code: string, text: string) => `<SuccessCode>1</SuccessCode><Errors>${error(code, text, 'OrderID')}</Errors>`;
    const answers = [
      recordedState({ status: 1, certificateInfo: `<CertificateInfo><CertificateStatus>1</CertificateStatus><CommonName>www.example.com</CommonName><DNSNames ${NIL}/></CertificateInfo>`,
        orderOption: '<OrderOption><ApproverEmailAddress>admin@example.com</ApproverEmailAddress><OrganizationInfo/></OrderOption>' }),
      recordedState({ status: 10, header: remark('-4147', 'The DNS record was not found.') }),
      recordedState({ status: 4, certificateInfo: '<CertificateInfo><CertificateStatus>7</CertificateStatus><StartDate>2026-01-01T00:00:00.000Z</StartDate><EndDate>2027-01-01T00:00:00.000Z</EndDate></CertificateInfo>' }),
      recordedState({ status: 3 }),
      recordedState({ status: 42 }),
      recordedState({ status: 4 }),
      recordedState({ status: 4, fulfillment: '<Fulfillment><ServerCertificate><X509Cert>-----BEGIN CERTIFICATE-----&#xD;\nAAAA&#xD;\n-----END CERTIFICATE-----</X509Cert></ServerCertificate></Fulfillment>' }),
    ];
    const server = await stub(() => ({ body: answers.shift() ?? '' }));
    const gs = client({ serviceUrl: server.url });
    const waiting = await gs.orderState('CE900000000007');
    expect(waiting).toMatchObject({ stage: 'validating', providerStatus: 'Initial (1)', reason: 'Initial', certificate: null, chain: [] });
    expect(waiting.validation).toEqual({ method: 'email', approverEmail: 'admin@example.com', dnsRecord: null, httpFile: null, detail: null });
    expect(await gs.orderState('CE900000000007')).toMatchObject({ stage: 'failed', providerStatus: 'Denied (10)', reason: 'Denied: -4147 [OrderID] The DNS record was not found.', validation: null });
    expect(await gs.orderState('CE900000000007')).toMatchObject({ stage: 'cancelled', providerStatus: 'Revoked (7)', reason: 'Revoked', certificate: null });
    expect(await gs.orderState('CE900000000007')).toMatchObject({ stage: 'cancelled', providerStatus: 'Cancelled - not issued (3)' });
    const unknown = await failureOf(gs.orderState('CE900000000007'));
    expect(unknown.failure).toBe('unexpected-response');
    expect(unknown.message).toBe('GlobalSign GetOrderByOrderID: order CE900000000007 has a status GlobalSign does not list (OrderStatus 42, CertificateStatus none)');
    const bare = await failureOf(gs.orderState('CE900000000007'));
    expect(bare.message).toBe('GlobalSign GetOrderByOrderID: order CE900000000007 is issued but the answer has no Fulfillment/ServerCertificate/X509Cert');
    const unreadable = await failureOf(gs.orderState('CE900000000007'));
    expect(unreadable.message).toBe('GlobalSign GetOrderByOrderID: the X509Cert of order CE900000000007 is not a readable certificate');
  });
});

describe('GlobalSign against its sandbox', () => {
  const harness = providerHarness('globalsign', { certificates: 60 });

  it('sends requests from the configured source address', async () => {
    const sandbox = await harness.start({ account: { allowedIps: ['127.0.0.2'] } });
    expect((await harness.client(sandbox, { integration: { ipAddress: '127.0.0.2' } }).checkConnection()).roundTripMs).toBeGreaterThan(0);
    expect((await harness.client(sandbox, { integration: { ipAddress: '127.0.0.2' } }).getBalance()).amount).toBe(1250);
    const unbound = await failureOf(harness.client(sandbox).checkConnection());
    expect(unbound.failure).toBe('ip-not-allowed');
    expect(unbound.details.providerCode).toBe('-4201');
    const elsewhere = await failureOf(harness.client(sandbox, { integration: { ipAddress: '127.0.0.3' } }).checkConnection());
    expect(elsewhere.failure).toBe('ip-not-allowed');
    expect(elsewhere.message).toContain('(127.0.0.3)');
  });

  it('says when the source address is not one of this server\'s', async () => {
    const sandbox = await harness.start();
    const failure = await failureOf(harness.client(sandbox, { integration: { ipAddress: '192.0.2.55' }, config: { readRetries: 0 } }).checkConnection());
    expect(failure.failure).toBe('network');
    expect(failure.message).toContain('192.0.2.55');
  });

  it('lists a 2 000-order account completely, splitting the windows the sandbox refuses', async () => {
    const lines: string[] = [];
    const log: ModuleLog = { level: 6, write: (_level, message) => lines.push(message) };
    // Two months of orders: about 34 a day, so a 30-day window holds over a thousand.
    const sandbox = await startSandbox(globalsignSandboxProtocol, {
      account: globalsignSandbox.account,
      book: new CertificateBook({ count: 2000, seed: 11, today: day('2024-02-29') }),
    });
    extraSandboxes.push(sandbox);
    const gs = client(globalsignSandbox.integrationFor(sandbox), { log });
    const progress: ListProgress[] = [];
    const records: CertificateRecord[] = [];
    for await (const page of gs.listCertificates({ onProgress: (p) => progress.push(p) })) {
      expect(page.length).toBeLessThanOrEqual(500);
      records.push(...page);
    }
    expect(records).toHaveLength(2000);
    expect(new Set(records.map((r) => r.id)).size).toBe(2000);
    expect(new Set(records.map((r) => r.mainDomain))).toEqual(new Set([...Array(2000).keys()].map((i) => sandbox.book.get(i).mainDomain)));
    expect(lines.some((line) => /holds too many orders; splitting it into 15-day windows/.test(line))).toBe(true);
    expect(progress.every((p) => p.total === null)).toBe(true);
    expect(progress.at(-1)?.listed).toBe(2000);
    // Expiry is judged by GlobalSign's clock (the sandbox's 2024-02-29), not this machine's.
    expect(records.filter((r) => r.status === 'expired')).toHaveLength(0);
  });

  it('maps order details: ids, order dates, terms, products, names', async () => {
    const sandbox = await harness.start();
    const records = await listAll(harness.client(sandbox));
    expect(records).toHaveLength(60);
    const first = records.find((r) => r.id === originalOrderId(0));
    expect(first).toMatchObject({ orderDate: '2024-01-01', termMonths: sandbox.book.get(0).termYears * 12 });
    for (const record of records) {
      expect(record.id).toMatch(/^CE\d{12}$/);
      expect(record.product).toMatch(/^(DV_LOW|DV|OV|EV)_SHA2$/);
      expect(record.providerStatus).toMatch(/^[A-Za-z -]+ \(\d\)$/);
    }
    const www = records.find((r) => r.mainDomain.startsWith('www.') && !r.multiDomain);
    expect(www?.otherNames).toEqual([www?.mainDomain.slice(4)]);
  });

  it('reissues under a new order id, lists the certificate under it once issued, and refuses the old id again', async () => {
    const sandbox = await harness.start();
    const gs = harness.client(sandbox);
    const records = await listAll(gs);
    const issued = records.find((r) => r.status === 'issued') as CertificateRecord;
    const outcome = await gs.reissue({ certificate: issued, csr: await makeCsr(issued.mainDomain) });
    expect(outcome.certificateId).toMatch(/^CE9\d{11}$/);
    expect(outcome.certificateId).not.toBe(issued.id);
    // While the new order waits for validation the old one stays in force, with the reissue pending.
    const during = (await listAll(gs)).filter((r) => r.mainDomain === issued.mainDomain);
    expect(during).toEqual([{ ...issued, pendingReissue: outcome.certificateId }]);
    await sandbox.validate(sandbox.indexOf(issued.id) as number);
    const after = (await listAll(gs)).filter((r) => r.mainDomain === issued.mainDomain);
    expect(after.map((r) => [r.id, r.pendingReissue])).toEqual([[outcome.certificateId, null]]);
    const again = await failureOf(gs.reissue({ certificate: issued, csr: await makeCsr(issued.mainDomain) }));
    expect(again.failure).toBe('provider-error');
    expect(again.details.providerCode).toBe('-4016');
    const bad = await failureOf(gs.reissue({ certificate: { ...issued, id: outcome.certificateId }, csr: 'not a CSR' }));
    expect(bad.details.providerCode).toBe('-4007');
    const unknown = await failureOf(gs.reissue({ certificate: { ...issued, id: 'CE100000099999' }, csr: await makeCsr(issued.mainDomain) }));
    expect(unknown.details.providerCode).toBe('-4003');
  });

  it('does not send a reissue for a certificate that is not issued', async () => {
    const sandbox = await harness.start();
    const gs = harness.client(sandbox);
    const records = await listAll(gs);
    const expired = records.find((r) => r.status === 'expired') as CertificateRecord;
    expect(gs.reissueSupport(expired)).toEqual({ supported: false, reason: 'GlobalSign reissues issued certificates only; this one is expired' });
    const before = sandbox.requests();
    expect((await failureOf(gs.reissue({ certificate: expired, csr: await makeCsr(expired.mainDomain) }))).failure).toBe('unsupported');
    expect(sandbox.requests()).toBe(before);
  });

  it('accepts the operation element without a namespace prefix, as BILLmanager sends ReIssue', async () => {
    const sandbox = await harness.start();
    const { username, password } = sandbox.account;
    const bare = soapRequest('AccountSnapshot', 'QueryRequestHeader', username, password, '').replace(/ns1:AccountSnapshot/g, 'AccountSnapshot');
    expect(bare).toContain('<AccountSnapshot><Request>');
    const answer = await post(sandbox, 'AccountService', bare);
    expect(answer.status).toBe(200);
    const header = xmlAt(answer.document, 'Envelope', 'Body', 'AccountSnapshotResponse', 'Response', 'QueryResponseHeader');
    expect(xmlText(xmlAt(header, 'SuccessCode'))).toBe('0');
    expect(xmlAt(header, 'Errors')).toBe('');
    expect(xmlText(xmlAt(header, 'Timestamp'))).toMatch(/^2026-11-2[34]T\d{2}:\d{2}:\d{2}\.\d{3}\+09:00$/);
  });

  it('answers GetOrderByOrderID with its OrderResponseHeader quirk', async () => {
    const sandbox = await harness.start();
    const { username, password } = sandbox.account;
    const payload = `<OrderID>${originalOrderId(3)}</OrderID><OrderQueryOption><ReturnCertificateInfo>true</ReturnCertificateInfo></OrderQueryOption>`;
    const answer = await post(sandbox, 'GASService', soapRequest('GetOrderByOrderID', 'QueryRequestHeader', username, password, payload));
    const response = xmlAt(answer.document, 'Envelope', 'Body', 'GetOrderByOrderIDResponse', 'Response');
    expect(xmlText(xmlAt(response, 'OrderResponseHeader', 'SuccessCode'))).toBe('0');
    expect(xmlAt(response, 'QueryResponseHeader')).toBeNull();
    expect(xmlText(xmlAt(response, 'OrderDetail', 'OrderInfo', 'DomainName'))).toBe(sandbox.book.get(3).mainDomain);
  });

  it('lists an order placed late in the UTC day on its UTC day, though GlobalSign writes the next one at +09:00', async () => {
    const sandbox = await harness.start();
    const { username, password } = sandbox.account;
    const records = await listAll(harness.client(sandbox));
    let crossed = 0;
    for (const record of records) {
      const payload = `<OrderID>${record.id}</OrderID>`;
      const answer = await post(sandbox, 'GASService', soapRequest('GetOrderByOrderID', 'QueryRequestHeader', username, password, payload));
      const written = xmlText(xmlAt(answer.document, 'Envelope', 'Body', 'GetOrderByOrderIDResponse', 'Response', 'OrderDetail', 'OrderInfo', 'OrderDate')) ?? '';
      expect(written).toMatch(/\.\d{3}\+09:00$/);
      if (written.slice(0, 10) !== record.orderDate) {
        crossed += 1;
        expect(parseGlobalsignDay(written)).toBe(record.orderDate);
      }
    }
    expect(crossed).toBeGreaterThan(0);
  });

  it('answers a wrong header or an unknown operation with a SOAP fault, as CXF does', async () => {
    const sandbox = await harness.start();
    const { username, password } = sandbox.account;
    const wrongHeader = await post(sandbox, 'GASService', soapRequest('ReIssue', 'QueryRequestHeader', username, password, '<TargetOrderID>CE100000000001</TargetOrderID>'));
    expect(wrongHeader.status).toBe(500);
    expect(xmlText(xmlAt(wrongHeader.document, 'Envelope', 'Body', 'Fault', 'faultstring'))).toContain('Expected elements are <{}OrderRequestHeader>');
    const unknown = await post(sandbox, 'ServerSSLService', soapRequest('DVOrder', 'OrderRequestHeader', username, password, ''));
    expect(unknown.status).toBe(500);
    expect(xmlText(xmlAt(unknown.document, 'Envelope', 'Body', 'Fault', 'faultcode'))).toBe('soap:Client');
    const doctype = await post(sandbox, 'AccountService', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "a">]><x>&a;</x>');
    expect(doctype.status).toBe(500);
    expect(doctype.text).toContain('DOCTYPE');
  });

  it('refuses a date window over 500 orders with the documented code, and a bad date with -104', async () => {
    const sandbox = await harness.start({ certificates: 3000 });
    const { username, password } = sandbox.account;
    const range = (from: string, to: string) =>
      post(sandbox, 'GASService', soapRequest('GetOrderByDateRange', 'QueryRequestHeader', username, password, `<FromDate>${from}</FromDate><ToDate>${to}</ToDate>`));
    const header = (answer: Awaited<ReturnType<typeof range>>) => xmlAt(answer.document, 'Envelope', 'Body', 'GetOrderByDateRangeResponse', 'Response', 'QueryResponseHeader');
    const wide = await range('2024-01-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z');
    expect(xmlText(xmlAt(header(wide), 'SuccessCode'))).toBe('-1');
    expect(xmlText(xmlAt(header(wide), 'Errors', 'Error', 'ErrorCode'))).toBe(ERROR_TOO_MANY_ORDERS);
    const narrow = await range('2024-01-01T00:00:00.000Z', '2024-01-31T23:59:59.999Z');
    expect(xmlText(xmlAt(header(narrow), 'SuccessCode'))).toBe('0');
    const bad = await range('01/01/2024', '2024-01-31T23:59:59.999Z');
    expect(xmlText(xmlAt(header(bad), 'Errors', 'Error', 'ErrorCode'))).toBe('-104');
  });

  it('writes OriginalCSR only when asked, as a CRLF PEM for even book indexes and bare base64 for odd ones', async () => {
    const sandbox = await harness.start();
    const { username, password } = sandbox.account;
    const ask = (index: number, flag: boolean) =>
      post(
        sandbox,
        'GASService',
        soapRequest('GetOrderByOrderID', 'QueryRequestHeader', username, password, flag ? originalCsrPayload(originalOrderId(index)) : `<OrderID>${originalOrderId(index)}</OrderID>`),
      );
    const plain = await ask(2, false);
    expect(plain.text).not.toContain('Fulfillment');
    expect(sandbox.book.get(2).csr).toBeNull();
    // OriginalCSR is a child of Fulfillment: ReturnOriginalCSR without ReturnFulfillment gives none.
    const alone = await post(
      sandbox,
      'GASService',
      soapRequest('GetOrderByOrderID', 'QueryRequestHeader', username, password, `<OrderID>${originalOrderId(2)}</OrderID><OrderQueryOption><ReturnOriginalCSR>true</ReturnOriginalCSR></OrderQueryOption>`),
    );
    expect(alone.text).not.toContain('OriginalCSR');
    const even = await ask(2, true);
    expect(even.text).toMatch(/<OriginalCSR>-----BEGIN CERTIFICATE REQUEST-----&#xD;\n[A-Za-z0-9+/=]{64}&#xD;\n/);
    const odd = await ask(3, true);
    expect(odd.text).toMatch(/<OriginalCSR>[A-Za-z0-9+/=]{100,}<\/OriginalCSR><\/Fulfillment><\/OrderDetail>/);
    for (const [index, answer] of [[2, even], [3, odd]] as const) {
      const read = readGlobalsignOriginalCsr(xmlAt(answer.document, 'Envelope', 'Body', 'GetOrderByOrderIDResponse', 'Response'));
      expect(read).toEqual({ kind: 'pem', pem: sandbox.book.get(index).csr });
    }
  });

  it('keeps the replaced order\'s CSR for its old id after a reissue, and gives the new order the reissue\'s', async () => {
    const sandbox = await harness.start();
    const gs = harness.client(sandbox);
    const records = await listAll(gs);
    const issued = records.find((r) => r.status === 'issued') as CertificateRecord;
    const [first, again] = await Promise.all([gs.originalCsr(issued), gs.originalCsr(issued)]);
    expect(again).toBe(first);
    const csr = await makeCsr(issued.mainDomain);
    const outcome = await gs.reissue({ certificate: issued, csr });
    expect(await gs.originalCsr({ ...issued, id: outcome.certificateId })).toBe(csr);
    expect(await gs.originalCsr(issued)).toBe(first);
    // An order never asked for before its reissue keeps a CSR of its own too.
    const other = records.find((r) => r.status === 'issued' && r.id !== issued.id) as CertificateRecord;
    const second = await gs.reissue({ certificate: other, csr: await makeCsr(other.mainDomain) });
    const old = await gs.originalCsr(other);
    expect(old).not.toBeNull();
    expect(old).not.toBe(await gs.originalCsr({ ...other, id: second.certificateId }));
    expect((await parseCsr(old as string)).commonName).toEqual([other.mainDomain]);
  });
  /** GetOrderByDateRange for the UTC days [from, to], as the sandbox answers it: its OrderDetails. */
  async function window(sandbox: RunningSandbox, from: string, to: string) {
    const { username, password } = sandbox.account;
    const payload = dateRangePayload(Date.parse(`${from}T00:00:00Z`), Date.parse(`${to}T23:59:59.999Z`));
    const answer = await post(sandbox, 'GASService', soapRequest('GetOrderByDateRange', 'QueryRequestHeader', username, password, payload));
    return xmlList(xmlAt(answer.document, 'Envelope', 'Body', 'GetOrderByDateRangeResponse', 'Response', 'OrderDetails', 'OrderDetail'));
  }
  const byId = (details: unknown[], id: string) => details.find((detail) => xmlText(xmlAt(detail, 'OrderInfo', 'OrderId')) === id);

  /** An issued single-domain certificate of the listing whose main domain does (or does not) start with www. */
  async function pick(gs: ProviderClient, www: boolean) {
    const records = await listAll(gs);
    return records.find((r) => r.status === 'issued' && !r.multiDomain && r.mainDomain.startsWith('www.') === www && r.pendingReissue == null) as CertificateRecord;
  }

  it('lists a reissue as a new order of its own day naming the order it replaces: waiting, then issued with the new dates, the old order still listed', async () => {
    const sandbox = await harness.start();
    const gs = harness.client(sandbox);
    const issued = await pick(gs, false);
    const index = sandbox.indexOf(issued.id) as number;
    const before = sandbox.book.get(index);
    const { certificateId } = await gs.reissue({ certificate: issued, csr: await makeCsr(issued.mainDomain) });
    expect(sandbox.indexOf(certificateId)).toBe(index);
    const today = formatDay(TODAY);
    const waiting = byId(await window(sandbox, today, today), certificateId);
    expect(xmlText(xmlAt(waiting, 'OrderInfo', 'OriginalOrderIDForReIssue'))).toBe(issued.id);
    expect(parseGlobalsignDay(xmlText(xmlAt(waiting, 'OrderInfo', 'OrderDate')))).toBe(today);
    expect(['1', '2']).toContain(xmlText(xmlAt(waiting, 'OrderInfo', 'OrderStatus')));
    // As recorded for an order still waiting: the certificate's status and name, no dates.
    expect(xmlAt(waiting, 'CertificateInfo', 'StartDate')).toBeNull();
    const old = () => window(sandbox, issued.orderDate as string, issued.orderDate as string).then((details) => byId(details, issued.id));
    expect(xmlText(xmlAt(await old(), 'OrderInfo', 'OrderStatus'))).toBe('4');
    await sandbox.validate(index);
    const done = byId(await window(sandbox, today, today), certificateId);
    expect(xmlText(xmlAt(done, 'OrderInfo', 'OrderStatus'))).toBe('4');
    expect(parseGlobalsignDay(xmlText(xmlAt(done, 'CertificateInfo', 'EndDate')))).toBe(formatDay(sandbox.book.get(index).validTo));
    expect(parseGlobalsignDay(xmlText(xmlAt(done, 'CertificateInfo', 'StartDate')))).toBe(today);
    // The replaced order keeps its own certificate's dates and stays issued.
    const replaced = await old();
    expect(xmlText(xmlAt(replaced, 'OrderInfo', 'OrderStatus'))).toBe('4');
    expect(xmlAt(replaced, 'OrderInfo', 'OriginalOrderIDForReIssue')).toBeNull();
    expect(parseGlobalsignDay(xmlText(xmlAt(replaced, 'CertificateInfo', 'EndDate')))).toBe(formatDay(before.validTo));
    expect(parseGlobalsignDay(xmlText(xmlAt(replaced, 'CertificateInfo', 'StartDate')))).toBe(formatDay(before.validFrom));
    // Both orders answer GetOrderByOrderID, each with its own certificate.
    const oldState = await gs.orderState(issued.id);
    const newState = await gs.orderState(certificateId);
    expect(oldState).toMatchObject({ stage: 'issued', validTo: formatDay(before.validTo) });
    expect(newState).toMatchObject({ stage: 'issued', validTo: formatDay(sandbox.book.get(index).validTo) });
    expect(oldState.certificate).not.toBe(newState.certificate);
    expect(oldState.chain).toEqual(newState.chain);
  });

  it('collapses a chain of two reissues into one record: the newest order\'s id and dates, the original order date and paid term', async () => {
    const sandbox = await harness.start();
    const gs = harness.client(sandbox);
    const issued = await pick(gs, true);
    const index = sandbox.indexOf(issued.id) as number;
    const first = await gs.reissue({ certificate: issued, csr: await makeCsr(issued.mainDomain) });
    await sandbox.validate(index);
    const [afterFirst] = (await listAll(gs)).filter((r) => r.mainDomain === issued.mainDomain);
    expect(afterFirst).toMatchObject({ id: first.certificateId, orderDate: issued.orderDate, termMonths: issued.termMonths, pendingReissue: null });
    const second = await gs.reissue({ certificate: afterFirst as CertificateRecord, csr: await makeCsr(issued.mainDomain) });
    const during = (await listAll(gs)).filter((r) => r.mainDomain === issued.mainDomain);
    expect(during).toEqual([{ ...afterFirst, pendingReissue: second.certificateId }]);
    await sandbox.validate(index);
    const records = await listAll(gs);
    expect(records).toHaveLength(60);
    const mine = records.filter((r) => r.mainDomain === issued.mainDomain);
    expect(mine).toEqual([
      {
        ...issued,
        id: second.certificateId,
        validFrom: formatDay(TODAY),
        validTo: formatDay(sandbox.book.get(index).validTo),
        providerStatus: 'Issued (4)',
        product: issued.product,
        pendingReissue: null,
      },
    ]);
    // Each order names the one it replaces, the immediate predecessor.
    const today = formatDay(TODAY);
    const details = await window(sandbox, today, today);
    expect(xmlText(xmlAt(byId(details, second.certificateId), 'OrderInfo', 'OriginalOrderIDForReIssue'))).toBe(first.certificateId);
    expect(xmlText(xmlAt(byId(details, first.certificateId), 'OrderInfo', 'OriginalOrderIDForReIssue'))).toBe(issued.id);
    // Only the newest order can be reissued.
    for (const id of [issued.id, first.certificateId]) {
      const again = await failureOf(gs.reissue({ certificate: { ...issued, id }, csr: await makeCsr(issued.mainDomain) }));
      expect(again.details.providerCode, id).toBe('-4016');
    }
  });

  it('puts the www twin GlobalSign adds into the issued certificate\'s names', async () => {
    const sandbox = await harness.start();
    const gs = harness.client(sandbox);
    const x509 = await import('@peculiar/x509');
    for (const www of [false, true]) {
      const issued = await pick(gs, www);
      const { certificateId } = await gs.reissue({ certificate: issued, csr: await makeCsr(issued.mainDomain) });
      await sandbox.validate(sandbox.indexOf(certificateId) as number);
      const state = await gs.orderState(certificateId);
      const san = new x509.X509Certificate(state.certificate as string).getExtension(x509.SubjectAlternativeNameExtension);
      const twin = www ? issued.mainDomain.slice(4) : `www.${issued.mainDomain}`;
      expect(san?.names.items.map((name) => name.value).sort()).toEqual([issued.mainDomain, twin].sort());
    }
  });

  it('leaves the old order in force when a reissue is denied or cancelled, and reissues it again', async () => {
    const sandbox = await harness.start();
    const gs = harness.client(sandbox);
    const issued = await pick(gs, false);
    const index = sandbox.indexOf(issued.id) as number;
    const denied = await gs.reissue({ certificate: issued, csr: await makeCsr(issued.mainDomain) });
    sandbox.failValidation(index, 'the DNS record was not found');
    expect(await gs.orderState(denied.certificateId)).toMatchObject({ stage: 'failed', providerStatus: 'Denied (10)', reason: 'Denied: -4147 [OrderID] the DNS record was not found' });
    expect((await listAll(gs)).filter((r) => r.mainDomain === issued.mainDomain)).toEqual([{ ...issued, pendingReissue: null }]);
    const cancelled = await gs.reissue({ certificate: issued, csr: await makeCsr(issued.mainDomain) });
    const today = formatDay(TODAY);
    expect(xmlText(xmlAt(byId(await window(sandbox, today, today), cancelled.certificateId), 'OrderInfo', 'OriginalOrderIDForReIssue'))).toBe(issued.id);
    sandbox.failValidation(index, 'cancelled at the customer\'s request', 'cancelled');
    expect(await gs.orderState(cancelled.certificateId)).toMatchObject({ stage: 'cancelled', providerStatus: 'Cancelled - not issued (3)', reason: 'Cancelled - not issued: -9915 [OrderID] cancelled at the customer\'s request' });
    // The denied order stays denied though the book has moved on to the next reissue.
    expect((await gs.orderState(denied.certificateId)).stage).toBe('failed');
    expect((await listAll(gs)).filter((r) => r.mainDomain === issued.mainDomain)).toEqual([{ ...issued, pendingReissue: null }]);
    // A reissue of an order that never had a certificate is refused.
    expect((await failureOf(gs.reissue({ certificate: { ...issued, id: denied.certificateId }, csr: await makeCsr(issued.mainDomain) }))).details.providerCode).toBe('-4008');
  });

  it('shows a reissue begun in the panel as a new order the list names as pending', async () => {
    const sandbox = await harness.start();
    const gs = harness.client(sandbox);
    const issued = await pick(gs, false);
    const index = sandbox.indexOf(issued.id) as number;
    const result = await sandbox.panelReissue(index);
    expect('refused' in result).toBe(false);
    const [listed] = (await listAll(gs)).filter((r) => r.mainDomain === issued.mainDomain);
    expect(listed?.id).toBe(issued.id);
    expect(listed?.pendingReissue).toMatch(/^CE9\d{11}$/);
    const id = listed?.pendingReissue as string;
    expect(sandbox.indexOf(id)).toBe(index);
    expect((await gs.orderState(id)).stage).toBe('validating');
    await sandbox.validate(index);
    const state = await gs.orderState(id);
    const x509 = await import('@peculiar/x509');
    const leaf = new x509.X509Certificate(state.certificate as string);
    const request = new x509.Pkcs10CertificateRequest(sandbox.book.get(index).csr as string);
    expect(Buffer.from(leaf.publicKey.rawData).equals(Buffer.from(request.publicKey.rawData))).toBe(true);
    expect((await listAll(gs)).filter((r) => r.mainDomain === issued.mainDomain).map((r) => [r.id, r.pendingReissue])).toEqual([[id, null]]);
  });
});
