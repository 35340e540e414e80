import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { day, formatDay } from '../../src/rules/calendar.js';
import { createEnomClient } from '../../src/providers/enom/client.js';
import {
  enomDnsAuthFields,
  enomDnsRecord,
  enomFailureCause,
  enomFileAuthName,
  enomHttpFile,
  enomOrderStage,
  enomReissueState,
  enomReissueStatus,
  enomStatus,
  enomStatusOf,
  enomValidation,
  enomValidationMethod,
  formatEnomDateTime,
  parseEnomAmount,
  parseEnomDate,
  readEnomCertificates,
  readEnomCsr,
} from '../../src/providers/enom/wire.js';
import { readCsrText } from '../../src/providers/csr-pem.js';
import { enomIntegrationSchema, ENOM_API_URL } from '../../src/providers/enom/settings.js';
import { fileLog } from '../../src/providers/log.js';
import { networkSettingsSchema } from '../../src/providers/settings.js';
import type { CertificateRecord, ProviderClient } from '../../src/providers/types.js';
import { parseProviderXml, xmlAt } from '../../src/providers/xml.js';
import { EXAMPLE_CSR_LINES, EXAMPLE_CSR_PEM, makeCsr, parseCsr } from '../helpers/csr.js';
import { createSandboxCa } from '../../src/providers/sandbox-kit/ca.js';
import type { RunningSandbox } from '../../src/providers/sandbox-kit/server.js';
import { failureOf, providerConformance, providerHarness, listAll, TODAY } from './conformance.js';

/** The canonical PEM certops hands back for a CSR. */
function canonicalCsr(csr: string): string {
  const read = readCsrText(csr);
  if (read.kind !== 'pem') throw new Error('not a CSR');
  return read.pem;
}

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

  it('defaults the API URL to the address BILLmanager gives and refuses plain http elsewhere', () => {
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
  async function stubEnom(answers: string[]): Promise<{ client: ProviderClient; bodies: URLSearchParams[]; lines: string[]; levels: Map<string, number> }> {
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
    const levels = new Map<string, number>();
    const client = createEnomClient({
      integration: enomIntegrationSchema.parse({ username: 'reseller', password: 'pw', apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/interface.asp` }),
      network: networkSettingsSchema.parse({ connectTimeoutMs: 2000, totalTimeoutMs: 5000 }),
      log: {
        level: 6,
        write: (level, message) => {
          lines.push(message);
          levels.set(message, level);
        },
      },
      readRetries: 0,
      retryDelayMs: 5,
    });
    clients.push(client);
    return { client, bodies, lines, levels };
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
    const reissueCsr = await makeCsr(record.mainDomain);
    await client.reissue({ certificate: record, csr: reissueCsr });
    // A reissue waits for validation: the key of the CSR in force stays the book's until then.
    expect(sandbox.book.privateKeyOf(index)).toBe(key);
    const text = readdirSync(directory)
      .map((name) => readFileSync(join(directory, name), 'utf8'))
      .join('\n');
    expect(text.match(/<PVT>\*\*\*<\/PVT>/g)).toHaveLength(1);
    expect(text).toContain('<OrderDate>');
    for (const line of key.split('\n').slice(1, -1)) expect(text).not.toContain(line);

    const detailOf = async () => {
      const detail = await fetch(sandbox.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ command: 'CertGetCertDetail', uid: sandbox.account.username, pw: sandbox.account.password, responsetype: 'xml', CertID: record.id }),
      });
      const root = rootOf(await detail.text());
      return { root, field: (name: string) => String(xmlAt(root, 'CertGetCertDetail', name)) };
    };
    const waiting = await detailOf();
    const cert = sandbox.book.get(index);
    expect(waiting.field('OrderDate')).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M$/);
    expect(parseEnomDate(waiting.field('OrderDate'))).toBe(formatDay(cert.orderDate));
    // Changed from the instant reissue: while the reissue waits, the certificate in force (its
    // ExpirationDate) is unchanged and ReissueStatus says a reissue waits, not "Reissued".
    expect(parseEnomDate(waiting.field('ExpirationDate'))).toBe(formatDay(cert.validTo));
    expect(waiting.field('ReissueStatus')).toBe(enomReissueStatus('validating', 'detail'));
    // The reissue brought the customer's own CSR: eNom has no key for it, and writes an empty one.
    expect(waiting.field('PVT')).toBe('-----BEGIN RSA PRIVATE KEY-----\n  -----END RSA PRIVATE KEY-----');
    expect(readEnomCsr(waiting.root)).toEqual({ kind: 'pem', pem: canonicalCsr(reissueCsr) });

    await sandbox.validate(index);
    expect(sandbox.book.privateKeyOf(index)).toBeNull();
    const done = await detailOf();
    expect(done.field('ReissueStatus')).toBe('Reissued');
    expect(parseEnomDate(done.field('ExpirationDate'))).toBe(formatDay(sandbox.book.get(index).validTo));
    expect(readEnomCsr(done.root)).toEqual({ kind: 'pem', pem: sandbox.book.get(index).csr && canonicalCsr(sandbox.book.get(index).csr as string) });
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
      reason: `ENOM's API reissues only Symantec, VeriSign and GeoTrust certificates, not ${comodo?.product}`,
    });
  });

  /** A CertGetCertDetail answer in the field order of eNom's sample (cert-get-certdetail.md), its values replaced by `fields` (XML text). */
  const sampleDetail = (fields: Record<string, string> = {}) => {
    const base: [string, string][] = [
      ['CertID', '726347'], ['DomainName', 'buditest.com'], ['ValidityPeriod', '12'], ['OrderDate', '12/15/2016 5:13:02 PM'], ['ConfigDate', ''],
      ['RenewalIndicator', 'False'], ['OrderID', '267562392'], ['ExpirationDate', '12/15/2017 5:13:02 PM'], ['ServerCount', '1'], ['DVAuthMethod', 'DNS'],
      ['AuthStatusID', ''], ['AuthStatusName', ''], ['AuthStatusLastUpdate', ''], ['ApproverEmail', ''], ['FileAuthName', ''], ['FileAuthContents', ''],
      ['DNSAuthEntry', 's23lxkrm431e2d23d1188qij441a'], ['DNSAuthAddress', 's20201215064552.buditest.com'], ['Message', ''], ['CertStatusID', '1'],
      ['CertStatus', 'Awaiting Configuration'], ['CertStatusDetail', ''], ['CertOrderStateID', ''], ['CertOrderStateName', ''], ['ReissueStatus', ''],
      ['ComodoReissueStatus', ''], ['ProdType', '286'], ['ProdDesc', 'Symantec Encryption Everywhere'], ['UseWebHosting', '0'],
      ['SSLCertificate', '<![CDATA[]]>'], ['CSR', '<![CDATA[]]>'], ['CACerts', '<![CDATA[]]>'],
      ['PVT', '<![CDATA[-----BEGIN RSA PRIVATE KEY-----\n  -----END RSA PRIVATE KEY-----]]>'],
    ];
    const extra = Object.entries(fields).filter(([name]) => !base.some(([known]) => known === name));
    const body = [...base.map(([name, value]): [string, string] => [name, fields[name] ?? value]), ...extra]
      .map(([name, value]) => (value === '' ? ` <${name} />` : ` <${name}>${value}</${name}>`))
      .join('\n');
    return (
      `<?xml version="1.0" encoding="utf-8"?>\n<interface-response>\n<CertGetCertDetail>\n${body}\n</CertGetCertDetail>\n<Command>CERTGETCERTDETAIL</Command>\n` +
      `<APIType>API.NET</APIType>\n<Language>eng</Language>\n<ErrCount>0</ErrCount>\n<ResponseCount>0</ResponseCount>\n<Site>eNom</Site>\n<Done>true</Done>\n</interface-response>`
    );
  };
  /** A PEM as eNom's sample writes SSLCertificate: in CDATA, every line after the first indented by a space. */
  const cdataPem = (...pems: string[]) => `<![CDATA[${pems.map((pem) => pem.trim().split('\n').join('\n ')).join('\n ')}]]>`;

  it('reads the validation eNom\'s own CertGetCertDetail sample asks for: DNSAuthAddress is the record\'s name, DNSAuthEntry its value', async () => {
    const { client, bodies } = await stubEnom([sampleDetail()]);
    expect(await client.orderState('726347')).toEqual({
      certificateId: '726347',
      stage: 'validating',
      providerStatus: 'Awaiting Configuration',
      reason: null,
      validation: {
        method: 'dns',
        approverEmail: null,
        dnsRecord: { name: 's20201215064552.buditest.com', type: 'TXT', value: 's23lxkrm431e2d23d1188qij441a' },
        httpFile: null,
        detail: null,
      },
      certificate: null,
      chain: [],
      validFrom: null,
      validTo: null,
    });
    expect(Object.fromEntries(bodies[0] ?? [])).toEqual({ command: 'CertGetCertDetail', uid: 'reseller', pw: 'pw', responsetype: 'xml', CertID: '726347' });
  });

  it('collects an issued certificate: the leaf from SSLCertificate, the chain leaf\'s issuer first without the root, whatever order CACerts gives', async () => {
    const ca = await createSandboxCa('recorded');
    const csr = await makeCsr('buditest.com');
    const leaf = await ca.issue(csr, day('2026-11-23'), day('2027-02-01'));
    const [leafPem] = readEnomCertificates(leaf);
    const [intermediatePem] = readEnomCertificates(ca.intermediatePem);
    const issued = { CertStatusID: '4', CertStatus: 'Certificate Issued', ExpirationDate: '2/1/2027 12:00:00 PM', SSLCertificate: cdataPem(leaf) };
    const { client, lines, levels } = await stubEnom([
      // The root first, then the intermediate, and eNom's own mismatched pair "Cert Issued" with CertStatusID 7.
      sampleDetail({ ...issued, CertStatusID: '7', CertStatus: 'Cert Issued', CACerts: cdataPem(ca.rootPem, ca.intermediatePem) }),
      // Symantec Encryption Everywhere's IntermediateCertificates/ICA1 instead of CACerts.
      sampleDetail({ ...issued, IntermediateCertificates: `<ICA1>${cdataPem(ca.intermediatePem)}</ICA1>` }),
      sampleDetail({ ...issued, SSLCertificate: '<![CDATA[-----BEGIN CERTIFICATE-----\n not base64 at all \n-----END CERTIFICATE-----]]>' }),
      sampleDetail({ ...issued, SSLCertificate: '<![CDATA[]]>' }),
    ]);
    const first = await client.orderState('726347');
    expect(first).toMatchObject({ stage: 'issued', certificate: leafPem, chain: [intermediatePem], validFrom: '2026-11-23', validTo: '2027-02-01', validation: null, reason: null });
    const disagreement = 'eNom CertGetCertDetail: certificate 726347: CertStatus "Cert Issued" disagrees with CertStatusID 7 ("Refunded - No Cert Issued"); taken as issued, as the text says';
    expect(lines).toContain(disagreement);
    expect(levels.get(disagreement)).toBe(4);
    const x509 = await import('@peculiar/x509');
    expect(Buffer.from(new x509.X509Certificate(first.certificate as string).publicKey.rawData).equals(Buffer.from(new x509.Pkcs10CertificateRequest(csr).publicKey.rawData))).toBe(true);
    expect((await client.orderState('726347')).chain).toEqual([intermediatePem]);
    const garbled = await failureOf(client.orderState('726347'));
    expect(garbled.failure).toBe('unexpected-response');
    expect(garbled.message).toBe('eNom CertGetCertDetail: the certificate of 726347 is not PEM');
    expect(await client.orderState('726347')).toMatchObject({ stage: 'issued', certificate: null, chain: [], validTo: '2027-02-01' });
    expect(levels.get('eNom CertGetCertDetail: certificate 726347 is issued but its SSLCertificate is empty')).toBe(4);
  });

  it('puts a reissue\'s own state before the certificate in force\'s status, and reads failures and cancellations with eNom\'s reason', async () => {
    const ca = await createSandboxCa('recorded');
    const oldLeaf = await ca.issue(await makeCsr('buditest.com'), day('2026-01-01'), day('2026-12-01'));
    const inForce = { CertStatusID: '4', CertStatus: 'Certificate Issued', SSLCertificate: cdataPem(oldLeaf), CACerts: cdataPem(ca.intermediatePem) };
    const { client } = await stubEnom([
      sampleDetail({ ...inForce, ReissueStatus: 'Pending', DVAuthMethod: 'File', DNSAuthEntry: '', DNSAuthAddress: '', AuthStatusName: 'FILE_NOT_FOUND', FileAuthName: 'A1B2C3.txt', FileAuthContents: 'token-1\nsandbox-ca\nbuditest.com' }),
      sampleDetail({ ...inForce, ReissueStatus: 'Pending', DVAuthMethod: 'Email', DNSAuthEntry: '', DNSAuthAddress: '', ApproverEmail: 'admin@buditest.com' }),
      sampleDetail({ ...inForce, ReissueStatus: 'Rejected', CertStatusDetail: 'The approver declined the request' }),
      sampleDetail({ ...inForce, ReissueStatus: 'Cancelled', Message: 'Cancelled at the customer\'s request' }),
      sampleDetail({ CertStatusID: '6', CertStatus: 'Rejected by Customer' }),
      sampleDetail({ CertStatusID: '8', CertStatus: 'Refunded - Cert Issued', CertStatusDetail: 'Refunded on request' }),
      sampleDetail({ CertStatusID: '99', CertStatus: 'Something new' }),
    ]);
    const file = await client.orderState('726347');
    expect(file).toMatchObject({ stage: 'validating', certificate: null, chain: [], providerStatus: 'Certificate Issued, ReissueStatus Pending' });
    expect(file.validation).toEqual({
      method: 'http',
      approverEmail: null,
      dnsRecord: null,
      httpFile: { path: '/.well-known/pki-validation/A1B2C3.txt', content: 'token-1\nsandbox-ca\nbuditest.com' },
      detail: 'FILE_NOT_FOUND',
    });
    expect((await client.orderState('726347')).validation).toMatchObject({ method: 'email', approverEmail: 'admin@buditest.com', dnsRecord: null, httpFile: null });
    expect(await client.orderState('726347')).toMatchObject({ stage: 'failed', reason: 'The approver declined the request', certificate: null, validation: null });
    expect(await client.orderState('726347')).toMatchObject({ stage: 'cancelled', reason: 'Cancelled at the customer\'s request', certificate: null });
    expect(await client.orderState('726347')).toMatchObject({ stage: 'failed', reason: 'Rejected by Customer', providerStatus: 'Rejected by Customer' });
    expect(await client.orderState('726347')).toMatchObject({ stage: 'cancelled', reason: 'Refunded on request' });
    const unknown = await failureOf(client.orderState('726347'));
    expect(unknown.failure).toBe('unexpected-response');
    expect(unknown.message).toBe('eNom CertGetCertDetail: certificate 726347 has a status certops does not know (Something new)');
  });

  it('trusts CertStatus when it says issued beside another CertStatusID (eNom\'s own CertGetCerts sample), and logs the disagreement at level 4', async () => {
    const cert = (fields: Record<string, string>) =>
      `<Cert><IsExpired>${fields.IsExpired ?? 'False'}</IsExpired><CertID>${fields.CertID}</CertID><OrderDate>12/15/2016</OrderDate><ConfigDate></ConfigDate>` +
      `<DomainName><![CDATA[buditest.com]]></DomainName><ValidityPeriod>12</ValidityPeriod><RenewalIndicator>False</RenewalIndicator><ProdType>23</ProdType>` +
      `<ProdDesc>SSL Certificate - RapidSSL</ProdDesc><ExpirationDate>${fields.ExpirationDate ?? '12/15/2017'}</ExpirationDate><ServerCount>1</ServerCount>` +
      `<CertStatus>${fields.CertStatus}</CertStatus><CertStatusID>${fields.CertStatusID}</CertStatusID><OrderID>267562071</OrderID><DomainCountAllowed></DomainCountAllowed>` +
      `<ReissueStatus>${fields.ReissueStatus ?? ''}</ReissueStatus></Cert>`;
    const list = (...certs: string[]) =>
      `<?xml version="1.0" encoding="utf-8"?>\n<interface-response><CertGetCerts><Certs>${certs.join('')}<ProductType>all</ProductType><StatusID>all</StatusID>` +
      `<StartPosition>1</StartPosition><PagingPageSize>250</PagingPageSize><Count>${certs.length}</Count><Sortby></Sortby><SortByDirection>desc</SortByDirection>` +
      `<TotalRecords>${certs.length}</TotalRecords></Certs></CertGetCerts><TotalCertCount>${certs.length}</TotalCertCount><Command>CERTGETCERTS</Command>` +
      `<ErrCount>0</ErrCount><Done>true</Done></interface-response>`;
    const { client, levels } = await stubEnom([
      list(
        cert({ CertID: '726340', CertStatus: 'Cert Issued', CertStatusID: '7' }),
        cert({ CertID: '435118', CertStatus: 'Awaiting Configuration', CertStatusID: '1', IsExpired: 'True', ExpirationDate: '12/9/2014' }),
        cert({ CertID: '726341', CertStatus: 'Refunded - No Cert Issued', CertStatusID: '7' }),
        cert({ CertID: '726342', CertStatus: 'Certificate Issued', CertStatusID: '4', ReissueStatus: 'True' }),
      ),
    ]);
    const records = await listAll(client);
    expect(records.map((r) => [r.id, r.status, r.providerStatus, r.pendingReissue])).toEqual([
      ['726340', 'issued', 'Cert Issued', null],
      ['435118', 'expired', 'Awaiting Configuration', null],
      ['726341', 'cancelled', 'Refunded - No Cert Issued', null],
      // A reissue under way: the list keeps the certificate in force, and names the reissue by the same CertID.
      ['726342', 'issued', 'Certificate Issued', '726342'],
    ]);
    expect(records[3]?.validTo).toBe('2017-12-15');
    expect([...levels].filter(([, level]) => level <= 4)).toEqual([['eNom CertGetCerts: certificate 726340: CertStatus "Cert Issued" disagrees with CertStatusID 7 ("Refunded - No Cert Issued"); taken as issued, as the text says', 4]]);
    expect(enomStatusOf(8, 'Refunded - Cert Issued', false)).toEqual({ status: 'cancelled', disagreement: null });
    expect(enomStatusOf(13, 'Cert Installed', false)).toEqual({ status: 'issued', disagreement: null });
    expect(enomStatusOf(7, 'Cert Issued', true).status).toBe('expired');
    expect(enomOrderStage(7, 'Cert Issued')).toBe('issued');
    expect(enomOrderStage(7, 'Refunded - No Cert Issued')).toBe('cancelled');
    expect(enomOrderStage(6, 'Rejected by Customer')).toBe('failed');
    expect(enomOrderStage(9, 'Approval Email Sent')).toBe('validating');
    expect(enomOrderStage(3, 'Obsolete')).toBeNull();
  });

  it('reads Balance and AvailableBalance apart: what can be spent is AvailableBalance', async () => {
    const answer = (fields: string) =>
      `<?xml version="1.0" encoding="utf-8"?>\n<interface-response>\n <Reseller>1</Reseller>\n${fields}\n <Price>8.95</Price>\n <DomainCount>37</DomainCount>\n` +
      ` <Command>GETBALANCE</Command>\n <ErrCount>0</ErrCount>\n <ResponseCount>0</ResponseCount>\n <Done>true</Done>\n</interface-response>`;
    const { client, levels } = await stubEnom([
      answer(' <Balance>1,204.10</Balance>\n <AvailableBalance>1,150.00</AvailableBalance>'),
      answer(' <Balance>-1,832.23</Balance>\n <AvailableBalance>6,193.37</AvailableBalance>'),
      answer(' <Balance>12.00</Balance>'),
      answer(' <Balance>12.00</Balance>\n <AvailableBalance>n/a</AvailableBalance>'),
    ]);
    expect(await client.getBalance()).toEqual({ amount: 1204.1, available: 1150, currency: 'USD' });
    expect(await client.getBalance()).toEqual({ amount: -1832.23, available: 6193.37, currency: 'USD' });
    expect(await client.getBalance()).toEqual({ amount: 12, currency: 'USD' });
    expect(levels.get('eNom GetBalance: the answer has no AvailableBalance; only Balance is known')).toBe(4);
    const unreadable = await failureOf(client.getBalance());
    expect(unreadable.failure).toBe('unexpected-response');
    expect(unreadable.message).toBe('eNom GetBalance: no readable AvailableBalance in the answer');

    // The sandbox holds 54.10 back for open orders: AvailableBalance is not Balance.
    const sandbox = await harness.start();
    expect(await harness.client(sandbox).getBalance()).toEqual({ amount: 1204.1, available: 1150, currency: 'USD' });
    const negative = await harness.start({ account: { balance: -1832.23 } });
    expect(await harness.client(negative).getBalance()).toEqual({ amount: -1832.23, available: -1886.33, currency: 'USD' });
  });

  it('writes and reads the guessed fields the same way: ReissueStatus, DNSAuthEntry/Address, FileAuthName, DVAuthMethod', () => {
    for (const state of ['validating', 'failed', 'cancelled', 'issued'] as const) expect(enomReissueState(enomReissueStatus(state, 'detail'))).toBe(state);
    expect(enomReissueState(enomReissueStatus('validating', 'list'))).toBe('validating');
    for (const state of ['failed', 'cancelled', 'issued', null] as const) expect(enomReissueState(enomReissueStatus(state, 'list'))).toBeNull();
    expect(enomReissueState('False')).toBeNull();
    expect(enomReissueState('')).toBeNull();
    expect(enomReissueState('Something else')).toBeNull();
    const fields = enomDnsAuthFields('_dnsauth.example.com', 'token-1');
    expect(enomDnsRecord(fields.DNSAuthEntry, fields.DNSAuthAddress, 'example.com')).toEqual({ name: '_dnsauth.example.com', type: 'TXT', value: 'token-1' });
    expect(enomDnsRecord('token-1', '', 'example.com')).toEqual({ name: 'example.com', type: 'TXT', value: 'token-1' });
    expect(enomDnsRecord('', 'x.example.com', 'example.com')).toBeNull();
    const path = '/.well-known/pki-validation/0A1B2C3D.txt';
    expect(enomFileAuthName(path)).toBe('0A1B2C3D.txt');
    expect(enomHttpFile(enomFileAuthName(path), 'c')).toEqual({ path, content: 'c' });
    expect(enomHttpFile('/other/place.txt', 'c')).toEqual({ path: '/other/place.txt', content: 'c' });
    expect(enomHttpFile('', 'c')).toBeNull();
    expect(['DNS', 'File', 'Email', 'email', 'HTTP', 'OV', ''].map(enomValidationMethod)).toEqual(['dns', 'http', 'email', 'email', 'http', 'unknown', 'unknown']);
  });

  /** A raw CertGetCertDetail or CertGetCerts answer from the sandbox, parsed. */
  async function rawCommand(sandbox: RunningSandbox, command: string, extra: Record<string, string> = {}) {
    const answer = await fetch(sandbox.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ command, uid: sandbox.account.username, pw: sandbox.account.password, responsetype: 'xml', ...extra }),
    });
    return rootOf(await answer.text());
  }

  it('sandbox: a reissue waits for validation by DNS, file or e-mail, shows in the list and the detail, and ends issued, failed or cancelled', async () => {
    const sandbox = await harness.start({ certificates: 60 });
    const client = harness.client(sandbox);
    const records = await listAll(client);
    const reissuable = records.filter((r) => r.status === 'issued' && client.reissueSupport(r).supported);
    const started = new Map<string, { record: CertificateRecord; index: number; csr: string }>();
    for (const record of reissuable) {
      const index = sandbox.indexOf(record.id) as number;
      const method = (index + 1) % 3;
      if ([...started.values()].some((s) => (s.index + 1) % 3 === method)) continue;
      const csr = await makeCsr(record.mainDomain);
      expect(await client.reissue({ certificate: record, csr })).toEqual({ certificateId: record.id, message: 'Reissue request submitted' });
      started.set(sandbox.book.get(index).pending?.validation.method as string, { record, index, csr });
    }
    expect([...started.keys()].sort()).toEqual(['dns', 'email', 'http']);
    const listed = new Map((await listAll(client)).map((r) => [r.id, r]));
    for (const [method, { record, index }] of started) {
      const cert = sandbox.book.get(index);
      // The list keeps the certificate in force and says a reissue waits.
      expect(listed.get(record.id)).toMatchObject({ status: 'issued', validTo: record.validTo, pendingReissue: record.id });
      const detail = await rawCommand(sandbox, 'CertGetCertDetail', { CertID: record.id });
      const field = (name: string) => String(xmlAt(detail, 'CertGetCertDetail', name));
      expect(field('DVAuthMethod')).toBe({ dns: 'DNS', http: 'File', email: 'Email' }[method]);
      expect(field('ReissueStatus')).toBe('Pending');
      expect(field('CertStatusID')).toMatch(/^[47]$/);
      if (method === 'http') expect(field('FileAuthName')).toBe(cert.pending?.validation.httpPath?.split('/').at(-1));
      if (method === 'dns') expect([field('DNSAuthAddress'), field('DNSAuthEntry')]).toEqual([cert.pending?.validation.dnsName, cert.pending?.validation.dnsValue]);
      if (method === 'email') expect(field('ApproverEmail')).toBe(cert.pending?.validation.approverEmail);
      const state = await client.orderState(record.id);
      expect(state).toMatchObject({ stage: 'validating', certificate: null, chain: [] });
      expect(state.validation?.method).toBe(method);
      // A second reissue while one waits is refused, as the CA refuses it.
      const again = await failureOf(client.reissue({ certificate: record, csr: await makeCsr(record.mainDomain) }));
      expect(again.failure).toBe('provider-error');
      expect(again.message).toBe('eNom CertReissueCert failed ("Certificate cannot be reissued: a reissue of this certificate is already waiting for validation")');
    }

    const dns = started.get('dns') as { record: CertificateRecord; index: number; csr: string };
    await sandbox.validate(dns.index);
    const detail = await rawCommand(sandbox, 'CertGetCertDetail', { CertID: dns.record.id });
    const ca = await sandbox.ca();
    // CACerts as the sandbox guesses eNom writes it: the intermediate, then the root.
    expect(readEnomCertificates(String(xmlAt(detail, 'CertGetCertDetail', 'CACerts')))).toEqual([...readEnomCertificates(ca.intermediatePem), ...readEnomCertificates(ca.rootPem)]);
    const issued = await client.orderState(dns.record.id);
    expect(issued).toMatchObject({ stage: 'issued', chain: readEnomCertificates(ca.intermediatePem), validFrom: formatDay(TODAY), validTo: formatDay(sandbox.book.get(dns.index).validTo) });
    expect(readEnomCertificates(String(xmlAt(detail, 'CertGetCertDetail', 'SSLCertificate')))).toEqual([issued.certificate]);

    const http = started.get('http') as { record: CertificateRecord; index: number };
    sandbox.failValidation(http.index, 'the file was not found at the address', 'cancelled');
    expect(await client.orderState(http.record.id)).toMatchObject({ stage: 'cancelled', reason: 'the file was not found at the address', certificate: null });
    const email = started.get('email') as { record: CertificateRecord; index: number };
    sandbox.failValidation(email.index, 'the approver did not answer');
    expect(await client.orderState(email.record.id)).toMatchObject({ stage: 'failed', reason: 'the approver did not answer', providerStatus: expect.stringContaining('ReissueStatus Rejected') });

    const after = new Map((await listAll(client)).map((r) => [r.id, r]));
    expect(after.get(dns.record.id)).toMatchObject({ status: 'issued', pendingReissue: null, validTo: formatDay(sandbox.book.get(dns.index).validTo) });
    // A failed or cancelled reissue leaves the certificate in force as it was, and nothing under way.
    expect(after.get(http.record.id)).toMatchObject({ status: 'issued', pendingReissue: null, validTo: http.record.validTo });
    expect(after.get(email.record.id)).toMatchObject({ status: 'issued', pendingReissue: null, validTo: email.record.validTo });
  });

  it('sandbox: a certificate never reissued gives its issued leaf for the key of its CSR, the chain and its dates; some carry eNom\'s "Cert Issued" with CertStatusID 7', async () => {
    const sandbox = await harness.start({ certificates: 120 });
    const client = harness.client(sandbox);
    const records = await listAll(client);
    const odd = records.filter((r) => r.providerStatus === 'Cert Issued');
    expect(odd.length).toBeGreaterThan(0);
    for (const record of odd) expect(record.status).toBe('issued');
    const record = records.find((r) => r.status === 'issued' && r.providerStatus === 'Certificate Issued') as CertificateRecord;
    const index = sandbox.indexOf(record.id) as number;
    const state = await client.orderState(record.id);
    const ca = await sandbox.ca();
    expect(state).toMatchObject({ stage: 'issued', chain: readEnomCertificates(ca.intermediatePem), validTo: formatDay(sandbox.book.get(index).validTo), validFrom: formatDay(sandbox.book.get(index).validFrom) });
    const x509 = await import('@peculiar/x509');
    const csr = await client.originalCsr(record);
    expect(Buffer.from(new x509.X509Certificate(state.certificate as string).publicKey.rawData).equals(Buffer.from(new x509.Pkcs10CertificateRequest(csr as string).publicKey.rawData))).toBe(true);
    expect((await client.orderState((odd[0] as CertificateRecord).id)).stage).toBe('issued');
  });

  it('keeps the private key (PVT) of an orderState answer masked in a level-9 log, and retries orderState as a read', async () => {
    const sandbox = await harness.start();
    const directory = mkdtempSync(join(tmpdir(), 'certops-enom-'));
    const log = fileLog({ directory, logName: 'pmenomssl', level: 9, secrets: [] });
    const client = harness.client(sandbox, { config: { log } });
    const record = (await listAll(client)).find((r) => r.status === 'issued') as CertificateRecord;
    expect((await client.orderState(record.id)).stage).toBe('issued');
    const key = sandbox.book.privateKeyOf(sandbox.indexOf(record.id) as number) as string;
    expect(sandbox.issuedSecrets.has(key)).toBe(true);
    const text = readdirSync(directory)
      .map((name) => readFileSync(join(directory, name), 'utf8'))
      .join('\n');
    expect(text).toContain('<PVT>***</PVT>');
    expect(text).toContain('BEGIN CERTIFICATE');
    for (const line of key.split('\n').slice(1, -1)) expect(text).not.toContain(line);

    sandbox.faults.add('http-500');
    const before = sandbox.requests();
    expect((await failureOf(client.orderState(record.id))).failure).toBe('http-status');
    expect(sandbox.requests() - before).toBe(3);
  });
});
