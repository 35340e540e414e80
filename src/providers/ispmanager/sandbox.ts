/**
 * A local ispmanager billing: the BILLmanager API under /billmgr answering `out=json` (providers.md
 * §4), on the sandbox kit. It reads parameters from the query string or a form body, checks
 * authinfo on every call, and plays whoami, subaccount, certificate (paged) and certificate.reissue.
 * Like BILLmanager, it echoes the request parameters in `doc.tparams`, authinfo included: the
 * client must keep that out of its logs too.
 */
import type { ProviderSandbox } from '../provider-module.js';
import type { SandboxCertificate } from '../sandbox-kit/dataset.js';
import type { SandboxContext, SandboxProtocol, SandboxRequest, SandboxResponse } from '../sandbox-kit/server.js';
import {
  ISP_ACCOUNT_LOCKED,
  ISP_BAD_CREDENTIALS,
  ISP_IP_NOT_ALLOWED,
  ISP_LANGUAGE,
  ISP_LIST_FUNCTION,
  ISP_REISSUE_FUNCTION,
  formatIspAmount,
  formatIspDate,
  ispErrorDocument,
  ispValue,
  splitIspAuthinfo,
  type IspError,
  type IspNode,
} from './wire.js';

export const ISP_SANDBOX_PATH = '/billmgr';
/** Certificate ids are the book index from here. */
export const ISP_CERT_ID_BASE = 55_000;

export interface IspmanagerSandboxOptions {
  /** false: `func=subaccount` is refused, as for a login without access to it (the client reads whoami then). */
  readonly subaccount?: boolean;
  /** false: the list ignores p_num and always answers the first page (a billing without that paging). */
  readonly honourPaging?: boolean;
}

/** Tariff names by kind. Some multi-domain certificates are single-name tariffs with alternative-name add-ons. */
export function ispmanagerProduct(cert: SandboxCertificate): string {
  const odd = cert.index % 2 === 1;
  if (cert.multiDomain) {
    if (cert.validation === 'ev') return odd ? 'Sectigo EV Multi-Domain SSL' : 'GlobalSign ExtendedSSL';
    if (cert.validation === 'ov') return odd ? 'Sectigo InstantSSL Multi-Domain' : 'GlobalSign OrganizationSSL';
    return odd ? 'Sectigo PositiveSSL Multi-Domain' : 'GlobalSign DomainSSL';
  }
  if (cert.validation === 'ev') return odd ? 'Sectigo EV SSL' : 'GlobalSign ExtendedSSL';
  if (cert.validation === 'ov') return odd ? 'Sectigo InstantSSL' : 'GlobalSign OrganizationSSL';
  return ['GlobalSign AlphaSSL', 'GlobalSign DomainSSL', 'RapidSSL', 'Sectigo PositiveSSL'][cert.index % 4] as string;
}

/** item_status and status_msg as the billing would show them (codes per wire.ts's table). */
function statusOf(cert: SandboxCertificate): [string, string] {
  switch (cert.status) {
    case 'pending':
      return cert.index % 2 === 0 ? ['1', 'Ordered'] : ['5', 'Waiting for domain validation'];
    case 'cancelled':
      return ['4', 'Deleted'];
    case 'revoked':
      return ['4', 'Certificate revoked'];
    case 'expired':
      // Suspended once its term ends; for a while it can still show as active with a past end date.
      return cert.index % 2 === 0 ? ['3', 'Suspended: the certificate has expired'] : ['2', 'Active'];
    default:
      return ['2', cert.reissues > 0 ? 'Active (reissued)' : 'Active'];
  }
}

const PRICE_RUB = { dv: 1_500, ov: 6_000, ev: 15_000 } as const;

function certificateElem(cert: SandboxCertificate): IspNode {
  const [itemStatus, statusMsg] = statusOf(cert);
  return {
    id: ispValue(String(ISP_CERT_ID_BASE + cert.index)),
    CN: ispValue(cert.mainDomain),
    pricelist: ispValue(ispmanagerProduct(cert)),
    createdate: ispValue(formatIspDate(cert.orderDate)),
    expiredate: ispValue(formatIspDate(cert.validTo)),
    period: ispValue(String(cert.termYears * 12)),
    item_status: ispValue(itemStatus),
    status_msg: ispValue(statusMsg),
    cost: ispValue(`${formatIspAmount(PRICE_RUB[cert.validation] * cert.termYears)} RUB`),
    ...(cert.multiDomain ? { altname: ispValue(cert.otherNames.join(' ')) } : {}),
  };
}

/** BILLmanager reads parameters from the query string or a form body; the body wins. Names are case-sensitive (CN). */
function parameters(request: SandboxRequest): Map<string, string> {
  const params = new Map<string, string>();
  request.url.searchParams.forEach((value, key) => params.set(key, value));
  if (request.body) new URLSearchParams(request.body).forEach((value, key) => params.set(key, value));
  return params;
}

const PEM_CSR = /-----BEGIN (NEW )?CERTIFICATE REQUEST-----\s+[A-Za-z0-9+/=\s]+-----END (NEW )?CERTIFICATE REQUEST-----/;

export function createIspmanagerSandboxProtocol(options: IspmanagerSandboxOptions = {}): SandboxProtocol {
  const { subaccount = true, honourPaging = true } = options;
  return {
    provider: 'ispmanager',
    basePath: ISP_SANDBOX_PATH,
    malformed: () => ({ status: 200, contentType: 'application/json', body: '{"doc": {"$lang": "en", "user": {"$balance": "15' }),

    handle(request: SandboxRequest, context: SandboxContext): SandboxResponse {
      if (request.url.pathname !== ISP_SANDBOX_PATH) return { status: 404, contentType: 'text/html', body: '<h1>404 Not Found</h1>' };
      const params = parameters(request);
      const func = params.get('func') ?? '';
      // Without out=json the billing answers with its web interface.
      if (params.get('out') !== 'json') {
        return { status: 200, contentType: 'text/html; charset=utf-8', body: '<!DOCTYPE html><html><head><title>BILLmanager</title></head><body></body></html>' };
      }
      // The provider's clock: the book's today, so expiry agrees with the dates it shows.
      const date = new Date(context.today * 86_400_000 + 12 * 3_600_000).toUTCString();
      const answer = (body: IspNode): SandboxResponse => {
        const tparams = Object.fromEntries([...params].map(([key, value]) => [key, ispValue(value)]));
        return {
          status: 200,
          contentType: 'application/json; charset=utf-8',
          headers: { date },
          body: JSON.stringify({ doc: { $lang: ISP_LANGUAGE, $func: func, ...body, tparams } }),
        };
      };
      const fail = (error: IspError) => answer(ispErrorDocument(error));

      const credentials = splitIspAuthinfo(params.get('authinfo') ?? '');
      const auth = context.authenticate(credentials?.username ?? null, credentials?.password ?? null, request.remoteAddress);
      if (auth !== 'ok') return fail(auth === 'credentials' ? ISP_BAD_CREDENTIALS : auth === 'locked' ? ISP_ACCOUNT_LOCKED : ISP_IP_NOT_ALLOWED);

      const { account, book, today } = context;
      switch (func) {
        case 'whoami':
          return answer({
            user: { $id: '7001', $name: account.username, $level: '16', $balance: formatIspAmount(account.balance), $currency: account.currency },
          });
        case 'subaccount':
          if (!subaccount) return fail({ type: 'access', object: 'func', message: 'Insufficient privileges to perform this operation' });
          return answer({
            elem: [{ id: ispValue('7001'), name: ispValue('Personal account'), balance: ispValue(formatIspAmount(account.balance)), currency: ispValue(account.currency) }],
            p_elems: ispValue('1'),
          });
        case ISP_LIST_FUNCTION: {
          const rows = Number(params.get('p_cnt'));
          const size = Number.isInteger(rows) && rows > 0 ? rows : book.size;
          const page = honourPaging ? Math.max(1, Math.trunc(Number(params.get('p_num'))) || 1) : 1;
          const elems: IspNode[] = [];
          for (let index = (page - 1) * size; index < Math.min(book.size, page * size); index += 1) elems.push(certificateElem(book.get(index)));
          return answer({
            ...(elems.length > 0 ? { elem: elems } : {}),
            p_elems: ispValue(String(book.size)),
            p_num: ispValue(String(page)),
            p_cnt: ispValue(String(size)),
          });
        }
        case ISP_REISSUE_FUNCTION: {
          const elid = params.get('elid') ?? '';
          const index = /^\d+$/.test(elid) ? Number(elid) - ISP_CERT_ID_BASE : -1;
          if (index < 0 || index >= book.size) return fail({ type: 'missed', object: 'elid', message: `The certificate ${elid} was not found` });
          // Without sok the billing only shows the form; nothing changes.
          if (params.get('sok') !== 'ok') return answer({ elid: ispValue(elid), crt_type: ispValue('generate') });
          if (params.get('crt_type') !== 'csr') return fail({ type: 'value', object: 'crt_type', message: 'Invalid value of the field "Certificate request"' });
          const csr = params.get('csr') ?? '';
          if (!PEM_CSR.test(csr)) return fail({ type: 'value', object: 'csr', message: 'Invalid value of the field "CSR"' });
          const result = book.reissue(index, csr, today);
          if ('refused' in result) return fail({ type: 'value', object: 'status', message: `The certificate cannot be reissued: ${result.refused}` });
          return answer({ ok: {} });
        }
        default:
          return fail({ type: 'missed', object: 'func', message: `Function not found: ${func || '(none)'}` });
      }
    },
  };
}

export const ispmanagerSandboxProtocol: SandboxProtocol = createIspmanagerSandboxProtocol();

export const ispmanagerSandbox: ProviderSandbox = {
  protocol: ispmanagerSandboxProtocol,
  // The password holds a colon: authinfo is split at the first one.
  account: { username: 'reseller@example.net', password: 'isp:Sandbox-pass', balance: 15_000, currency: 'RUB', allowedIps: ['127.0.0.1', '::1'], locked: false },
  integrationFor: (sandbox) => ({
    url: sandbox.url,
    username: sandbox.account.username,
    password: sandbox.account.password,
  }),
};
