/**
 * The one HTTP path to providers, over undici: connect and total timeouts, bounded retries with
 * backoff for reads only (never for a reissue), a response size limit, TLS verification always
 * (system roots plus the module's own CA file), an optional source address (GlobalSign allow-lists
 * it), and keep-alive reuse within a run. Failures become ProviderError with a specific cause.
 */
import type { LookupFunction } from 'node:net';
import type { Agent } from 'undici';
import type { ModuleLog } from './log.js';
import { redact } from './redact.js';
import { ProviderError, type FailureCause } from './types.js';
import { checkApiUrl } from './url-policy.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_TOTAL_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_READ_RETRIES = 2;

export interface TransportOptions {
  /** The provider's name, for messages ("eNom", "GlobalSign"). */
  readonly provider: string;
  readonly log: ModuleLog;
  /** Values to mask in logs and errors (passwords, tokens). */
  readonly secrets: readonly string[];
  readonly connectTimeoutMs?: number | undefined;
  readonly totalTimeoutMs?: number | undefined;
  readonly maxResponseBytes?: number | undefined;
  readonly readRetries?: number | undefined;
  /** Base delay of the retry backoff; doubled at each attempt, with jitter. */
  readonly retryDelayMs?: number | undefined;
  /** A PEM CA the module trusts besides the system roots. */
  readonly caPem?: string | undefined;
  /** The local address to send requests from. */
  readonly localAddress?: string | undefined;
  /** DNS resolution; tests pass one to produce resolver failures without a network. */
  readonly lookup?: LookupFunction | undefined;
  /** Cancels every request of this transport (the console quitting), besides each request's own. */
  readonly signal?: AbortSignal | undefined;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Reads may be retried on transient failures; anything that changes state never is. */
  readonly read: boolean;
  readonly signal?: AbortSignal | undefined;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  readonly elapsedMs: number;
}

export interface Transport {
  request(request: HttpRequest): Promise<HttpResponse>;
  /** Masks a secret learnt at run time (a session token) in every later log line and error. */
  addSecret(secret: string): void;
  close(): Promise<void>;
}

type Undici = typeof import('undici');

/** undici, loaded on demand; a CommonJS package imported from the ESM bundle sits under `default`. */
export async function loadUndici(): Promise<Undici> {
  const loaded = await import('undici');
  return (loaded as Undici & { default?: Undici }).default ?? loaded;
}

const TLS_UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (typeof code === 'string') codes.push(code);
    if (typeof name === 'string') codes.push(name);
  }
  return codes;
}

function classify(error: unknown, url: URL, options: TransportOptions & { connectTimeoutMs: number; totalTimeoutMs: number }, timedOut: boolean): ProviderError {
  if (error instanceof ProviderError) return error;
  const codes = errorCodes(error);
  const host = url.hostname;
  const where = `${host}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  const has = (...wanted: string[]) => wanted.find((code) => codes.includes(code));
  const make = (failure: FailureCause, message: string, retryable = false) => new ProviderError(failure, message, { retryable });
  if (timedOut || has('UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'TimeoutError')) {
    return make('timeout', `${options.provider} did not answer within ${options.totalTimeoutMs / 1000} s (${where})`);
  }
  if (has('UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT')) return make('timeout', `no connection to ${where} within ${options.connectTimeoutMs / 1000} s`);
  const dns = has('ENOTFOUND', 'EAI_NONAME', 'EAI_AGAIN', 'EAI_FAIL', 'ENODATA');
  if (dns) return make('dns', `the DNS name ${host} was not found (${dns})`);
  if (has('ECONNREFUSED')) return make('refused', `the connection to ${where} was refused`);
  const tls = codes.find((code) => TLS_UNTRUSTED.has(code));
  if (tls) return make('tls-untrusted', `the TLS certificate of ${host} is not trusted (${tls}); if it is signed by your own CA, add it with --ca-file`);
  const tlsOther = codes.find((code) => code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || code === 'EPROTO');
  if (tlsOther) return make('tls', `the TLS handshake with ${where} failed (${tlsOther})`);
  if (has('EADDRNOTAVAIL')) return make('network', `the source address ${options.localAddress ?? ''} is not an address of this server`);
  const reset = has('ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED');
  if (reset) return make('network', `the connection to ${where} was cut (${reset})`, true);
  const message = error instanceof Error ? error.message : String(error);
  return make('network', `the request to ${where} failed: ${redact(message, options.secrets)}`);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

export function createTransport(options: TransportOptions): Transport {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const totalTimeoutMs = options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const readRetries = options.readRetries ?? DEFAULT_READ_RETRIES;
  const retryDelayMs = options.retryDelayMs ?? 300;
  const secrets = [...options.secrets];
  const settings = { ...options, secrets, connectTimeoutMs, totalTimeoutMs };
  // The module log masks the secrets it was made with; the transport also masks the ones learnt since.
  const log: ModuleLog = { level: options.log.level, write: (level, message) => options.log.write(level, redact(message, secrets)) };
  // undici is loaded with the first request: commands that only read the configuration never load it.
  let agent: Promise<Agent> | null = null;
  const makeAgent = async () => {
    const undici = await loadUndici();
    // node:tls on first use too: it and the crypto it loads are ~6 ms of the console's start.
    const { rootCertificates } = options.caPem ? await import('node:tls') : { rootCertificates: [] };
    return new undici.Agent({
    connect: {
      timeout: connectTimeoutMs,
      rejectUnauthorized: true,
      ...(options.caPem ? { ca: [...rootCertificates, options.caPem] } : {}),
      ...(options.lookup ? { lookup: options.lookup } : {}),
    },
    // At the top level: undici overwrites a localAddress given inside `connect` with its own.
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    keepAliveTimeout: 10_000,
    headersTimeout: totalTimeoutMs,
    bodyTimeout: totalTimeoutMs,
    });
  };

  // The request's own signal and the transport's: either cancels it.
  const cancelOf = (req: HttpRequest): AbortSignal | undefined =>
    req.signal && options.signal ? AbortSignal.any([req.signal, options.signal]) : (req.signal ?? options.signal);

  async function once(req: HttpRequest): Promise<HttpResponse> {
    const timeout = AbortSignal.timeout(totalTimeoutMs);
    const cancel = cancelOf(req);
    if (cancel?.aborted) throw new ProviderError('network', `the request to ${req.url.host} was cancelled`);
    const signal = cancel ? AbortSignal.any([timeout, cancel]) : timeout;
    const started = performance.now();
    try {
      const dispatcher = await (agent ??= makeAgent());
      const { request } = await loadUndici();
      const response = await request(req.url, {
        method: req.method,
        headers: { 'user-agent': 'certops', ...req.headers },
        ...(req.body !== undefined ? { body: req.body } : {}),
        dispatcher,
        signal,
      });
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxResponseBytes) {
        response.body.destroy();
        throw tooLarge(declared);
      }
      const chunks: Buffer[] = [];
      let received = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        received += chunk.length;
        if (received > maxResponseBytes) {
          response.body.destroy();
          throw tooLarge(received);
        }
        chunks.push(chunk);
      }
      return { status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString('utf8'), elapsedMs: performance.now() - started };
    } catch (error) {
      if (cancel?.aborted) throw new ProviderError('network', `the request to ${req.url.host} was cancelled`);
      throw classify(error, req.url, settings, timeout.aborted);
    }
  }

  function tooLarge(bytes: number) {
    return new ProviderError(
      'too-large',
      `${options.provider} sent more than the ${Math.round(maxResponseBytes / 1024 / 1024)} MiB response limit (${bytes > maxResponseBytes ? `at least ${bytes} bytes` : ''})`,
    );
  }

  return {
    async request(req) {
      const allowed = checkApiUrl(req.url.href);
      if (!allowed.ok) throw new ProviderError('insecure-url', allowed.error);
      const target = `${req.method} ${req.url.origin}${req.url.pathname}`;
      const attempts = req.read ? 1 + readRetries : 1;
      for (let attempt = 1; ; attempt += 1) {
        if (log.level >= 9) log.write(9, `request ${req.method} ${req.url.href}\n${JSON.stringify(req.headers ?? {})}\n${req.body ?? ''}`);
        try {
          const response = await once(req);
          log.write(5, `${target} -> HTTP ${response.status} in ${Math.round(response.elapsedMs)} ms, ${Buffer.byteLength(response.body)} bytes`);
          if (log.level >= 9) log.write(9, `response HTTP ${response.status}\n${response.body}`);
          const transient = response.status === 429 || (response.status >= 500 && response.status !== 501);
          if (transient && attempt < attempts) {
            log.write(4, `${target}: HTTP ${response.status}, retrying (attempt ${attempt + 1} of ${attempts})`);
            await sleep(retryDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2), cancelOf(req));
            continue;
          }
          return response;
        } catch (error) {
          const failure = error as ProviderError;
          if (failure.details.retryable && attempt < attempts) {
            log.write(4, `${target}: ${failure.message}, retrying (attempt ${attempt + 1} of ${attempts})`);
            await sleep(retryDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2), cancelOf(req));
            continue;
          }
          // A call the operator cancelled (the console left) is not the provider's failure.
          if (cancelOf(req)?.aborted) log.write(5, `${target} cancelled`);
          else log.write(3, `${target} failed: ${failure.message}`);
          throw new ProviderError(failure.failure, redact(failure.message, secrets), failure.details);
        }
      }
    },
    addSecret(secret) {
      if (secret && !secrets.includes(secret)) secrets.push(secret);
    },
    close: async () => {
      if (!agent) return;
      // Cancelled (the operator left): the connections go now; a graceful close would keep a
      // socket to a provider that never answers open, and the process with it.
      if (options.signal?.aborted) await (await agent).destroy();
      else await (await agent).close();
    },
  };
}

/** An HTTP status the provider should never answer with (its errors come in the body). */
export function unexpectedStatus(provider: string, response: HttpResponse): ProviderError {
  return new ProviderError('http-status', `${provider} answered HTTP ${response.status}${response.status >= 500 ? ' (a server error on its side)' : ''}`, {
    httpStatus: response.status,
  });
}
