/** A local LeaderSSL: the REST/JSON API v1 of providers.md §1 (with wire.ts's assumptions), on the sandbox kit. */
import { randomBytes } from 'node:crypto';
import type { ProviderSandbox } from '../provider-module.js';
import type { SandboxCertificate } from '../sandbox-kit/dataset.js';
import type { AuthOutcome, SandboxContext, SandboxProtocol, SandboxRequest, SandboxResponse } from '../sandbox-kit/server.js';
import {
  LEADERSSL_ACCOUNT_LOCKED,
  LEADERSSL_BAD_CREDENTIALS,
  LEADERSSL_BALANCE_PATH,
  LEADERSSL_CERTIFICATES_PATH,
  LEADERSSL_DEFAULT_PAGE_SIZE,
  LEADERSSL_INVALID_TOKEN,
  LEADERSSL_PAGE_SIZE,
  LEADERSSL_REISSUE_CONFIRMED,
  LEADERSSL_SIGNIN_PATH,
  LEADERSSL_TOKEN_HEADER,
  formatLeadersslBalance,
  formatLeadersslTime,
  leadersslIpDenied,
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
}

/** The certificate's id in the sandbox's API. */
export function leadersslSandboxId(index: number): string {
  return String(CERT_ID_BASE + index);
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
    status: cert.status,
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

  function signIn(request: SandboxRequest, context: SandboxContext): SandboxResponse {
    const params = parameters(request);
    const login = params.get('login') ?? null;
    const password = params.get('password') ?? null;
    const outcome = context.authenticate(login, password, request.remoteAddress);
    if (outcome !== 'ok') return refusal(outcome, request.remoteAddress, LEADERSSL_BAD_CREDENTIALS);
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
    const params = parameters(request);
    const page = positive(params.get('page'), 1);
    const perPage = Math.min(LEADERSSL_PAGE_SIZE, positive(params.get('per_page'), LEADERSSL_DEFAULT_PAGE_SIZE));
    const items: Record<string, unknown>[] = [];
    const start = (page - 1) * perPage;
    for (let index = start; index < Math.min(book.size, start + perPage); index += 1) items.push(leadersslSandboxCertificate(book.get(index)));
    return listShape === 'array' ? json(200, items) : json(200, { ssl_certificates: items, page, per_page: perPage, total: book.size });
  }

  function reissue(id: string, request: SandboxRequest, context: SandboxContext): SandboxResponse {
    const { book, today } = context;
    const index = /^\d+$/.test(id) ? Number(id) - CERT_ID_BASE : -1;
    if (!Number.isInteger(index) || index < 0 || index >= book.size) return error(404, 'Certificate not found');
    const csr = parameters(request).get('csr') ?? '';
    if (!/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(csr)) return error(422, 'CSR is invalid');
    const result = book.reissue(index, csr, today);
    if ('refused' in result) return error(422, `Certificate cannot be reissued: ${result.refused}`);
    return json(200, { id: CERT_ID_BASE + index, status: 'processing', message: 'Reissue request accepted' });
  }

  return {
    provider: 'leadertelecom',
    basePath: BASE_PATH,
    malformed: () => ({ status: 200, contentType: JSON_TYPE, body: '{"balance": "1523.4' }),

    handle(request: SandboxRequest, context: SandboxContext): SandboxResponse {
      const { pathname } = request.url;
      if (!pathname.startsWith(`${BASE_PATH}/`)) return error(404, 'Not found');
      const route = pathname.slice(BASE_PATH.length).replace(/\/+$/, '');
      const method = request.method.toUpperCase();
      if (route === LEADERSSL_SIGNIN_PATH && method === 'POST') return signIn(request, context);
      const reissueMatch = new RegExp(`^${LEADERSSL_CERTIFICATES_PATH}/([^/]+)/reissue$`).exec(route);
      let action: (() => SandboxResponse) | null = null;
      if (route === LEADERSSL_BALANCE_PATH && method === 'GET') {
        action = () => json(200, formatLeadersslBalance(context.account.balance, context.account.currency));
      } else if (route === LEADERSSL_CERTIFICATES_PATH && method === 'GET') {
        action = () => list(request, context);
      } else if (reissueMatch && method === 'POST' && reissueConfirmed) {
        action = () => reissue(decodeURIComponent(reissueMatch[1] ?? ''), request, context);
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
