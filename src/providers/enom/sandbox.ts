/**
 * A local eNom: interface.asp speaking the same XML (providers.md §3), on the sandbox kit. It serves
 * CheckLogin, GetBalance, CertGetCerts, CertGetCertDetail and CertReissueCert. CertGetCertDetail
 * answers with the CSR the book keeps for the certificate (made on first request; the reissue's after
 * a reissue) in the documented sample's form, and, for a CSR the sandbox made itself, its private
 * key in PVT, as eNom does for keys it generated.
 */
import type { ProviderSandbox } from '../provider-module.js';
import { escapeXml } from '../xml.js';
import type { SandboxCertificate } from '../sandbox-kit/dataset.js';
import type { SandboxContext, SandboxProtocol, SandboxRequest, SandboxResponse } from '../sandbox-kit/server.js';
import { enomReissuable } from './support.js';
import {
  ENOM_ACCOUNT_LOCKED,
  ENOM_BAD_CREDENTIALS,
  ENOM_IP_NOT_PERMITTED,
  ENOM_MAX_PAGE_SIZE,
  formatEnomAmount,
  formatEnomDate,
  formatEnomDateTime,
} from './wire.js';

const CERT_ID_BASE = 800_000;

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

function statusOf(cert: SandboxCertificate): [number, string] {
  switch (cert.status) {
    case 'pending':
      return [2, 'Processing'];
    case 'cancelled':
      return [7, 'Refunded - No Cert Issued'];
    case 'revoked':
      return [8, 'Refunded - Cert Issued'];
    default:
      return [4, 'Certificate Issued'];
  }
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
    `<Cert><IsExpired>${cert.status === 'expired' || cert.validTo <= today ? 'True' : 'False'}</IsExpired><CertID>${CERT_ID_BASE + cert.index}</CertID>` +
    `<OrderDate>${formatEnomDate(cert.orderDate)}</OrderDate><ConfigDate>${formatEnomDate(cert.validFrom)}</ConfigDate>` +
    `<DomainName><![CDATA[${cert.mainDomain}]]></DomainName><ValidityPeriod>${cert.termYears * 12}</ValidityPeriod>` +
    `<RenewalIndicator>False</RenewalIndicator><ProdType>${cert.multiDomain ? 29 : 23}</ProdType><ProdDesc>${escapeXml(enomProduct(cert))}</ProdDesc>` +
    `<ExpirationDate>${formatEnomDate(cert.validTo)}</ExpirationDate><ServerCount>1</ServerCount><CertStatus>${status}</CertStatus>` +
    `<CertStatusID>${statusId}</CertStatusID><OrderID>${300_000_000 + cert.index}</OrderID>` +
    `<DomainCountAllowed>${cert.multiDomain ? cert.otherNames.length + 1 : ''}</DomainCountAllowed><ReissueStatus>${cert.reissues > 0 ? 'Reissued' : ''}</ReissueStatus></Cert>`
  );
}

/** A PEM as eNom's sample writes it inside CDATA: its own armour label, every line indented by two spaces. */
function enomPem(pem: string, label: string): string {
  const body = pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').trim().split(/\s+/);
  return [`-----BEGIN ${label}-----`, ...body, `-----END ${label}-----`].join('\n  ');
}

/** CertGetCertDetail's answer for one certificate (the fields of providers.md §3.7 the sandbox can fill). */
async function certDetailXml(cert: SandboxCertificate, context: SandboxContext): Promise<string> {
  const [statusId, status] = statusOf(cert);
  const csr = await context.book.csrOf(cert.index);
  const privateKey = context.book.privateKeyOf(cert.index);
  if (privateKey) context.issueSecret(privateKey);
  const ordered = formatEnomDateTime(cert.orderDate, (cert.index * 7_919) % 86_400);
  return (
    `<CertGetCertDetail><CertID>${CERT_ID_BASE + cert.index}</CertID><DomainName>${escapeXml(cert.mainDomain)}</DomainName>` +
    `<ValidityPeriod>${cert.termYears * 12}</ValidityPeriod><OrderDate>${ordered}</OrderDate><ConfigDate>${formatEnomDateTime(cert.validFrom, 43_200)}</ConfigDate>` +
    `<RenewalIndicator>False</RenewalIndicator><WebServerTypeID>18</WebServerTypeID><WebServerTypeName>Other</WebServerTypeName>` +
    `<OrderID>${300_000_000 + cert.index}</OrderID><OrderDetailID>${185_000_000 + cert.index}</OrderDetailID>` +
    `<ExpirationDate>${formatEnomDateTime(cert.validTo, 43_200)}</ExpirationDate><ServerCount>1</ServerCount><DVAuthMethod>DNS</DVAuthMethod>` +
    `<Message></Message><CertStatusID>${statusId}</CertStatusID><CertStatus>${status}</CertStatus><CertStatusDetail></CertStatusDetail>` +
    `<ReissueStatus>${cert.reissues > 0 ? 'Reissued' : ''}</ReissueStatus><ComodoReissueStatus></ComodoReissueStatus>` +
    `<ProdType>${cert.multiDomain ? 29 : 23}</ProdType><ProdDesc>${escapeXml(enomProduct(cert))}</ProdDesc><UseWebHosting>0</UseWebHosting>` +
    `<SSLCertificate><![CDATA[]]></SSLCertificate>` +
    `<CSR><![CDATA[${enomPem(csr, 'NEW CERTIFICATE REQUEST')}]]>\n </CSR><CACerts><![CDATA[]]></CACerts>` +
    `<PVT><![CDATA[${privateKey ? enomPem(privateKey, 'PRIVATE KEY') : '-----BEGIN RSA PRIVATE KEY-----\n  -----END RSA PRIVATE KEY-----'}]]></PVT>` +
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
  malformed: () => ({ status: 200, contentType: 'text/xml; charset=utf-8', body: '<?xml version="1.0"?><interface-response><ErrCount>0</ErrCount><Balance>1,0' }),

  async handle(request: SandboxRequest, context: SandboxContext): Promise<SandboxResponse> {
    if (request.url.pathname !== '/interface.asp') return { status: 404, contentType: 'text/html', body: '<h1>404 Not Found</h1>' };
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
        const balance = formatEnomAmount(account.balance);
        return envelope(command, `<Reseller>1</Reseller><Balance>${balance}</Balance><AvailableBalance>${balance}</AvailableBalance><DomainCount>0</DomainCount>`);
      }
      case 'certgetcerts': {
        const start = Math.max(1, Number(params.get('startposition') ?? '1') || 1);
        const size = Math.min(ENOM_MAX_PAGE_SIZE, Math.max(1, Number(params.get('pagingpagesize') ?? '25') || 25));
        const certs: string[] = [];
        for (let index = start - 1; index < Math.min(book.size, start - 1 + size); index += 1) certs.push(certXml(book.get(index), today));
        return envelope(
          command,
          `<CertGetCerts><Certs>${certs.join('')}<StartPosition>${start}</StartPosition><PagingPageSize>${size}</PagingPageSize>` +
            `<Count>${certs.length}</Count><TotalRecords>${book.size}</TotalRecords></Certs></CertGetCerts><TotalCertCount>${book.size}</TotalCertCount>`,
        );
      }
      case 'certgetcertdetail': {
        const index = Number(params.get('certid')) - CERT_ID_BASE;
        if (!Number.isInteger(index) || index < 0 || index >= book.size) return envelope(command, '', ['Certificate not found']);
        return envelope(command, await certDetailXml(book.get(index), context));
      }
      case 'certreissuecert': {
        const index = Number(params.get('certid')) - CERT_ID_BASE;
        if (!Number.isInteger(index) || index < 0 || index >= book.size) return envelope(command, '', ['Certificate not found']);
        const csr = params.get('csr') ?? '';
        if (!/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(csr)) return envelope(command, '', ['Invalid CSR']);
        if (!enomReissuable(enomProduct(book.get(index)))) return envelope(command, '', ['Reissue is not available for this product']);
        const result = book.reissue(index, csr, today);
        if ('refused' in result) return envelope(command, '', [`Certificate cannot be reissued: ${result.refused}`]);
        return envelope(command, `<Success>True</Success><Message>Reissue request submitted</Message><DomainName>${escapeXml(result.mainDomain)}</DomainName>`);
      }
      default:
        return envelope(command || 'unknown', '', [`Invalid command: ${params.get('command') ?? ''}`]);
    }
  },
};

export const enomSandbox: ProviderSandbox = {
  protocol: enomSandboxProtocol,
  account: { username: 'sandbox-reseller', password: 'enom-sandbox-pass', balance: 1204.1, currency: 'USD', allowedIps: ['127.0.0.1', '::1'], locked: false },
  integrationFor: (sandbox) => ({
    apiUrl: sandbox.url,
    username: sandbox.account.username,
    password: sandbox.account.password,
  }),
};
