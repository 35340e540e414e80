/**
 * A local LeaderSSL: the REST/JSON API v1 of providers.md §1 (with wire.ts's assumptions), on the
 * sandbox kit. A reissue (through the guessed call, or begun in LeaderSSL's own panel) keeps the
 * certificate's id and waits for domain validation; meanwhile the list, /status and /download show
 * the certificate still in force, /status says "reissue" and /dcv what the CA asks for.
 */
import { randomBytes } from 'node:crypto';
import type { ProviderSandbox } from '../provider-module.js';
import type { SandboxCertificate, SandboxReissue } from '../sandbox-kit/dataset.js';
import type { AuthOutcome, SandboxContext, SandboxProtocol, SandboxRequest, SandboxResponse } from '../sandbox-kit/server.js';
import {
  LEADERSSL_ACCOUNT_LOCKED,
  LEADERSSL_BAD_CREDENTIALS,
  LEADERSSL_BALANCE_PATH,
  LEADERSSL_CERTIFICATES_PATH,
  LEADERSSL_DEFAULT_PAGE_SIZE,
  LEADERSSL_DOWNLOAD_CONTENT_TYPE,
  LEADERSSL_INVALID_TOKEN,
  LEADERSSL_PAGE_SIZE,
  LEADERSSL_REISSUE_CONFIRMED,
  LEADERSSL_REISSUE_STATUS,
  LEADERSSL_SIGNIN_PATH,
  LEADERSSL_TOKEN_HEADER,
  formatLeadersslBalance,
  formatLeadersslDcv,
  formatLeadersslDownload,
  formatLeadersslOrderStatus,
  formatLeadersslTime,
  leadersslIpDenied,
  type LeadersslDcvDomain,
  type LeadersslDcvType,
} from './wire.js';

const BASE_PATH = '/api/v1';
const CERT_ID_BASE = 500_000;
const USER_ID = 48_213;
const JSON_TYPE = 'application/json; charset=utf-8';

export interface LeadersslSandboxOptions {
  /** Whether the guessed reissue call exists (default LEADERSSL_REISSUE_CONFIRMED); when not, it is an unknown route (404). */
  readonly reissueConfirmed?: boolean;
  /** Tokens older than this are refused with 401 (token expiry is UNCONFIRMED; default: they never expire). */
  readonly tokenTtlMs?: number;
  /** The list answer: `{"ssl_certificates": [...], "total": n}` (default) or a bare array. */
  readonly listShape?: 'object' | 'array';
  /**
   * Where the account's IP allow-list is enforced: at sign-in and on every call (default), or only
   * on the calls after sign-in. Which one LeaderSSL does is unknown (evidence item 9).
   */
  readonly allowList?: 'everywhere' | 'after-sign-in';
}

/** The certificate's id in the sandbox's API. */
export function leadersslSandboxId(index: number): string {
  return String(CERT_ID_BASE + index);
}

/** The book index behind an id of the sandbox's API; null when it names no certificate. */
function indexOfId(certificateId: string, size: number): number | null {
  if (!/^\d+$/.test(certificateId.trim())) return null;
  const index = Number(certificateId.trim()) - CERT_ID_BASE;
  return Number.isSafeInteger(index) && index >= 0 && index < size ? index : null;
}

/** The status word of a certificate: its own, or that of the reissue on it (wire.ts's LEADERSSL_REISSUE_STATUS). */
export function leadersslSandboxStatus(cert: SandboxCertificate): string {
  return cert.pending ? LEADERSSL_REISSUE_STATUS[cert.pending.state] : cert.status;
}

/**
 * The DCV entry of a reissue's validation. On the real service the CNAME_CSR_HASH record and the
 * HTTP(S)_CSR_HASH file derive from the CSR's hashes (with the order's unique_value, README); the
 * sandbox's CA gives a DNS record name and value instead, served here as the CNAME's name and
 * target, so what the client reads is what the book asks. An HTTP file asks for HTTP on odd
 * reissues and HTTPS on even ones, so both types are seen. One entry, for the main domain: the book
 * validates a certificate with one check.
 */
function dcvOfReissue(cert: SandboxCertificate, pending: SandboxReissue): LeadersslDcvDomain {
  const { validation } = pending;
  const dcvStatus = pending.state === 'validating' ? 'pending' : 'failed';
  const base = { domainName: cert.mainDomain, dcvStatus, dcvEmail: null, cname: null, http: null };
  switch (validation.method) {
    case 'email':
      return { ...base, dcvType: 'EMAIL' satisfies LeadersslDcvType, dcvEmail: validation.approverEmail };
    case 'dns':
      return { ...base, dcvType: 'CNAME_CSR_HASH' satisfies LeadersslDcvType, cname: { name: validation.dnsName ?? '', value: validation.dnsValue ?? '' } };
    case 'http': {
      const scheme = pending.number % 2 === 0 ? 'https' : 'http';
      const dcvType: LeadersslDcvType = scheme === 'https' ? 'HTTPS_CSR_HASH' : 'HTTP_CSR_HASH';
      return { ...base, dcvType, http: { url: `${scheme}://${cert.mainDomain}${validation.httpPath ?? '/'}`, content: validation.httpContent ?? '' } };
    }
  }
}

/** Product names and (invented) nomenclature ids by kind. */
export function leadersslSandboxProduct(cert: SandboxCertificate): { name: string; nomenclatureId: number } {
  switch (cert.validation) {
    case 'ev':
      return cert.multiDomain ? { name: 'Sectigo EV Multi-Domain SSL', nomenclatureId: 306 } : { name: 'Sectigo EV SSL', nomenclatureId: 305 };
    case 'ov':
      return cert.multiDomain ? { name: 'Sectigo OV Multi-Domain SSL', nomenclatureId: 302 } : { name: 'Sectigo OV SSL', nomenclatureId: 301 };
    default:
      return cert.multiDomain ? { name: 'Sectigo PositiveSSL Multi-Domain', nomenclatureId: 297 } : { name: 'Sectigo PositiveSSL', nomenclatureId: 296 };
  }
}

/**
 * A certificate as the list shows it. Times are spread over the UTC day and written at +03:00, so
 * about one in eight falls on the next local day: a client that cuts the date off the text is wrong.
 */
export function leadersslSandboxCertificate(cert: SandboxCertificate): Record<string, unknown> {
  const product = leadersslSandboxProduct(cert);
  const issued = cert.status !== 'pending';
  return {
    id: CERT_ID_BASE + cert.index,
    domain_name: cert.mainDomain,
    additional_domains: cert.otherNames.join(','),
    // A reissue leaves the dates of the certificate in force until the new one is issued.
    status: leadersslSandboxStatus(cert),
    product: product.name,
    nomenclature_id: product.nomenclatureId,
    validation_type: cert.validation,
    period: cert.termYears * 12,
    created_at: formatLeadersslTime(cert.orderDate, (cert.index * 7919) % 86_400),
    valid_from: issued ? formatLeadersslTime(cert.validFrom, (cert.index * 3571) % 86_400) : null,
    valid_till: issued ? formatLeadersslTime(cert.validTo, (cert.index * 104_729 + 43_200) % 86_400) : null,
  };
}

function json(status: number, value: unknown): SandboxResponse {
  return { status, contentType: JSON_TYPE, body: JSON.stringify(value) };
}

const error = (status: number, text: string) => json(status, { error: text });

/** Parameters from the query string and a form or JSON body (the PHP client sends them as query parameters). */
function parameters(request: SandboxRequest): Map<string, string> {
  const params = new Map<string, string>();
  request.url.searchParams.forEach((value, key) => params.set(key, value));
  const type = String(request.headers['content-type'] ?? '');
  if (!request.body) return params;
  if (type.includes('json')) {
    try {
      const body = JSON.parse(request.body) as unknown;
      if (body && typeof body === 'object') {
        for (const [key, value] of Object.entries(body)) if (typeof value === 'string' || typeof value === 'number') params.set(key, String(value));
      }
    } catch {
      // An unreadable body carries no parameters.
    }
  } else {
    new URLSearchParams(request.body).forEach((value, key) => params.set(key, value));
  }
  return params;
}

interface Session {
  readonly login: string;
  readonly password: string;
  readonly issuedAt: number;
}

function sessions(context: SandboxContext): Map<string, Session> {
  let tokens = context.state.get('tokens') as Map<string, Session> | undefined;
  if (!tokens) {
    tokens = new Map();
    context.state.set('tokens', tokens);
  }
  return tokens;
}

function refusal(outcome: Exclude<AuthOutcome, 'ok'>, remoteAddress: string, credentialsText: string): SandboxResponse {
  if (outcome === 'credentials') return error(401, credentialsText);
  if (outcome === 'locked') return error(403, LEADERSSL_ACCOUNT_LOCKED);
  return error(403, leadersslIpDenied(remoteAddress));
}

const positive = (text: string | undefined, fallback: number) => {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

export function createLeadersslSandboxProtocol(options: LeadersslSandboxOptions = {}): SandboxProtocol {
  const reissueConfirmed = options.reissueConfirmed ?? LEADERSSL_REISSUE_CONFIRMED;
  const listShape = options.listShape ?? 'object';
  const allowList = options.allowList ?? 'everywhere';

  function signIn(request: SandboxRequest, context: SandboxContext): SandboxResponse {
    const params = parameters(request);
    const login = params.get('login') ?? null;
    const password = params.get('password') ?? null;
    const outcome = context.authenticate(login, password, request.remoteAddress);
    // With the allow-list enforced after sign-in only, a refused address still gets its token.
    if (outcome !== 'ok' && !(outcome === 'ip-not-allowed' && allowList === 'after-sign-in')) {
      return refusal(outcome, request.remoteAddress, LEADERSSL_BAD_CREDENTIALS);
    }
    const token = randomBytes(24).toString('base64url');
    context.issueSecret(token);
    sessions(context).set(token, { login: login ?? '', password: password ?? '', issuedAt: Date.now() });
    return json(200, { id: USER_ID, auth_token: token });
  }

  /** The token check of every call after sign-in, with the account's IP and lock checks. */
  function authorize(request: SandboxRequest, context: SandboxContext): SandboxResponse | null {
    const header = request.headers[LEADERSSL_TOKEN_HEADER];
    const token = (Array.isArray(header) ? header[0] : header) ?? request.url.searchParams.get('auth_token');
    const tokens = sessions(context);
    const session = token ? tokens.get(token) : undefined;
    if (!token || !session) return error(401, LEADERSSL_INVALID_TOKEN);
    if (options.tokenTtlMs !== undefined && Date.now() - session.issuedAt >= options.tokenTtlMs) {
      tokens.delete(token);
      return error(401, LEADERSSL_INVALID_TOKEN);
    }
    const outcome = context.authenticate(session.login, session.password, request.remoteAddress);
    if (outcome === 'credentials') {
      // The password changed (or the fault is on): the sessions made with the old one end.
      tokens.delete(token);
      return error(401, LEADERSSL_INVALID_TOKEN);
    }
    return outcome === 'ok' ? null : refusal(outcome, request.remoteAddress, LEADERSSL_INVALID_TOKEN);
  }

  function list(request: SandboxRequest, context: SandboxContext): SandboxResponse {
    const { book } = context;
    if (context.faults.has('no-list')) return json(200, {});
    const listed = context.faults.has('empty-list') ? 0 : book.size;
    const params = parameters(request);
    const page = positive(params.get('page'), 1);
    const perPage = Math.min(LEADERSSL_PAGE_SIZE, positive(params.get('per_page'), LEADERSSL_DEFAULT_PAGE_SIZE));
    const items: Record<string, unknown>[] = [];
    const start = (page - 1) * perPage;
    for (let index = start; index < Math.min(listed, start + perPage); index += 1) items.push(leadersslSandboxCertificate(book.get(index)));
    return listShape === 'array' ? json(200, items) : json(200, { ssl_certificates: items, page, per_page: perPage, total: listed });
  }

  function reissue(index: number, request: SandboxRequest, context: SandboxContext): SandboxResponse {
    const csr = parameters(request).get('csr') ?? '';
    if (!/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(csr)) return error(422, 'CSR is invalid');
    // Accepted, then waiting for domain validation (the kit schedules it when the sandbox has a delay).
    const result = context.reissue(index, csr);
    if ('refused' in result) return error(422, `Certificate cannot be reissued: ${result.refused}`);
    return json(200, { id: CERT_ID_BASE + index, status: leadersslSandboxStatus(result), message: 'Reissue request accepted' });
  }

  /** The dates of the certificate in force, as the list writes them; null for an order not issued yet. */
  function dates(cert: SandboxCertificate): [string | null, string | null] {
    const entry = leadersslSandboxCertificate(cert);
    return [entry.valid_from as string | null, entry.valid_till as string | null];
  }

  function status(index: number, context: SandboxContext): SandboxResponse {
    const cert = context.book.get(index);
    const message = cert.pending?.reason ?? (cert.pending?.state === 'validating' ? 'Awaiting domain control validation' : null);
    return json(200, formatLeadersslOrderStatus(CERT_ID_BASE + index, leadersslSandboxStatus(cert), message, ...dates(cert)));
  }

  function dcv(index: number, context: SandboxContext): SandboxResponse {
    const cert = context.book.get(index);
    const domain: LeadersslDcvDomain = cert.pending
      ? dcvOfReissue(cert, cert.pending)
      : // Nothing waits: a new order's validation is not modelled, an issued one's is done.
        { domainName: cert.mainDomain, dcvType: null, dcvStatus: cert.status === 'pending' ? 'pending' : 'validated', dcvEmail: null, cname: null, http: null };
    return json(200, formatLeadersslDcv(CERT_ID_BASE + index, [domain]));
  }

  /** The file of the certificate in force: leaf, intermediate and root. While a reissue waits, still the old one. */
  async function download(index: number, context: SandboxContext): Promise<SandboxResponse> {
    const cert = context.book.get(index);
    if (cert.status === 'pending' || cert.status === 'cancelled') return error(422, `Certificate is ${cert.status}: nothing to download`);
    const [leaf, ca] = await Promise.all([context.certificatePemOf(index), context.ca()]);
    return { status: 200, contentType: LEADERSSL_DOWNLOAD_CONTENT_TYPE, body: formatLeadersslDownload([leaf, ca.intermediatePem, ca.rootPem]) };
  }

  return {
    provider: 'leadertelecom',
    basePath: BASE_PATH,
    malformed: () => ({ status: 200, contentType: JSON_TYPE, body: '{"balance": "1523.4' }),

    indexOf: (certificateId, context) => indexOfId(certificateId, context.book.size),

    async handle(request: SandboxRequest, context: SandboxContext): Promise<SandboxResponse> {
      const { pathname } = request.url;
      if (!pathname.startsWith(`${BASE_PATH}/`)) return error(404, 'Not found');
      const route = pathname.slice(BASE_PATH.length).replace(/\/+$/, '');
      const method = request.method.toUpperCase();
      if (route === LEADERSSL_SIGNIN_PATH && method === 'POST') return signIn(request, context);
      const certificateMatch = new RegExp(`^${LEADERSSL_CERTIFICATES_PATH}/([^/]+)/(reissue|status|dcv|download)$`).exec(route);
      let action: (() => SandboxResponse | Promise<SandboxResponse>) | null = null;
      if (route === LEADERSSL_BALANCE_PATH && method === 'GET') {
        action = () => json(200, formatLeadersslBalance(context.account.balance, context.account.currency));
      } else if (route === LEADERSSL_CERTIFICATES_PATH && method === 'GET') {
        action = () => list(request, context);
      } else if (certificateMatch) {
        const [, id = '', verb] = certificateMatch;
        const known = () => indexOfId(decodeURIComponent(id), context.book.size);
        const on = (act: (index: number) => SandboxResponse | Promise<SandboxResponse>) => () => {
          const index = known();
          return index === null ? error(404, 'Certificate not found') : act(index);
        };
        if (verb === 'reissue' && method === 'POST' && reissueConfirmed) action = on((index) => reissue(index, request, context));
        else if (verb === 'status' && method === 'GET') action = on((index) => status(index, context));
        else if (verb === 'dcv' && method === 'GET') action = on((index) => dcv(index, context));
        else if (verb === 'download' && method === 'GET') action = on((index) => download(index, context));
      }
      if (!action) return error(404, 'Not found');
      return authorize(request, context) ?? action();
    },
  };
}

export const leadersslSandboxProtocol: SandboxProtocol = createLeadersslSandboxProtocol();

export const leadertelecomSandbox: ProviderSandbox = {
  protocol: leadersslSandboxProtocol,
  account: { username: 'reseller@example.net', password: 'leaderssl-sandbox-pass', balance: 1523.4, currency: 'EUR', allowedIps: ['127.0.0.1', '::1'], locked: false },
  integrationFor: (sandbox) => ({
    apiUrl: sandbox.url,
    username: sandbox.account.username,
    password: sandbox.account.password,
  }),
};
