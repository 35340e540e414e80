/**
 * A real SMTP server on 127.0.0.1 (smtp-server, the companion of nodemailer) that keeps what
 * arrives, parsed back with mailparser, so tests assert on the mail as a recipient gets it.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach } from 'vitest';
import { createSandboxTls } from '../../src/providers/sandbox-kit/tls.js';

export interface ReceivedMail {
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
  /** The login the client used, or null. */
  readonly user: string | null;
  /** Whether the message came over TLS. */
  readonly secure: boolean;
  readonly raw: string;
  readonly parsed: ParsedMail;
}

export interface TestSmtpServer {
  readonly port: number;
  /** The CA of the server's certificate (PEM), for a server with TLS. */
  readonly caPem: string | null;
  readonly received: ReceivedMail[];
  /** Every AUTH attempt, accepted or not (to check that a password went only where it should). */
  readonly logins: { username: string; accepted: boolean }[];
  close(): Promise<void>;
}

export interface TestSmtpOptions {
  /** Required login; none: any client may send. */
  readonly auth?: { readonly username: string; readonly password: string };
  /** 'implicit': TLS from the start (465-style); 'starttls': offers STARTTLS; default: no TLS at all. */
  readonly tls?: 'implicit' | 'starttls';
  /** Recipients the server refuses at RCPT TO. */
  readonly refuse?: readonly string[];
}

export function smtpHarness() {
  const servers: TestSmtpServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  return {
    async start(options: TestSmtpOptions = {}): Promise<TestSmtpServer> {
      const server = await startSmtpServer(options);
      servers.push(server);
      return server;
    },
  };
}

export async function startSmtpServer(options: TestSmtpOptions = {}): Promise<TestSmtpServer> {
  const tls = options.tls ? await createSandboxTls() : null;
  const received: ReceivedMail[] = [];
  const logins: { username: string; accepted: boolean }[] = [];
  const server = new SMTPServer({
    logger: false,
    secure: options.tls === 'implicit',
    ...(tls ? { key: tls.keyPem, cert: tls.certPem } : {}),
    disabledCommands: [...(options.tls ? [] : ['STARTTLS']), ...(options.auth ? [] : ['AUTH'])],
    authOptional: !options.auth,
    // Plain-text login only for the tests that exercise it; with TLS the server insists on it first.
    allowInsecureAuth: !options.tls,
    onAuth(auth, _session, callback) {
      const accepted = auth.username === options.auth?.username && auth.password === options.auth?.password;
      logins.push({ username: auth.username ?? '', accepted });
      if (accepted) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (options.refuse?.includes(address.address)) callback(Object.assign(new Error(`mailbox ${address.address} unavailable`), { responseCode: 550 }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            received.push({
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              },
              user: typeof session.user === 'string' ? session.user : null,
              secure: session.secure,
              raw,
              parsed,
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    caPem: tls?.caPem ?? null,
    received,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
