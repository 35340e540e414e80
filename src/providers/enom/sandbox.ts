/**
 * A local eNom: interface.asp speaking the same XML (providers.md §3), on the sandbox kit. It serves
 * CheckLogin, GetBalance, CertGetCerts, CertGetCertDetail and CertReissueCert. CertGetCertDetail
 * answers with the CSR the book keeps for the certificate (made on first request; the reissue's once
 * one was asked for) in the documented sample's form, and, for a CSR the sandbox made itself, its
 * private key in PVT, as eNom does for keys it generated.
 *
 * A reissue keeps the CertID and waits for domain validation (validate(), or by itself after the
 * sandbox's validationDelayMs). Meanwhile CertStatus stays the certificate in force's ("Certificate
 * Issued", with its ExpirationDate and its leaf in SSLCertificate), and ReissueStatus says a reissue
 * waits (wire.ts's words); the detail gives DVAuthMethod with the matching fields. Once validated,
 * SSLCertificate holds the new leaf, signed by the sandbox's CA for the reissue CSR's key, and
 * CACerts the intermediate and the root. A failed or cancelled validation shows in ReissueStatus with
 * the CA's reason in CertStatusDetail; the certificate in force stays as it was.
 */
import type { ProviderSandbox } from '../provider-module.js';
import { escapeXml } from '../xml.js';
import type { SandboxCertificate } from '../sandbox-kit/dataset.js';
import type { SandboxContext, SandboxProtocol, SandboxRequest, SandboxResponse } from '../sandbox-kit/server.js';
import { enomReissuable } from './support.js';
import {
  ENOM_ACCOUNT_LOCKED,
  ENOM_BAD_CREDENTIALS,
  ENOM_CERT_STATUS_NAMES,
  ENOM_DV_AUTH_METHODS,
  ENOM_IP_NOT_PERMITTED,
  ENOM_MAX_PAGE_SIZE,
  enomCaCerts,
  enomDnsAuthFields,
  enomFileAuthName,
  enomIndentedPem,
  enomReissueStatus,
  formatEnomAmount,
  formatEnomDate,
  formatEnomDateTime,
  type EnomReissueState,
} from './wire.js';

const CERT_ID_BASE = 800_000;

/**
 * What the sandbox holds back from Balance for orders still open: AvailableBalance = Balance minus
 * this, so a client that reads the wrong field fails (1,204.10 and 1,150.00, the pair of
 * providers.md's GetBalance example). Why eNom's two amounts differ is not documented; its own sample
 * even has AvailableBalance above Balance (6,193.37 beside -1,832.23), so the client assumes no sign.
 */
export const SANDBOX_HELD_FOR_OPEN_ORDERS = 54.1;

/** The CertID of a book index, and back. */
function certIdOf(index: number): string {
  return String(CERT_ID_BASE + index);
}

function indexOfCertId(certificateId: string | undefined, size: number): number | null {
  if (!certificateId || !/^\d+$/.test(certificateId.trim())) return null;
  const index = Number(certificateId) - CERT_ID_BASE;
  return Number.isInteger(index) && index >= 0 && index < size ? index : null;
}

/** Product names by kind; GeoTrust-family ones can be reissued through the API, Comodo ones cannot. */
export function enomProduct(cert: SandboxCertificate): string {
  if (cert.multiDomain) {
    if (cert.validation === 'ev') return 'GeoTrust True BusinessID with EV Multi-Domain';
    if (cert.validation === 'ov') return 'GeoTrust True BusinessID Multi-Domain';
    return cert.index % 2 === 0 ? 'RapidSSL Multi-Domain' : 'Comodo PositiveSSL Multi-Domain';
  }
  if (cert.validation === 'ev') return 'GeoTrust True BusinessID with EV';
  if (cert.validation === 'ov') return 'GeoTrust True BusinessID';
  return cert.index % 3 === 0 ? 'Comodo PositiveSSL' : 'SSL Certificate - RapidSSL';
}

/**
 * CertStatusID and CertStatus of the certificate in force (a reissue does not change them). Some
 * issued ones carry the pair of eNom's own CertGetCerts sample, "Cert Issued" with CertStatusID 7,
 * as the real service may: a client must trust the text.
 */
function statusOf(cert: SandboxCertificate): [number, string] {
  const named = (id: number): [number, string] => [id, ENOM_CERT_STATUS_NAMES[id] ?? ''];
  switch (cert.status) {
    case 'pending':
      return named(2);
    case 'cancelled':
      return named(7);
    case 'revoked':
      return named(8);
    default:
      return cert.status === 'issued' && cert.index % 29 === 11 ? [7, 'Cert Issued'] : named(4);
  }
}

/** The reissue's state for ReissueStatus: the one waiting, failed or cancelled, else "issued" once one was. */
function reissueStateOf(cert: SandboxCertificate): EnomReissueState | null {
  if (cert.pending) return cert.pending.state;
  return cert.reissues > 0 ? 'issued' : null;
}

function envelope(command: string, payload: string, errors: string[] = []): SandboxResponse {
  const errorBlock = errors.length
    ? `<errors>${errors.map((e, i) => `<Err${i + 1}>${escapeXml(e)}</Err${i + 1}>`).join('')}</errors>` +
      `<ResponseCount>1</ResponseCount><responses><response><ResponseNumber>304156</ResponseNumber><ResponseString>${escapeXml(errors[0] ?? '')}</ResponseString></response></responses>`
    : '<ResponseCount>0</ResponseCount>';
  const body =
    `<?xml version="1.0" encoding="utf-8"?><interface-response>${payload}<Command>${command.toUpperCase()}</Command><APIType>API</APIType>` +
    `<Language>eng</Language><ErrCount>${errors.length}</ErrCount>${errorBlock}<Server>SANDBOX</Server><Site>eNom</Site><Done>true</Done>` +
    `<RequestDateTime>${new Date().toLocaleString('en-US', { timeZone: 'UTC' }).replace(',', '')}</RequestDateTime></interface-response>`;
  return { status: 200, contentType: 'text/xml; charset=utf-8', body };
}

function certXml(cert: SandboxCertificate, today: number): string {
  const [statusId, status] = statusOf(cert);
  return (
    `<Cert><IsExpired>${cert.status === 'expired' || cert.validTo <= today ? 'True' : 'False'}</IsExpired><CertID>${certIdOf(cert.index)}</CertID>` +
    `<OrderDate>${formatEnomDate(cert.orderDate)}</OrderDate><ConfigDate>${formatEnomDate(cert.validFrom)}</ConfigDate>` +
    `<DomainName><![CDATA[${cert.mainDomain}]]></DomainName><ValidityPeriod>${cert.termYears * 12}</ValidityPeriod>` +
    `<RenewalIndicator>False</RenewalIndicator><ProdType>${cert.multiDomain ? 29 : 23}</ProdType><ProdDesc>${escapeXml(enomProduct(cert))}</ProdDesc>` +
    `<ExpirationDate>${formatEnomDate(cert.validTo)}</ExpirationDate><ServerCount>1</ServerCount><CertStatus>${status}</CertStatus>` +
    `<CertStatusID>${statusId}</CertStatusID><OrderID>${300_000_000 + cert.index}</OrderID>` +
    `<DomainCountAllowed>${cert.multiDomain ? cert.otherNames.length + 1 : ''}</DomainCountAllowed><ReissueStatus>${enomReissueStatus(reissueStateOf(cert), 'list')}</ReissueStatus></Cert>`
  );
}

/** The validation fields of the detail: DVAuthMethod and what goes with it, from the reissue's validation. */
function validationXml(cert: SandboxCertificate): string {
  const validation = cert.pending?.validation ?? null;
  const field = (name: string, value: string | null) => `<${name}>${escapeXml(value ?? '')}</${name}>`;
  const dns = validation?.method === 'dns' && validation.dnsName && validation.dnsValue ? enomDnsAuthFields(validation.dnsName, validation.dnsValue) : null;
  const file = validation?.method === 'http' && validation.httpPath ? enomFileAuthName(validation.httpPath) : null;
  // GeoTrust's File and DNS checks report INIT until the CA has found the record or file.
  const authStatus = cert.pending?.state === 'validating' && (validation?.method === 'dns' || validation?.method === 'http') ? 'INIT' : '';
  return (
    field('DVAuthMethod', validation ? ENOM_DV_AUTH_METHODS[validation.method] : 'DNS') +
    `<AuthStatusID />${field('AuthStatusName', authStatus)}<AuthStatusLastUpdate />` +
    field('ApproverEmail', validation?.method === 'email' ? validation.approverEmail : '') +
    field('FileAuthName', file) +
    field('FileAuthContents', validation?.method === 'http' ? validation.httpContent : '') +
    field('DNSAuthEntry', dns?.DNSAuthEntry ?? '') +
    field('DNSAuthAddress', dns?.DNSAuthAddress ?? '')
  );
}

/** CertGetCertDetail's answer for one certificate (the fields of providers.md §3.7 the sandbox can fill). */
async function certDetailXml(cert: SandboxCertificate, context: SandboxContext): Promise<string> {
  const [statusId, status] = statusOf(cert);
  const pending = cert.pending;
  // The reissue's CSR once one was asked for; its key is the customer's, so PVT is empty then.
  const csr = pending ? pending.csr : await context.book.csrOf(cert.index);
  const privateKey = pending ? null : context.book.privateKeyOf(cert.index);
  if (privateKey) context.issueSecret(privateKey);
  // The certificate in force, issued by the sandbox's CA (the old one while a reissue waits).
  const issued = cert.status === 'issued' || cert.status === 'expired' || cert.status === 'revoked';
  const leaf = issued ? await context.certificatePemOf(cert.index) : null;
  const ca = issued ? await context.ca() : null;
  const ordered = formatEnomDateTime(cert.orderDate, (cert.index * 7_919) % 86_400);
  const reason = pending && pending.state !== 'validating' ? (pending.reason ?? '') : '';
  return (
    `<CertGetCertDetail><CertID>${certIdOf(cert.index)}</CertID><DomainName>${escapeXml(cert.mainDomain)}</DomainName>` +
    `<ValidityPeriod>${cert.termYears * 12}</ValidityPeriod><OrderDate>${ordered}</OrderDate><ConfigDate>${formatEnomDateTime(cert.validFrom, 43_200)}</ConfigDate>` +
    `<RenewalIndicator>False</RenewalIndicator><WebServerTypeID>18</WebServerTypeID><WebServerTypeName>Other</WebServerTypeName>` +
    `<OrderID>${300_000_000 + cert.index}</OrderID><OrderDetailID>${185_000_000 + cert.index}</OrderDetailID>` +
    `<ExpirationDate>${formatEnomDateTime(cert.validTo, 43_200)}</ExpirationDate><ServerCount>1</ServerCount>${validationXml(cert)}` +
    `<Message></Message><CertStatusID>${statusId}</CertStatusID><CertStatus>${escapeXml(status)}</CertStatus><CertStatusDetail>${escapeXml(reason)}</CertStatusDetail>` +
    `<CertOrderStateID /><CertOrderStateName></CertOrderStateName>` +
    `<ReissueStatus>${enomReissueStatus(reissueStateOf(cert), 'detail')}</ReissueStatus><ComodoReissueStatus></ComodoReissueStatus>` +
    `<ProdType>${cert.multiDomain ? 29 : 23}</ProdType><ProdDesc>${escapeXml(enomProduct(cert))}</ProdDesc><UseWebHosting>0</UseWebHosting>` +
    `<SSLCertificate><![CDATA[${leaf ? enomIndentedPem(leaf, 'CERTIFICATE') : ''}]]>\n </SSLCertificate>` +
    `<CSR><![CDATA[${enomIndentedPem(csr, 'NEW CERTIFICATE REQUEST')}]]>\n </CSR>` +
    `<CACerts><![CDATA[${ca ? enomCaCerts([ca.intermediatePem], ca.rootPem) : ''}]]></CACerts>` +
    `<PVT><![CDATA[${privateKey ? enomIndentedPem(privateKey, 'PRIVATE KEY') : '-----BEGIN RSA PRIVATE KEY-----\n  -----END RSA PRIVATE KEY-----'}]]></PVT>` +
    `<ReferenceID></ReferenceID><DomainCountAllowed>${cert.multiDomain ? cert.otherNames.length + 1 : ''}</DomainCountAllowed></CertGetCertDetail>`
  );
}

/** eNom reads parameters from the query string or a form body, with names in any case. */
function parameters(request: SandboxRequest): Map<string, string> {
  const params = new Map<string, string>();
  const add = (source: URLSearchParams) => source.forEach((value, key) => params.set(key.toLowerCase(), value));
  add(request.url.searchParams);
  if (request.body) add(new URLSearchParams(request.body));
  return params;
}

export const enomSandboxProtocol: SandboxProtocol = {
  provider: 'enom',
  basePath: '/interface.asp',
  // eNom keeps one CertID through a reissue.
  indexOf: (certificateId, context) => indexOfCertId(certificateId, context.book.size),
  malformed: () => ({ status: 200, contentType: 'text/xml; charset=utf-8', body: '<?xml version="1.0"?><interface-response><ErrCount>0</ErrCount><Balance>1,0' }),

  async handle(request: SandboxRequest, context: SandboxContext): Promise<SandboxResponse> {
    if (request.url.pathname !== '/interface.asp') return { status: 404, contentType: 'text/html', body: '<h1>404 Not Found</h1>' };
    const answer = await answerOf(request, context);
    return context.faults.has('echo-request') ? echoed(answer, request) : answer;
  },
};

/**
 * An error answer that quotes the request it answers: every ErrN and ResponseString gets the query
 * string and form body as they came (URL-encoded), XML-escaped into the answer.
 */
function echoed(answer: SandboxResponse, request: SandboxRequest): SandboxResponse {
  const quoted = escapeXml(` (request: ${[request.url.search.replace(/^\?/, ''), request.body].filter(Boolean).join('&')})`);
  return { ...answer, body: answer.body.replace(/(<(Err\d+|ResponseString)>[^<]*)(<\/\2>)/g, (_match, text: string, _name, close: string) => `${text}${quoted}${close}`) };
}

/** The answer to one interface.asp request. */
async function answerOf(request: SandboxRequest, context: SandboxContext): Promise<SandboxResponse> {
  const params = parameters(request);
  const command = (params.get('command') ?? '').toLowerCase();
  const auth = context.authenticate(params.get('uid') ?? null, params.get('pw') ?? null, request.remoteAddress);
  if (auth !== 'ok') {
    const text = auth === 'credentials' ? ENOM_BAD_CREDENTIALS : auth === 'locked' ? ENOM_ACCOUNT_LOCKED : `${ENOM_IP_NOT_PERMITTED} - 4`;
    return envelope(command, '', [text]);
  }
  const { book, account, today } = context;
  switch (command) {
    case 'checklogin':
      return envelope(command, `<PartyID>{SANDBOX-PARTY}</PartyID><Reseller>True</Reseller><ParentAccount>000-00-0000</ParentAccount><Account>${escapeXml(account.username)}</Account>`);
    case 'getbalance': {
      const available = formatEnomAmount(Math.round((account.balance - SANDBOX_HELD_FOR_OPEN_ORDERS) * 100) / 100);
      return envelope(
        command,
        `<Reseller>1</Reseller><Balance>${formatEnomAmount(account.balance)}</Balance><AvailableBalance>${available}</AvailableBalance><DomainCount>0</DomainCount>`,
      );
    }
    case 'certgetcerts': {
      if (context.faults.has('no-list')) return envelope(command, '');
      const listed = context.faults.has('empty-list') ? 0 : book.size;
      const start = Math.max(1, Number(params.get('startposition') ?? '1') || 1);
      const pageSize = Math.min(ENOM_MAX_PAGE_SIZE, Math.max(1, Number(params.get('pagingpagesize') ?? '25') || 25));
      const certs: string[] = [];
      for (let index = start - 1; index < Math.min(listed, start - 1 + pageSize); index += 1) certs.push(certXml(book.get(index), today));
      return envelope(
        command,
        `<CertGetCerts><Certs>${certs.join('')}<StartPosition>${start}</StartPosition><PagingPageSize>${pageSize}</PagingPageSize>` +
          `<Count>${certs.length}</Count><TotalRecords>${listed}</TotalRecords></Certs></CertGetCerts><TotalCertCount>${listed}</TotalCertCount>`,
      );
    }
    case 'certgetcertdetail': {
      const index = indexOfCertId(params.get('certid'), book.size);
      if (index === null) return envelope(command, '', ['Certificate not found']);
      return envelope(command, await certDetailXml(book.get(index), context));
    }
    case 'certreissuecert': {
      const index = indexOfCertId(params.get('certid'), book.size);
      if (index === null) return envelope(command, '', ['Certificate not found']);
      const csr = params.get('csr') ?? '';
      if (!/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(csr)) return envelope(command, '', ['Invalid CSR']);
      if (!enomReissuable(enomProduct(book.get(index)))) return envelope(command, '', ['Reissue is not available for this product']);
      // Accepted, then waiting for validation: nothing changes in the certificate in force yet.
      const result = context.reissue(index, csr);
      if ('refused' in result) return envelope(command, '', [`Certificate cannot be reissued: ${result.refused}`]);
      return envelope(command, `<Success>True</Success><Message>Reissue request submitted</Message><DomainName>${escapeXml(result.mainDomain)}</DomainName>`);
    }
    default:
      return envelope(command || 'unknown', '', [`Invalid command: ${params.get('command') ?? ''}`]);
  }
}

export const enomSandbox: ProviderSandbox = {
  protocol: enomSandboxProtocol,
  account: { username: 'sandbox-reseller', password: 'enom-sandbox-pass', balance: 1204.1, currency: 'USD', allowedIps: ['127.0.0.1', '::1'], locked: false },
  integrationFor: (sandbox) => ({
    apiUrl: sandbox.url,
    username: sandbox.account.username,
    password: sandbox.account.password,
  }),
};
