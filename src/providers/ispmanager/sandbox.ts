/**
 * A local ispmanager billing: the BILLmanager API under /billmgr answering `out=json` (providers.md
 * §4), on the sandbox kit. It reads parameters from the query string or a form body, checks
 * authinfo on every call, and plays whoami, subaccount, certificate (paged), certificate.reissue and
 * the certificate's form (wire.ts's ISP_ORDER_FUNCTION). Like BILLmanager, it echoes the request
 * parameters in `doc.tparams`, authinfo included: the client must keep that out of its logs too.
 *
 * A reissue is honest: the billing accepts it, the certificate status goes to requested or enrolled
 * while the CA waits for domain validation (the form gives the validation data), the list keeps the
 * end date of the certificate in force, and only once the sandbox's CA has issued the new
 * certificate for the CSR's key does the form's crt hold it (with the chain and the root), or the
 * status goes to failed with the CA's reason.
 */
import type { ProviderSandbox } from '../provider-module.js';
import type { SandboxCertificate } from '../sandbox-kit/dataset.js';
import type { SandboxContext, SandboxProtocol, SandboxRequest, SandboxResponse } from '../sandbox-kit/server.js';
import {
  ISP_ACCOUNT_LOCKED,
  ISP_BAD_CREDENTIALS,
  ISP_CERTIFICATE_FIELD,
  ISP_CERTIFICATE_STATUS_FIELD,
  ISP_IP_NOT_ALLOWED,
  ISP_LANGUAGE,
  ISP_LIST_FUNCTION,
  ISP_ORDER_FUNCTION,
  ISP_PRIVATE_KEY_FIELD,
  ISP_REISSUE_FUNCTION,
  ISP_VALIDATION_FIELDS,
  formatIspAmount,
  formatIspDate,
  ispApproverMethod,
  ispCertificateStatusCode,
  ispErrorDocument,
  ispValue,
  splitIspAuthinfo,
  type IspCertificateStatus,
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
  /**
   * true: the balance is a bare amount, as the one public client of whoami reads it: whoami's
   * `$balance` without `$currency`, and personal accounts without a currency column.
   */
  readonly bareBalance?: boolean;
  /** The HTTP status errors are answered with (200 by default; BILLmanager's may come with any). */
  readonly errorHttpStatus?: number;
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

interface BillingState {
  readonly itemStatus: string;
  /** The certificate's own status (wire.ts); none for an order not paid yet. */
  readonly certificateStatus: IspCertificateStatus | null;
  readonly statusMsg: string;
}

/** item_status, the certificate status and status_msg as the billing would show them (codes per wire.ts's tables). */
function stateOf(cert: SandboxCertificate): BillingState {
  const state = (itemStatus: string, certificateStatus: IspCertificateStatus | null, statusMsg: string): BillingState => ({ itemStatus, certificateStatus, statusMsg });
  switch (cert.status) {
    case 'pending':
      return cert.index % 2 === 0 ? state('1', null, 'Ordered') : state('5', 'requested', 'Waiting for domain validation');
    case 'cancelled':
      return state('4', 'failed', 'Deleted');
    case 'revoked':
      return state('4', 'failed', 'Certificate revoked');
    case 'expired':
      // Suspended once its term ends; for a while it can still show as active with a past end date.
      return cert.index % 2 === 0 ? state('3', 'issued', 'Suspended: the certificate has expired') : state('2', 'issued', 'Active');
    default: {
      // A reissue leaves the service active: only the certificate status tells it is under way.
      const pending = cert.pending;
      if (pending?.state === 'validating') {
        return (cert.index + pending.number) % 2 === 0
          ? state('2', 'requested', 'Certificate reissue requested')
          : state('2', 'enrolled', 'Waiting for domain validation of the reissued certificate');
      }
      if (pending?.state === 'failed') return state('2', 'failed', `Certificate issue failed: ${pending.reason ?? 'no reason given'}`);
      // BILLmanager has no cancelled certificate status: its modules record a cancelled order as failed.
      if (pending?.state === 'cancelled') return state('2', 'failed', `Certificate order cancelled: ${pending.reason ?? 'no reason given'}`);
      return state('2', 'issued', cert.reissues > 0 ? 'Active (reissued)' : 'Active');
    }
  }
}

const PRICE_RUB = { dv: 1_500, ov: 6_000, ev: 15_000 } as const;

/** The columns the list and the form share. The end date is the certificate in force's until a reissue is issued. */
function certificateElem(cert: SandboxCertificate): IspNode {
  const state = stateOf(cert);
  return {
    id: ispValue(String(ISP_CERT_ID_BASE + cert.index)),
    CN: ispValue(cert.mainDomain),
    pricelist: ispValue(ispmanagerProduct(cert)),
    createdate: ispValue(formatIspDate(cert.orderDate)),
    expiredate: ispValue(formatIspDate(cert.validTo)),
    period: ispValue(String(cert.termYears * 12)),
    item_status: ispValue(state.itemStatus),
    ...(state.certificateStatus ? { [ISP_CERTIFICATE_STATUS_FIELD]: ispValue(ispCertificateStatusCode(state.certificateStatus)) } : {}),
    status_msg: ispValue(state.statusMsg),
    cost: ispValue(`${formatIspAmount(PRICE_RUB[cert.validation] * cert.termYears)} RUB`),
    ...(cert.multiDomain ? { altname: ispValue(cert.otherNames.join(' ')) } : {}),
  };
}

/**
 * The certificate's form: its columns, the data to confirm a reissue waiting for validation, and the
 * certificate the billing holds (the one in force: during a reissue, still the old one) with the
 * CA's chain and root, and the key where the billing generated it.
 */
async function certificateForm(cert: SandboxCertificate, context: SandboxContext): Promise<IspNode> {
  const form: IspNode = { elid: ispValue(String(ISP_CERT_ID_BASE + cert.index)), ...certificateElem(cert) };
  const validation = cert.pending?.state === 'validating' ? cert.pending.validation : null;
  if (validation) {
    form[ISP_VALIDATION_FIELDS.method] = ispValue(ispApproverMethod(validation.method) ?? validation.method);
    if (validation.approverEmail) form[ISP_VALIDATION_FIELDS.approverEmail] = ispValue(validation.approverEmail);
    if (validation.dnsName && validation.dnsValue) {
      form[ISP_VALIDATION_FIELDS.dnsName] = ispValue(validation.dnsName);
      form[ISP_VALIDATION_FIELDS.dnsValue] = ispValue(validation.dnsValue);
    }
    if (validation.httpPath && validation.httpContent) {
      form[ISP_VALIDATION_FIELDS.httpPath] = ispValue(validation.httpPath);
      form[ISP_VALIDATION_FIELDS.httpContent] = ispValue(validation.httpContent);
    }
  }
  if (cert.status === 'issued' || cert.status === 'expired') {
    const leaf = await context.certificatePemOf(cert.index);
    const ca = await context.ca();
    form[ISP_CERTIFICATE_FIELD] = ispValue([leaf, ca.intermediatePem, ca.rootPem].map((pem) => pem.trim()).join('\n'));
    const key = context.book.privateKeyOf(cert.index);
    if (key) {
      context.issueSecret(key);
      form[ISP_PRIVATE_KEY_FIELD] = ispValue(key);
    }
  }
  return form;
}

/** BILLmanager reads parameters from the query string or a form body; the body wins. Names are case-sensitive (CN). */
function parameters(request: SandboxRequest): Map<string, string> {
  const params = new Map<string, string>();
  request.url.searchParams.forEach((value, key) => params.set(key, value));
  if (request.body) new URLSearchParams(request.body).forEach((value, key) => params.set(key, value));
  return params;
}

const PEM_CSR = /-----BEGIN (NEW )?CERTIFICATE REQUEST-----\s+[A-Za-z0-9+/=\s]+-----END (NEW )?CERTIFICATE REQUEST-----/;

/** The book index behind a certificate id; null when it names none. */
function indexOfId(id: string, size: number): number | null {
  const index = /^\d+$/.test(id.trim()) ? Number(id.trim()) - ISP_CERT_ID_BASE : -1;
  return index >= 0 && index < size ? index : null;
}

export function createIspmanagerSandboxProtocol(options: IspmanagerSandboxOptions = {}): SandboxProtocol {
  const { subaccount = true, honourPaging = true, bareBalance = false, errorHttpStatus = 200 } = options;
  return {
    provider: 'ispmanager',
    basePath: ISP_SANDBOX_PATH,
    malformed: () => ({ status: 200, contentType: 'application/json', body: '{"doc": {"$lang": "en", "user": {"$balance": "15' }),

    indexOf: (certificateId, context) => indexOfId(certificateId, context.book.size),

    async handle(request: SandboxRequest, context: SandboxContext): Promise<SandboxResponse> {
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
      const fail = (error: IspError): SandboxResponse => ({ ...answer(ispErrorDocument(error)), status: errorHttpStatus });

      const credentials = splitIspAuthinfo(params.get('authinfo') ?? '');
      const auth = context.authenticate(credentials?.username ?? null, credentials?.password ?? null, request.remoteAddress);
      if (auth !== 'ok') return fail(auth === 'credentials' ? ISP_BAD_CREDENTIALS : auth === 'locked' ? ISP_ACCOUNT_LOCKED : ISP_IP_NOT_ALLOWED);

      const { account, book } = context;
      switch (func) {
        case 'whoami':
          return answer({
            user: {
              $id: '7001',
              $name: account.username,
              $level: '16',
              $balance: formatIspAmount(account.balance),
              ...(bareBalance ? {} : { $currency: account.currency }),
            },
          });
        case 'subaccount':
          if (!subaccount) return fail({ type: 'access', object: 'func', message: 'Insufficient privileges to perform this operation' });
          return answer({
            elem: [
              {
                id: ispValue('7001'),
                name: ispValue('Personal account'),
                balance: ispValue(formatIspAmount(account.balance)),
                ...(bareBalance ? {} : { currency: ispValue(account.currency) }),
              },
            ],
            p_elems: ispValue('1'),
          });
        case ISP_LIST_FUNCTION: {
          if (context.faults.has('no-list')) return answer({});
          const listed = context.faults.has('empty-list') ? 0 : book.size;
          const rows = Number(params.get('p_cnt'));
          const size = Number.isInteger(rows) && rows > 0 ? rows : book.size;
          const page = honourPaging ? Math.max(1, Math.trunc(Number(params.get('p_num'))) || 1) : 1;
          const elems: IspNode[] = [];
          for (let index = (page - 1) * size; index < Math.min(listed, page * size); index += 1) elems.push(certificateElem(book.get(index)));
          return answer({
            ...(elems.length > 0 ? { elem: elems } : {}),
            p_elems: ispValue(String(listed)),
            p_num: ispValue(String(page)),
            p_cnt: ispValue(String(size)),
          });
        }
        case ISP_REISSUE_FUNCTION: {
          const elid = params.get('elid') ?? '';
          const index = indexOfId(elid, book.size);
          if (index === null) return fail({ type: 'missed', object: 'elid', message: `The certificate ${elid} was not found` });
          // Without sok the billing only shows the form; nothing changes.
          if (params.get('sok') !== 'ok') return answer({ elid: ispValue(elid), crt_type: ispValue('generate') });
          if (params.get('crt_type') !== 'csr') return fail({ type: 'value', object: 'crt_type', message: 'Invalid value of the field "Certificate request"' });
          const csr = params.get('csr') ?? '';
          if (!PEM_CSR.test(csr)) return fail({ type: 'value', object: 'csr', message: 'Invalid value of the field "CSR"' });
          const result = context.reissue(index, csr);
          if ('refused' in result) return fail({ type: 'value', object: 'status', message: `The certificate cannot be reissued: ${result.refused}` });
          return answer({ ok: {} });
        }
        case ISP_ORDER_FUNCTION: {
          const elid = params.get('elid') ?? '';
          const index = indexOfId(elid, book.size);
          if (index === null) return fail({ type: 'missed', object: 'elid', message: `The certificate ${elid} was not found` });
          return answer(await certificateForm(book.get(index), context));
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
