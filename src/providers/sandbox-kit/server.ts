/**
 * The common half of every provider sandbox: a server on loopback (HTTP, or HTTPS with its own CA),
 * a test account, and faults that a test or a person can switch on, in code or through
 * `POST /__sandbox/faults`. The provider half (sandbox.ts in each provider folder) only speaks
 * its protocol.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Day } from '../../rules/calendar.js';
import type { CertificateBook, SandboxCertificate } from './dataset.js';
import type { SandboxCa } from './ca.js';

/**
 * Faults every sandbox can play. `echo-request` makes the error answers quote the request they
 * answer, password and all (eNom's does; whether the real service ever does is not documented, so
 * it is a switch for tests of redaction, off by default). `empty-list` answers the certificate list
 * with a well-formed list of none (a provider losing its data, or answering too early);
 * `no-list` with a success that holds no list at all (Ispmanager `{"doc":{}}`, eNom ErrCount 0
 * without CertGetCerts; GlobalSign has no such answer, an empty window has no OrderDetails).
 */
export const SANDBOX_FAULTS = ['wrong-credentials', 'ip-not-allowed', 'locked', 'http-500', 'malformed', 'hang', 'oversized', 'echo-request', 'empty-list', 'no-list'] as const;
export type SandboxFault = (typeof SANDBOX_FAULTS)[number];

export interface SandboxAccount {
  readonly username: string;
  readonly password: string;
  readonly balance: number;
  readonly currency: string;
  /** Source addresses allowed to call the API; null allows any. */
  readonly allowedIps: readonly string[] | null;
  readonly locked: boolean;
}

export interface SandboxRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly remoteAddress: string;
}

export interface SandboxResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type AuthOutcome = 'ok' | 'credentials' | 'ip-not-allowed' | 'locked';

export interface SandboxContext {
  readonly account: SandboxAccount;
  readonly book: CertificateBook;
  readonly today: Day;
  /** Per-sandbox storage for the protocol (sessions, tokens, new order ids). */
  readonly state: Map<string, unknown>;
  /** The faults switched on now (a protocol plays the ones of its own, such as echo-request). */
  readonly faults: ReadonlySet<SandboxFault>;
  /** Records a secret the sandbox handed out (a session token), so tests can check it never leaks. */
  issueSecret(secret: string): void;
  /** The account check every provider makes, with the switched-on faults applied. */
  authenticate(username: string | null, password: string | null, remoteAddress: string): AuthOutcome;
  /**
   * Takes a reissue request (book.reissue), and when the sandbox validates by itself after a delay,
   * schedules that validation. Protocols call this rather than the book.
   */
  reissue(index: number, csr: string, options?: { viaPanel?: boolean; panelKey?: string }): SandboxCertificate | { refused: string };
  /** The sandbox's CA (made on first need). */
  ca(): Promise<SandboxCa>;
  /** The issued leaf (PEM) of the certificate in force, signed by the sandbox's CA. */
  certificatePemOf(index: number): Promise<string>;
}

export interface SandboxProtocol {
  readonly provider: string;
  /** The path the protocol is served under, e.g. "/interface.asp" or "/api/v1". */
  readonly basePath: string;
  handle(request: SandboxRequest, context: SandboxContext): Promise<SandboxResponse> | SandboxResponse;
  /** A body of the right content type that does not parse. */
  malformed(): SandboxResponse;
  /** The book index behind one of the provider's certificate or order ids; null when it names none. */
  indexOf(certificateId: string, context: SandboxContext): number | null;
  /** Names the CA puts in a certificate besides the CSR's (GlobalSign's free www twin). */
  extraNames?(cert: SandboxCertificate): readonly string[];
}

export interface SandboxOptions {
  readonly account: SandboxAccount;
  readonly book: CertificateBook;
  readonly host?: string;
  readonly port?: number;
  readonly tls?: boolean;
  readonly latencyMs?: number;
  readonly faults?: readonly SandboxFault[];
  /** Size of the body sent by the "oversized" fault (default 40 MiB, over the client's 16 MiB limit). */
  readonly oversizedBytes?: number;
  /**
   * How long a reissue waits for its domain validation before the sandbox completes it by itself;
   * null (the default) waits for validate() or `POST /__sandbox/validate`, as a real validation
   * waits for someone to publish a record or answer an e-mail.
   */
  readonly validationDelayMs?: number | null;
}

export interface RunningSandbox {
  readonly provider: string;
  /** Origin plus the protocol's base path: what a module's API URL or endpoint is set to. */
  readonly url: string;
  readonly origin: string;
  /** The CA to trust for an HTTPS sandbox; null over HTTP. */
  readonly caPem: string | null;
  readonly account: SandboxAccount;
  readonly book: CertificateBook;
  /** Delay before a request is handled: a slow provider (the change is not made yet). */
  latencyMs: number;
  /**
   * Delay after a request is handled, before its answer: the change is made and the answer is slow,
   * so a client that gives up or dies meanwhile never learns the outcome.
   */
  answerDelayMs: number;
  readonly faults: Set<SandboxFault>;
  /** How many API requests it has answered (control requests excluded). */
  readonly requests: () => number;
  /** Secrets (tokens, sessions) it has handed out. */
  readonly issuedSecrets: ReadonlySet<string>;
  /** As SandboxOptions.validationDelayMs; changed while it runs, it applies to reissues asked from then on. */
  validationDelayMs: number | null;
  /** The book index behind a provider id (protocol.indexOf). */
  indexOf(certificateId: string): number | null;
  /** Completes the validation of the reissue waiting on this certificate: the CA issues it. */
  validate(index: number): Promise<SandboxCertificate | { refused: string }>;
  /** Fails (or cancels) the validation of the reissue waiting on this certificate, with the CA's reason. */
  failValidation(index: number, reason: string, state?: 'failed' | 'cancelled'): SandboxCertificate | { refused: string };
  /** A reissue begun in the provider's own panel, with a CSR and key made there (not certops'). */
  panelReissue(index: number): Promise<SandboxCertificate | { refused: string }>;
  /** The sandbox's CA. */
  ca(): Promise<SandboxCa>;
  stop(): Promise<void>;
}

function normalizeAddress(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:/, '');
}

export function isSandboxFault(value: string): value is SandboxFault {
  return (SANDBOX_FAULTS as readonly string[]).includes(value);
}

export async function startSandbox(protocol: SandboxProtocol, options: SandboxOptions): Promise<RunningSandbox> {
  // The X.509 library is loaded for TLS sandboxes only: it is a tenth of a second of start-up.
  const tls = options.tls ? await (await import('./tls.js')).createSandboxTls() : null;
  const sockets = new Set<Socket>();
  let served = 0;
  const issuedSecrets = new Set<string>();
  const oversizedBytes = options.oversizedBytes ?? 40 * 1024 * 1024;

  let caPromise: Promise<SandboxCa> | null = null;
  const ca = () => (caPromise ??= import('./ca.js').then(({ createSandboxCa }) => createSandboxCa(`certops ${protocol.provider} sandbox`)));
  const timers = new Set<NodeJS.Timeout>();
  const extraNames = (index: number) => protocol.extraNames?.(options.book.get(index)) ?? [];
  const validate = async (index: number) => options.book.completeValidation(index, await ca(), extraNames(index));

  const sandbox: RunningSandbox = {
    provider: protocol.provider,
    url: '',
    origin: '',
    caPem: tls?.caPem ?? null,
    account: options.account,
    book: options.book,
    latencyMs: options.latencyMs ?? 0,
    answerDelayMs: 0,
    faults: new Set(options.faults ?? []),
    requests: () => served,
    issuedSecrets,
    validationDelayMs: options.validationDelayMs ?? null,
    indexOf: (certificateId) => protocol.indexOf(certificateId, context),
    validate,
    failValidation: (index, reason, state = 'failed') => options.book.failValidation(index, reason, state),
    async panelReissue(index) {
      const cert = options.book.get(index);
      const { createSandboxCsr } = await import('./csr.js');
      const made = await createSandboxCsr(cert.mainDomain, cert.otherNames);
      return context.reissue(index, made.csr, { viaPanel: true, panelKey: made.privateKey });
    },
    ca,
    stop: async () => {},
  };

  const context: SandboxContext = {
    account: options.account,
    book: options.book,
    today: options.book.today,
    state: new Map(),
    get faults() {
      return sandbox.faults;
    },
    issueSecret: (secret) => issuedSecrets.add(secret),
    authenticate(username, password, remoteAddress) {
      const { account } = sandbox;
      if (sandbox.faults.has('wrong-credentials') || username !== account.username || password !== account.password) return 'credentials';
      if (sandbox.faults.has('locked') || account.locked) return 'locked';
      if (sandbox.faults.has('ip-not-allowed') || (account.allowedIps !== null && !account.allowedIps.includes(normalizeAddress(remoteAddress)))) {
        return 'ip-not-allowed';
      }
      return 'ok';
    },
    reissue(index, csr, reissueOptions = {}) {
      const result = options.book.reissue(index, csr, options.book.today, reissueOptions);
      const delay = sandbox.validationDelayMs;
      if (!('refused' in result) && delay !== null) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          void validate(index).catch(() => {});
        }, delay);
        timer.unref();
        timers.add(timer);
      }
      return result;
    },
    ca,
    certificatePemOf: async (index) => options.book.certificatePemOf(index, await ca(), extraNames(index)),
  };

  /** `POST /__sandbox/validate` and `/__sandbox/panel-reissue`: the CA's side of a reissue, by hand. */
  const reissueControl = async (path: string, body: string): Promise<{ status: number; value: unknown }> => {
    const wanted = JSON.parse(body || '{}') as { certificateId?: unknown; all?: unknown; fail?: unknown; cancel?: unknown };
    const book = options.book;
    let indexes: number[];
    if (wanted.all === true && path === '/__sandbox/validate') {
      indexes = [];
      for (let index = 0; index < book.size; index += 1) if (book.get(index).pending?.state === 'validating') indexes.push(index);
    } else {
      const index = typeof wanted.certificateId === 'string' ? sandbox.indexOf(wanted.certificateId) : null;
      if (index === null) return { status: 404, value: { error: 'give "certificateId" (the provider\'s id of the certificate or order), or "all": true' } };
      indexes = [index];
    }
    const results = [];
    for (const index of indexes) {
      const result =
        path === '/__sandbox/panel-reissue'
          ? await sandbox.panelReissue(index)
          : typeof wanted.fail === 'string' || typeof wanted.cancel === 'string'
            ? sandbox.failValidation(index, String(wanted.fail ?? wanted.cancel), typeof wanted.fail === 'string' ? 'failed' : 'cancelled')
            : await validate(index);
      results.push('refused' in result ? { index, refused: result.refused } : { index, domain: result.mainDomain, pending: result.pending?.state ?? null, validTo: result.validTo });
    }
    return { status: results.some((result) => 'refused' in result) ? 409 : 200, value: { results } };
  };

  const control = (req: IncomingMessage, res: ServerResponse, body: string) => {
    if (req.method === 'POST' && (req.url === '/__sandbox/validate' || req.url === '/__sandbox/panel-reissue')) {
      reissueControl(req.url, body).then(
        ({ status, value }) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value)),
        (error: unknown) => res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (error as Error).message })),
      );
      return;
    }
    if (req.method === 'POST' && req.url === '/__sandbox/faults') {
      try {
        const wanted = JSON.parse(body || '{}') as { faults?: unknown; latencyMs?: unknown; answerDelayMs?: unknown };
        const faults = Array.isArray(wanted.faults) ? wanted.faults.map(String) : [];
        const unknown = faults.filter((fault) => !isSandboxFault(fault));
        if (unknown.length > 0) throw new Error(`unknown fault ${unknown.join(', ')}; faults: ${SANDBOX_FAULTS.join(', ')}`);
        sandbox.faults.clear();
        for (const fault of faults) sandbox.faults.add(fault as SandboxFault);
        if (wanted.latencyMs !== undefined) sandbox.latencyMs = Math.max(0, Number(wanted.latencyMs) || 0);
        if (wanted.answerDelayMs !== undefined) sandbox.answerDelayMs = Math.max(0, Number(wanted.answerDelayMs) || 0);
      } catch (error) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (error as Error).message }));
        return;
      }
    }
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ provider: protocol.provider, latencyMs: sandbox.latencyMs, answerDelayMs: sandbox.answerDelayMs, faults: [...sandbox.faults], certificates: options.book.size }));
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.url?.startsWith('/__sandbox')) {
        control(req, res, body);
        return;
      }
      served += 1;
      void (async () => {
        if (sandbox.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, sandbox.latencyMs));
        // A hanging server: the connection stays open and silent until the client gives up.
        if (sandbox.faults.has('hang')) return;
        if (sandbox.faults.has('http-500')) {
          res.writeHead(500, { 'content-type': 'text/html' }).end('<html><body><h1>500 Internal Server Error</h1></body></html>');
          return;
        }
        if (sandbox.faults.has('oversized')) {
          res.writeHead(200, { 'content-type': 'text/xml' });
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          let sent = 0;
          const pump = () => {
            while (sent < oversizedBytes) {
              sent += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', pump);
            }
            res.end();
          };
          res.on('error', () => {});
          pump();
          return;
        }
        const response = sandbox.faults.has('malformed')
          ? protocol.malformed()
          : await protocol.handle(
              { method: req.method ?? 'GET', url: new URL(req.url ?? '/', sandbox.origin), headers: req.headers, body, remoteAddress: normalizeAddress(req.socket.remoteAddress) },
              context,
            );
        if (sandbox.answerDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, sandbox.answerDelayMs));
        res.writeHead(response.status, { 'content-type': response.contentType, ...response.headers }).end(response.body);
      })().catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`sandbox error: ${(error as Error).message}`);
      });
    });
  };

  const server: Server = tls ? createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, handler) : createHttpServer(handler);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  Object.assign(sandbox, {
    origin,
    url: `${origin}${protocol.basePath}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  });
  return sandbox;
}
