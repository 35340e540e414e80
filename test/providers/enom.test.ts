import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { day, formatDay } from '../../src/rules/calendar.js';
import { createEnomClient } from '../../src/providers/enom/client.js';
import { enomFailureCause, enomStatus, enomValidation, formatEnomDateTime, parseEnomAmount, parseEnomDate, readEnomCsr } from '../../src/providers/enom/wire.js';
import { enomIntegrationSchema, ENOM_API_URL } from '../../src/providers/enom/settings.js';
import { fileLog } from '../../src/providers/log.js';
import { networkSettingsSchema } from '../../src/providers/settings.js';
import type { CertificateRecord, ProviderClient } from '../../src/providers/types.js';
import { parseProviderXml, xmlAt } from '../../src/providers/xml.js';
import { EXAMPLE_CSR_LINES, EXAMPLE_CSR_PEM, makeCsr, parseCsr } from '../helpers/csr.js';
import { failureOf, providerConformance, providerHarness, listAll } from './conformance.js';

// 620 certificates: pages of 250, 250 and 120.
providerConformance('enom', { certificates: 620, originalCsr: true });

describe('eNom wire format', () => {
  it('reads amounts with thousands separators, negative ones too', () => {
    expect(parseEnomAmount('2,261.65')).toBe(2261.65);
    expect(parseEnomAmount('-1,832.23')).toBe(-1832.23);
    expect(parseEnomAmount('1,204')).toBe(1204);
    expect(parseEnomAmount('12.3.4')).toBeNull();
    expect(parseEnomAmount('')).toBeNull();
  });

  it('reads M/D/YYYY dates, with or without a time', () => {
    expect(parseEnomDate('3/2/2026')).toBe('2026-03-02');
    expect(parseEnomDate('12/15/2017 5:13:02 PM')).toBe('2017-12-15');
    expect(parseEnomDate('2/30/2026')).toBeNull();
    expect(parseEnomDate('2026-03-02')).toBeNull();
  });

  it('maps error texts, statuses and products', () => {
    expect(enomFailureCause('Bad User name or Password')).toBe('credentials');
    expect(enomFailureCause('User not permitted from this IP address - 4')).toBe('ip-not-allowed');
    expect(enomFailureCause('Invalid client IP')).toBe('ip-not-allowed');
    expect(enomFailureCause('Domain name not found')).toBe('provider-error');
    expect(enomStatus(4, false)).toBe('issued');
    expect(enomStatus(4, true)).toBe('expired');
    expect(enomStatus(9, false)).toBe('pending');
    expect(enomStatus(7, false)).toBe('cancelled');
    expect(enomStatus(99, false)).toBe('unknown');
    expect(enomValidation('SSL Certificate - RapidSSL')).toBe('dv');
    expect(enomValidation('GeoTrust True BusinessID')).toBe('ov');
    expect(enomValidation('GeoTrust True BusinessID with EV')).toBe('ev');
  });

  it('defaults the API URL to the seeds address and refuses plain http elsewhere', () => {
    expect(enomIntegrationSchema.parse({ username: 'u', password: 'p' }).apiUrl).toBe(ENOM_API_URL);
    const refused = enomIntegrationSchema.safeParse({ username: 'u', password: 'p', apiUrl: 'http://reseller.enom.com/interface.asp' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe('plain http:// is refused for reseller.enom.com: the password would travel in clear; use https://');
  });

  it('writes and reads CertGetCertDetail\'s "12/15/2017 5:13:02 PM" dates', () => {
    expect(formatEnomDateTime(day('2017-12-15'), 17 * 3600 + 13 * 60 + 2)).toBe('12/15/2017 5:13:02 PM');
    expect(formatEnomDateTime(day('2016-12-16'), 0)).toBe('12/16/2016 12:00:00 AM');
    expect(formatEnomDateTime(day('2016-12-16'), 12 * 3600)).toBe('12/16/2016 12:00:00 PM');
    expect(formatEnomDateTime(day('2026-03-02'), 86_399)).toBe('3/2/2026 11:59:59 PM');
    expect(parseEnomDate(formatEnomDateTime(day('2026-03-02'), 45_000))).toBe('2026-03-02');
  });

  /** A CertGetCertDetail answer shaped after the sample of eNom's reference (cert-get-certdetail.md): CDATA, NEW armour, indented lines, a PVT. */
  const recordedDetail = (csr: string) =>
    `<?xml version="1.0" encoding="utf-8"?>\n<interface-response>\n<CertGetCertDetail>\n <CertID>726347</CertID>\n <DomainName>www.example.com</DomainName>\n` +
    ` <ValidityPeriod>12</ValidityPeriod>\n <OrderDate>12/15/2016 5:13:02 PM</OrderDate>\n <ConfigDate></ConfigDate>\n <CertStatusID>4</CertStatusID>\n` +
    ` <CertStatus>Certificate Issued</CertStatus>\n <ProdDesc>SSL Certificate - RapidSSL</ProdDesc>\n <SSLCertificate><![CDATA[]]>\n </SSLCertificate>\n` +
    ` <CSR>${csr}\n </CSR>\n <CACerts><![CDATA[]]></CACerts>\n <PVT><![CDATA[-----BEGIN RSA PRIVATE KEY-----\n  -----END RSA PRIVATE KEY-----]]></PVT>\n` +
    ` <AdminOrgName><![CDATA[Rightside]]></AdminOrgName>\n</CertGetCertDetail>\n<Command>CERTGETCERTDETAIL</Command>\n<APIType>API.NET</APIType>\n<Language>eng</Language>\n` +
    `<ErrCount>0</ErrCount>\n<ResponseCount>0</ResponseCount>\n<Site>eNom</Site>\n<Done>true</Done>\n<RequestDateTime>12/16/2016 1:17:27 PM</RequestDateTime>\n</interface-response>`;
  const sampleCsr = `<![CDATA[${['-----BEGIN NEW CERTIFICATE REQUEST-----', ...EXAMPLE_CSR_LINES, '-----END NEW CERTIFICATE REQUEST-----'].join('\n  ')}]]>`;
  const rootOf = (xml: string) => xmlAt(parseProviderXml(xml, 'test'), 'interface-response');

  it('reads the CSR of a recorded-shape CertGetCertDetail answer: CDATA, NEW armour, indented lines', async () => {
    const read = readEnomCsr(rootOf(recordedDetail(sampleCsr)));
    expect(read).toEqual({ kind: 'pem', pem: EXAMPLE_CSR_PEM });
    if (read.kind === 'pem') expect(await parseCsr(read.pem)).toMatchObject({ commonName: ['www.example.com'], dnsNames: ['www.example.com', 'example.com'], verified: true });
    for (const empty of ['<![CDATA[]]>', '', '<![CDATA[-----BEGIN NEW CERTIFICATE REQUEST-----\n  -----END NEW CERTIFICATE REQUEST-----]]>']) {
      expect(readEnomCsr(rootOf(recordedDetail(empty))), empty).toEqual({ kind: 'none' });
    }
    expect(readEnomCsr(rootOf(recordedDetail('<![CDATA[pending]]>'))).kind).toBe('invalid');
  });

  const servers: Server[] = [];
  const clients: ProviderClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  /** An interface.asp on loopback answering `answers` in turn, keeping the request bodies. */
  async function stubEnom(answers: string[]): Promise<{ client: ProviderClient; bodies: URLSearchParams[]; lines: string[] }> {
    const bodies: URLSearchParams[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        bodies.push(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(answers.shift() ?? '');
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const lines: string[] = [];
    const client = createEnomClient({
      integration: enomIntegrationSchema.parse({ username: 'reseller', password: 'pw', apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/interface.asp` }),
      network: networkSettingsSchema.parse({ connectTimeoutMs: 2000, totalTimeoutMs: 5000 }),
      log: { level: 6, write: (_level, message) => lines.push(message) },
      readRetries: 0,
      retryDelayMs: 5,
    });
    clients.push(client);
    return { client, bodies, lines };
  }

  it('asks CertGetCertDetail with the CertID, answers null for an empty CSR, and refuses what is not one', async () => {
    const { client, bodies, lines } = await stubEnom([
      recordedDetail(sampleCsr),
      recordedDetail('<![CDATA[]]>'),
      recordedDetail('<![CDATA[pending]]>'),
      '<?xml version="1.0"?><interface-response><Command>CERTGETCERTDETAIL</Command><ErrCount>0</ErrCount><Done>true</Done></interface-response>',
      '<?xml version="1.0"?><interface-response><Command>CERTGETCERTDETAIL</Command><ErrCount>1</ErrCount><errors><Err1>Certificate not found</Err1></errors><Done>true</Done></interface-response>',
    ]);
    const certificate = { id: '726347' } as CertificateRecord;
    expect(await client.originalCsr(certificate)).toBe(EXAMPLE_CSR_PEM);
    expect(Object.fromEntries(bodies[0] ?? [])).toEqual({ command: 'CertGetCertDetail', uid: 'reseller', pw: 'pw', responsetype: 'xml', CertID: '726347' });
    expect(await client.originalCsr(certificate)).toBeNull();
    expect(lines).toContain('eNom CertGetCertDetail: certificate 726347 has no CSR');
    const invalid = await failureOf(client.originalCsr(certificate));
    expect(invalid.failure).toBe('unexpected-response');
    expect(invalid.message).toBe('eNom CertGetCertDetail: the CSR of certificate 726347 is not a CSR (it is neither PEM nor base64)');
    const bare = await failureOf(client.originalCsr(certificate));
    expect(bare.message).toBe('eNom CertGetCertDetail: the answer for certificate 726347 has no <CertGetCertDetail>');
    const unknown = await failureOf(client.originalCsr(certificate));
    expect(unknown.failure).toBe('provider-error');
    expect(unknown.message).toBe('eNom CertGetCertDetail failed ("Certificate not found")');
  });

  const harness = providerHarness('enom', { certificates: 40 });

  it('answers CertGetCertDetail with the book\'s dates and CSR, and hands back the key of a CSR it made, masked in the log', async () => {
    const sandbox = await harness.start();
    const directory = mkdtempSync(join(tmpdir(), 'certops-enom-'));
    const log = fileLog({ directory, logName: 'pmenomssl', level: 9, secrets: [] });
    const client = harness.client(sandbox, { config: { log } });
    const records = await listAll(client);
    const record = records.find((r) => r.status === 'issued' && client.reissueSupport(r).supported) as CertificateRecord;
    const index = Number(record.id) - 800_000;
    expect(await client.originalCsr(record)).toBe(sandbox.book.get(index).csr);
    const key = sandbox.book.privateKeyOf(index) as string;
    expect(sandbox.issuedSecrets.has(key)).toBe(true);
    await client.reissue({ certificate: record, csr: await makeCsr(record.mainDomain) });
    expect(sandbox.book.privateKeyOf(index)).toBeNull();
    const text = readdirSync(directory)
      .map((name) => readFileSync(join(directory, name), 'utf8'))
      .join('\n');
    expect(text.match(/<PVT>\*\*\*<\/PVT>/g)).toHaveLength(1);
    expect(text).toContain('<OrderDate>');
    for (const line of key.split('\n').slice(1, -1)) expect(text).not.toContain(line);

    const detail = await fetch(sandbox.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ command: 'CertGetCertDetail', uid: sandbox.account.username, pw: sandbox.account.password, responsetype: 'xml', CertID: record.id }),
    });
    const root = rootOf(await detail.text());
    const cert = sandbox.book.get(index);
    const field = (name: string) => String(xmlAt(root, 'CertGetCertDetail', name));
    expect(field('OrderDate')).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M$/);
    expect(parseEnomDate(field('OrderDate'))).toBe(formatDay(cert.orderDate));
    expect(parseEnomDate(field('ExpirationDate'))).toBe(formatDay(cert.validTo));
    expect(field('ReissueStatus')).toBe('Reissued');
    // The reissue brought the customer's own CSR: eNom has no key for it, and writes an empty one.
    expect(field('PVT')).toBe('-----BEGIN RSA PRIVATE KEY-----\n  -----END RSA PRIVATE KEY-----');
    expect(readEnomCsr(root)).toEqual({ kind: 'pem', pem: cert.csr });
  });

  it('answers an unknown CertID with eNom\'s error, as a provider error', async () => {
    const sandbox = await harness.start();
    const failure = await failureOf(harness.client(sandbox).originalCsr({ id: '799999' } as CertificateRecord));
    expect(failure.failure).toBe('provider-error');
    expect(failure.message).toBe('eNom CertGetCertDetail failed ("Certificate not found")');
  });

  it('leaves other names to the detail call and marks Comodo products as not reissuable', async () => {
    const sandbox = await harness.start();
    const client = harness.client(sandbox);
    const records = await listAll(client);
    expect(records.every((r) => r.otherNames === null)).toBe(true);
    const comodo = records.find((r) => r.product?.startsWith('Comodo'));
    expect(comodo && client.reissueSupport(comodo)).toEqual({
      supported: false,
      reason: `eNom's API reissues only Symantec, VeriSign and GeoTrust certificates, not ${comodo?.product}`,
    });
  });
});
