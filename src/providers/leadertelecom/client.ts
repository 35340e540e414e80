/** The LeaderTelecom processing module's client: LeaderSSL's REST/JSON API v1 (providers.md §1). */
import { unexpectedStatus, type HttpResponse } from '../http.js';
import { redact } from '../redact.js';
import { moduleTransport, type ClientConfig } from '../settings.js';
import { ProviderError, type Balance, type CertificateRecord, type ListOptions, type OrderState, type ProviderClient, type ReissueRequest } from '../types.js';
import type { LeadertelecomIntegration } from './settings.js';
import {
  LEADERSSL_BALANCE_PATH,
  LEADERSSL_CERTIFICATES_PATH,
  LEADERSSL_PAGE_SIZE,
  LEADERSSL_REISSUE_CONFIRMED,
  LEADERSSL_SIGNIN_PATH,
  LEADERSSL_TOKEN_HEADER,
  leadersslBalance,
  leadersslCertificate,
  leadersslCertificateActionPath,
  leadersslDcv,
  leadersslDownloadBlocks,
  leadersslErrorText,
  leadersslFailureCause,
  leadersslOrderStage,
  leadersslOrderStatus,
  leadersslPage,
  leadersslPageQuery,
  leadersslReissueForm,
  leadersslReissueOutcome,
  leadersslReissuePath,
  leadersslReissueSupport,
  leadersslValidationNeeds,
  parseLeadersslSignIn,
} from './wire.js';

const PROVIDER = 'LeaderSSL';
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

export interface LeadersslClientOptions {
  /** Whether to use the guessed reissue call; the registry's client follows LEADERSSL_REISSUE_CONFIRMED. */
  readonly reissueConfirmed?: boolean;
}

interface Call {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** What the call is, for messages ("billing/balance"). */
  readonly what: string;
  readonly query?: Record<string, string>;
  readonly form?: URLSearchParams;
  readonly read: boolean;
  readonly signal?: AbortSignal | undefined;
  /** The Accept header; JSON unless the call fetches a file. */
  readonly accept?: string;
}

/**
 * A downloaded bundle as leaf and chain: the leaf is the certificate that is not a CA (else the
 * first), the chain follows issuers up from it (leaf's issuer first), and a self-signed root is left
 * out, since servers must not send it. Intermediates off that path keep the answer's order after it.
 */
async function splitBundle(blocks: readonly string[]): Promise<{ leaf: string; chain: string[] }> {
  // Loaded on first need: only collecting a certificate uses it.
  const { orderChain } = await import('../pem-chain.js');
  const ordered = orderChain(blocks);
  return { leaf: ordered.leaf, chain: [...ordered.chain, ...ordered.offPath] };
}

export function createLeadersslClient(config: ClientConfig<LeadertelecomIntegration>, options: LeadersslClientOptions = {}): ProviderClient {
  const { integration, network, log } = config;
  const reissueConfirmed = options.reissueConfirmed ?? LEADERSSL_REISSUE_CONFIRMED;
  const base = new URL(network.endpoint ?? integration.apiUrl);
  const secrets: string[] = [integration.password];
  const transport = moduleTransport(config, PROVIDER, secrets);
  let token: string | null = null;
  let signingIn: Promise<string> | null = null;

  /** The base URL (any trailing slash dropped) joined with a resource path. */
  function endpoint(path: string, query: Record<string, string> = {}): URL {
    const url = new URL(base.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url;
  }

  function learnSecret(secret: string) {
    if (!secrets.includes(secret)) secrets.push(secret);
    transport.addSecret(secret);
  }

  function parseJson(response: HttpResponse, what: string): unknown {
    try {
      return JSON.parse(response.body) as unknown;
    } catch {
      // The parser's message quotes the body; it is left out so nothing from the answer reaches the error.
      throw new ProviderError('unexpected-response', `${PROVIDER} ${what}: the answer is not valid JSON (${Buffer.byteLength(response.body)} bytes)`, {
        httpStatus: response.status,
      });
    }
  }

  /** An error answer as a ProviderError with its cause; `afterFreshSignIn` when a token just received was refused. */
  function failure(response: HttpResponse, what: string, afterFreshSignIn = false): ProviderError {
    const text = redact(leadersslErrorText(response.body), secrets);
    const quoted = text ? ` ("${text}")` : '';
    const cause = leadersslFailureCause(response.status, text);
    const details = { httpStatus: response.status, ...(text ? { providerCode: text } : {}) };
    switch (cause) {
      case 'credentials':
        return new ProviderError(
          'credentials',
          afterFreshSignIn
            ? `${PROVIDER} refused the session token it had just issued (${what}, HTTP ${response.status})${quoted}`
            : `${PROVIDER} rejected the login or password${quoted}`,
          details,
        );
      case 'ip-not-allowed':
        return new ProviderError(
          'ip-not-allowed',
          `${PROVIDER} does not allow API calls from this server's IP address${quoted}; allow it in the LeaderSSL client area`,
          details,
        );
      case 'account-locked':
        return new ProviderError('account-locked', `the ${PROVIDER} account is locked${quoted}`, details);
      default: {
        const status = unexpectedStatus(PROVIDER, response);
        return new ProviderError(status.failure, `${what}: ${status.message}${quoted}`, { ...status.details, ...details });
      }
    }
  }

  /** Signs in with login and password; the token is masked in logs from the moment it arrives. */
  async function signIn(signal?: AbortSignal): Promise<string> {
    log.write(6, `${PROVIDER}: signing in as ${integration.username}`);
    const response = await transport.request({
      method: 'POST',
      url: endpoint(LEADERSSL_SIGNIN_PATH),
      headers: { 'content-type': FORM, accept: JSON_TYPE },
      body: new URLSearchParams({ login: integration.username, password: integration.password }).toString(),
      // Signing in changes nothing on the provider's side, so it may be retried like a read.
      read: true,
      signal,
    });
    if (response.status !== 200) throw failure(response, 'users/signin');
    const json = parseJson(response, 'users/signin');
    const session = parseLeadersslSignIn(json);
    if (!session) {
      const error = json && typeof json === 'object' && 'error' in json ? redact(leadersslErrorText(response.body), secrets) : '';
      throw new ProviderError('unexpected-response', `${PROVIDER} users/signin: the answer has no auth_token${error ? ` ("${error}")` : ''}`);
    }
    learnSecret(session.authToken);
    if (session.publicToken) learnSecret(session.publicToken);
    log.write(6, `${PROVIDER}: signed in as ${integration.username}${session.userId === null ? '' : ` (user id ${session.userId})`}`);
    token = session.authToken;
    return session.authToken;
  }

  /** The current token, signing in when there is none (one sign-in at a time). */
  function sessionToken(signal?: AbortSignal): Promise<string> {
    if (token) return Promise.resolve(token);
    signingIn ??= signIn(signal).finally(() => {
      signingIn = null;
    });
    return signingIn;
  }

  /**
   * One call with the token in the X-AUTH-TOKEN header. Token expiry is UNCONFIRMED: on a 401 that
   * is about the token, the client signs in again once and repeats the call once.
   */
  async function exchange({ method, path, what, query, form, read, signal, accept = JSON_TYPE }: Call): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt += 1) {
      const current = await sessionToken(signal);
      const response = await transport.request({
        method,
        url: endpoint(path, query),
        headers: { accept, [LEADERSSL_TOKEN_HEADER]: current, ...(form ? { 'content-type': FORM } : {}) },
        ...(form ? { body: form.toString() } : {}),
        read,
        signal,
      });
      if (response.status === 401 && attempt === 1 && leadersslFailureCause(401, leadersslErrorText(response.body)) === 'credentials') {
        log.write(4, `${PROVIDER} ${what}: the session token was refused (HTTP 401); signing in again`);
        if (token === current) token = null;
        continue;
      }
      if (response.status < 200 || response.status > 299) throw failure(response, what, attempt > 1);
      return response;
    }
  }

  /** One call whose answer is JSON. */
  async function call(request: Call): Promise<unknown> {
    return parseJson(await exchange(request), request.what);
  }

  /** The certificate file of an issued order: leaf and chain. */
  async function download(certificateId: string): Promise<{ leaf: string; chain: string[] }> {
    const what = `ssl_certificates/${certificateId}/download`;
    const response = await exchange({ method: 'GET', path: leadersslCertificateActionPath(certificateId, 'download'), what, read: true, accept: '*/*' });
    const blocks = leadersslDownloadBlocks(response.body);
    if (blocks.length === 0) {
      const zip = response.body.startsWith('PK');
      throw new ProviderError(
        'unexpected-response',
        `${PROVIDER} ${what}: the answer holds no PEM certificate (${Buffer.byteLength(response.body)} bytes${zip ? ', apparently a ZIP archive' : ''})`,
        { httpStatus: response.status },
      );
    }
    try {
      return await splitBundle(blocks);
    } catch {
      throw new ProviderError('unexpected-response', `${PROVIDER} ${what}: a certificate in the answer cannot be read`, { httpStatus: response.status });
    }
  }

  return {
    async checkConnection() {
      // The sign-in is LeaderSSL's credential check (there is no other): always made afresh. Whether
      // the IP allow-list is enforced at sign-in is unknown (evidence item 9), so one authenticated
      // call follows: a refused address shows here rather than at the first real call.
      const started = performance.now();
      token = null;
      await signIn();
      await call({ method: 'GET', path: LEADERSSL_BALANCE_PATH, what: 'billing/balance', read: true });
      return { roundTripMs: performance.now() - started };
    },

    async getBalance(): Promise<Balance> {
      const json = await call({ method: 'GET', path: LEADERSSL_BALANCE_PATH, what: 'billing/balance', read: true });
      const balance = leadersslBalance(json);
      if (!balance) throw new ProviderError('unexpected-response', `${PROVIDER} billing/balance: no readable balance in the answer`);
      return balance;
    },

    async *listCertificates(options: ListOptions = {}) {
      const seen = new Set<string>();
      let listed = 0;
      for (let page = 1; ; page += 1) {
        const what = `ssl_certificates (page ${page})`;
        const json = await call({
          method: 'GET',
          path: LEADERSSL_CERTIFICATES_PATH,
          what,
          query: leadersslPageQuery(page, LEADERSSL_PAGE_SIZE),
          read: true,
          signal: options.signal,
        });
        const parsed = leadersslPage(json);
        if (!parsed) throw new ProviderError('unexpected-response', `${PROVIDER} ${what}: the answer is neither a list of certificates nor an object holding one`);
        const records: CertificateRecord[] = parsed.items.map((item, position) => {
          const record = leadersslCertificate(item);
          if (!record) throw new ProviderError('unexpected-response', `${PROVIDER} ${what}: entry ${position + 1} has no id or domain_name`);
          return record;
        });
        // Paging is UNCONFIRMED: a server that ignores `page` repeats itself, and that ends the list.
        const fresh = records.filter((record) => !seen.has(record.id) && seen.add(record.id));
        listed += fresh.length;
        options.onProgress?.({ listed, total: parsed.total });
        if (fresh.length > 0) yield fresh;
        if (fresh.length === 0) {
          if (records.length > 0) log.write(4, `${PROVIDER} ${what}: the page repeats certificates already listed; taking the list as complete`);
          return;
        }
        if (parsed.total !== null ? listed >= parsed.total : records.length < LEADERSSL_PAGE_SIZE) return;
        // More than a page in one answer: the server ignored per_page and sent the whole list.
        if (parsed.total === null && records.length > LEADERSSL_PAGE_SIZE) return;
      }
    },

    reissueSupport() {
      return leadersslReissueSupport(reissueConfirmed);
    },

    async reissue({ certificate, csr }: ReissueRequest) {
      const support = leadersslReissueSupport(reissueConfirmed);
      if (!support.supported) throw new ProviderError('unsupported', support.reason);
      const json = await call({
        method: 'POST',
        path: leadersslReissuePath(certificate.id),
        what: `ssl_certificates/${certificate.id}/reissue`,
        form: leadersslReissueForm(csr),
        read: false,
      });
      return leadersslReissueOutcome(json, certificate.id);
    },

    // No call of LeaderSSL's API returns an order's CSR (providers.md §1.3), so none is asked.
    originalCsr: async () => null,

    async orderState(certificateId: string): Promise<OrderState> {
      const what = `ssl_certificates/${certificateId}/status`;
      const answer = leadersslOrderStatus(await call({ method: 'GET', path: leadersslCertificateActionPath(certificateId, 'status'), what, read: true }));
      if (!answer) throw new ProviderError('unexpected-response', `${PROVIDER} ${what}: no status in the answer`);
      const stage = leadersslOrderStage(answer.status);
      if (stage === null) throw new ProviderError('unexpected-response', `${PROVIDER} ${what}: the status "${redact(answer.status, secrets)}" does not say where the order stands`);
      const state: OrderState = {
        certificateId,
        stage,
        providerStatus: answer.status,
        reason: answer.message === null ? null : redact(answer.message, secrets),
        validation: null,
        certificate: null,
        chain: [],
        validFrom: null,
        validTo: null,
      };
      // The DCV status only while validating, the file only once issued: before that, /download
      // would give the certificate still in force.
      if (stage === 'validating') {
        const dcvWhat = `ssl_certificates/${certificateId}/dcv`;
        const domains = leadersslDcv(await call({ method: 'GET', path: leadersslCertificateActionPath(certificateId, 'dcv'), what: dcvWhat, read: true }));
        if (!domains) throw new ProviderError('unexpected-response', `${PROVIDER} ${dcvWhat}: no domain in the answer`);
        const validation = leadersslValidationNeeds(domains);
        return { ...state, validation: { ...validation, detail: validation.detail === null ? null : redact(validation.detail, secrets) } };
      }
      if (stage === 'issued') {
        const { leaf, chain } = await download(certificateId);
        return { ...state, certificate: leaf, chain, validFrom: answer.validFrom, validTo: answer.validTo };
      }
      return state;
    },

    close: () => transport.close(),
  };
}
