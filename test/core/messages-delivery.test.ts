import { simpleParser } from 'mailparser';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deliver, deliveredRecord, listOutbox, MailError, mailError, messagesState, type OutgoingMessage } from '../../src/core/messages/mail.js';
import { setSmtp, type SmtpInput } from '../../src/core/messages/settings.js';
import { Workspace } from '../../src/core/workspace.js';
import { smtpHarness } from '../helpers/smtp.js';

const smtp = smtpHarness();
const fresh = () => new Workspace(join(mkdtempSync(join(tmpdir(), 'certops-mail-')), 'config'));
const PASSWORD = 'Smtp-pass-9e1c';

const message = (key: string, to: readonly string[] = ['client@example.com']): OutgoingMessage => ({
  key,
  to,
  subject: 'Certificate expiration notification: shop.example.com',
  text: 'The SSL certificate of shop.example.com expires on 2026-10-19.\n',
});

async function useSmtp(workspace: Workspace, input: Omit<SmtpInput, 'host' | 'from'>, caPem?: string | null) {
  let caFile: string | undefined;
  if (caPem) {
    caFile = join(workspace.directory, '..', 'smtp-ca.pem');
    writeFileSync(caFile, caPem);
  }
  await setSmtp(workspace, { host: '127.0.0.1', from: 'Billing <billing@example.com>', caFile, ...input });
}

/** Every file in the workspace but messages.json, to prove the password went nowhere else. */
function filesWithout(workspace: Workspace, secret: string): void {
  const walk = (directory: string): string[] =>
    readdirSync(directory, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(directory, entry.name)) : [join(directory, entry.name)]));
  for (const file of walk(workspace.directory)) {
    if (file.endsWith('/messages.json')) continue;
    expect(readFileSync(file, 'utf8'), file).not.toContain(secret);
  }
}

describe('delivery by SMTP', () => {
  it('sends without a login to a plain server and the mail arrives as written', async () => {
    const server = await smtp.start();
    const workspace = fresh();
    await useSmtp(workspace, { port: server.port, security: 'none' });
    const delivery = await deliver(workspace, message('k1', ['client@example.com', 'second@example.org']));
    expect(delivery).toMatchObject({ via: 'smtp', key: 'k1', to: ['client@example.com', 'second@example.org'], rejected: [] });
    expect(server.received).toHaveLength(1);
    const [mail] = server.received;
    expect(mail?.envelope).toEqual({ from: 'billing@example.com', to: ['client@example.com', 'second@example.org'] });
    expect(mail?.parsed.subject).toBe('Certificate expiration notification: shop.example.com');
    expect(mail?.parsed.text).toBe('The SSL certificate of shop.example.com expires on 2026-10-19.\n');
    expect(mail?.parsed.from?.value).toEqual([{ address: 'billing@example.com', name: 'Billing' }]);
    expect(mail?.parsed.messageId).toBe(delivery.via === 'smtp' ? delivery.messageId : '');
    // No internal key in a client's mail.
    expect(mail?.parsed.headers.has('x-certops-key')).toBe(false);
  });

  it('logs in with STARTTLS to a server whose CA is given, over TLS only', async () => {
    const server = await smtp.start({ tls: 'starttls', auth: { username: 'billing', password: PASSWORD } });
    const workspace = fresh();
    await useSmtp(workspace, { port: server.port, security: 'starttls', username: 'billing', password: PASSWORD }, server.caPem);
    const delivery = await deliver(workspace, message('k-starttls'));
    expect(delivery.via).toBe('smtp');
    expect(server.received[0]).toMatchObject({ user: 'billing', secure: true });
    expect(server.received[0]?.parsed.subject).toBe('Certificate expiration notification: shop.example.com');
    filesWithout(workspace, PASSWORD);
  });

  it('logs in over TLS from the start (--secure)', async () => {
    const server = await smtp.start({ tls: 'implicit', auth: { username: 'billing', password: PASSWORD } });
    const workspace = fresh();
    await useSmtp(workspace, { port: server.port, security: 'tls', username: 'billing', password: PASSWORD }, server.caPem);
    expect((await deliver(workspace, message('k-tls'))).via).toBe('smtp');
    expect(server.received[0]).toMatchObject({ user: 'billing', secure: true });
  });

  it('a refused login is a clear error without the password, and records nothing', async () => {
    const server = await smtp.start({ auth: { username: 'billing', password: 'the-right-one' } });
    const workspace = fresh();
    await useSmtp(workspace, { port: server.port, security: 'none', username: 'billing', password: PASSWORD });
    const attempt = deliver(workspace, message('k-auth'));
    await expect(attempt).rejects.toThrow(MailError);
    await expect(attempt).rejects.toMatchObject({ failure: 'auth-failed' });
    const error = (await attempt.catch((e: unknown) => e)) as MailError;
    expect(error.message).toMatch(/^the SMTP server 127\.0\.0\.1:\d+ refused the login of "billing": .*535.*check the username and the password/);
    expect(error.message + String(error.stack)).not.toContain(PASSWORD);
    expect(error.message).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    expect(server.logins.length).toBeGreaterThan(0);
    expect(server.received).toHaveLength(0);
    expect(deliveredRecord(workspace, 'k-auth')).toBeNull();
    filesWithout(workspace, PASSWORD);
  });

  it('a refused connection says so', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const workspace = fresh();
    await useSmtp(workspace, { port, security: 'none' });
    await expect(deliver(workspace, message('k-refused'))).rejects.toMatchObject({
      failure: 'connection-refused',
      message: expect.stringMatching(new RegExp(`^the SMTP server 127\\.0\\.0\\.1:${port} refused the connection: is an SMTP server listening on port ${port}\\?`)),
    });
  });

  it('a server certificate that is not trusted is a certificate error naming --ca-file', async () => {
    const server = await smtp.start({ tls: 'starttls', auth: { username: 'billing', password: PASSWORD } });
    const workspace = fresh();
    await useSmtp(workspace, { port: server.port, security: 'starttls', username: 'billing', password: PASSWORD });
    const error = (await deliver(workspace, message('k-cert')).catch((e: unknown) => e)) as MailError;
    expect(error).toBeInstanceOf(MailError);
    expect(error.failure).toBe('certificate');
    expect(error.message).toMatch(/is not trusted: .*--ca-file/);
    expect(server.logins).toEqual([]);
  });

  it('TLS from the start against a plain server is a TLS error with the hint about ports', async () => {
    const server = await smtp.start();
    const workspace = fresh();
    await useSmtp(workspace, { port: server.port, security: 'tls' });
    const error = (await deliver(workspace, message('k-wrong-tls')).catch((e: unknown) => e)) as MailError;
    expect(error).toMatchObject({ failure: 'tls', message: expect.stringMatching(/--secure is for port 465, --starttls for 587/) });
    // OpenSSL's internals (error codes, source paths) are left out.
    expect(error.message).not.toMatch(/deps\/openssl|:error:/);
  });

  it('--starttls against a server without STARTTLS fails instead of sending in the clear', async () => {
    const server = await smtp.start();
    const workspace = fresh();
    await useSmtp(workspace, { port: server.port, security: 'starttls' });
    await expect(deliver(workspace, message('k-no-starttls'))).rejects.toMatchObject({ failure: 'tls' });
    expect(server.received).toHaveLength(0);
  });

  it('reports recipients the server refused and sends to the others', async () => {
    const server = await smtp.start({ refuse: ['gone@example.com'] });
    const workspace = fresh();
    await useSmtp(workspace, { port: server.port, security: 'none' });
    const delivery = await deliver(workspace, message('k-partial', ['gone@example.com', 'here@example.com']));
    expect(delivery).toMatchObject({ via: 'smtp', rejected: ['gone@example.com'] });
    expect(server.received[0]?.envelope.to).toEqual(['here@example.com']);
    await expect(deliver(workspace, message('k-none', ['gone@example.com']))).rejects.toMatchObject({ failure: 'rejected' });
  });
});

describe('SMTP error messages', () => {
  const settings = { host: 'smtp.example.com', port: 587, security: 'starttls' as const, username: 'billing', password: PASSWORD, from: 'b@example.com', caFile: null };

  it('never carry the password, even when a server echoes it back (plain, base64, AUTH PLAIN)', () => {
    const plain = Buffer.from(`\0billing\0${PASSWORD}`).toString('base64');
    const echoed = Object.assign(new Error(`Invalid login: 535 ${PASSWORD} ${Buffer.from(PASSWORD).toString('base64')} ${plain}`), { code: 'EAUTH' });
    const error = mailError(echoed, settings);
    expect(error.failure).toBe('auth-failed');
    expect(error.message).toBe('the SMTP server smtp.example.com:587 refused the login of "billing": Invalid login: 535 •••• •••• ••••; check the username and the password (certops messages smtp set)');
  });

  it.each([
    [{ code: 'EDNS', message: 'getaddrinfo ENOTFOUND smtp.example.com' }, 'dns', /^the SMTP host name smtp\.example\.com cannot be resolved/],
    [{ code: 'ETIMEDOUT', message: 'Greeting never received' }, 'timeout', /did not answer in time \(Greeting never received\)$/],
    [{ code: 'EENVELOPE', message: 'No recipients defined' }, 'rejected', /refused the sender or the recipients/],
    [{ code: 'EMESSAGE', message: 'Message failed: 552 too big', responseCode: 552 }, 'rejected', /refused the message: Message failed: 552 too big$/],
    [{ code: 'ESOCKET', message: 'read ECONNRESET' }, 'other', /^the connection to the SMTP server smtp\.example\.com:587 failed: read ECONNRESET$/],
  ])('maps %j to %s', (raw, failure, message) => {
    const error = mailError(Object.assign(new Error(raw.message), raw), settings);
    expect(error.failure).toBe(failure);
    expect(error.message).toMatch(message);
  });
});

describe('delivery into the outbox', () => {
  it('writes one file per key even when a run was killed between writing the message and recording it', async () => {
    const workspace = fresh();
    const key = 'reissued:1:500004:2026-11-20';
    const first = await deliver(workspace, message(key));
    if (first.via !== 'outbox') throw new Error('outbox');
    const outbox = join(workspace.directory, 'outbox');
    // As a kill leaves it: the message written, its marker still there, and no record of the delivery.
    const { createHash } = await import('node:crypto');
    writeFileSync(join(outbox, `.pending-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`), first.path.split('/').pop() as string);
    await messagesState(workspace).update((state) => ({ data: { delivered: Object.fromEntries(Object.entries(state.delivered).filter(([k]) => k !== key)) }, result: undefined }));
    const again = await deliver(workspace, message(key));
    expect(again).toMatchObject({ via: 'outbox', path: first.path });
    expect(readdirSync(outbox).filter((name) => name.endsWith('.eml'))).toHaveLength(1);
    // Recorded now, and the marker is gone: a third delivery is "already sent".
    expect(readdirSync(outbox).filter((name) => name.startsWith('.pending-'))).toEqual([]);
    expect((await deliver(workspace, message(key))).via).toBe('already-sent');
  });

  it('without SMTP settings writes an .eml that parses back to the message, owner-only', async () => {
    const workspace = fresh();
    const now = new Date('2026-11-23T09:15:00.123Z');
    const delivery = await deliver(workspace, { ...message('expiration:1:CE1:2026-10-09'), subject: 'Zertifikat läuft ab: shop.example.com' }, { now: () => now });
    expect(delivery).toMatchObject({ via: 'outbox', reason: 'no-smtp' });
    if (delivery.via !== 'outbox') throw new Error('outbox');
    expect(delivery.path).toMatch(/\/outbox\/20261123T091500123Z-[0-9a-f]{8}\.eml$/);
    expect(statSync(delivery.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(workspace.directory, 'outbox')).mode & 0o777).toBe(0o700);
    const raw = readFileSync(delivery.path);
    // RFC 5322 lines end in CRLF.
    expect(raw.toString('utf8')).toMatch(/^[^\n]*\r\n/);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Zertifikat läuft ab: shop.example.com');
    expect(parsed.text).toBe('The SSL certificate of shop.example.com expires on 2026-10-19.\n');
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : null).toEqual([{ address: 'client@example.com', name: '' }]);
    expect(parsed.from?.value).toEqual([{ address: 'certops@localhost', name: '' }]);
    expect(parsed.date?.toISOString()).toBe('2026-11-23T09:15:00.000Z');
    expect(parsed.headers.get('x-certops-key')).toBe('expiration:1:CE1:2026-10-09');
    expect(listOutbox(workspace)).toEqual([
      {
        file: delivery.path.split('/').pop(),
        path: delivery.path,
        size: raw.length,
        createdAt: '2026-11-23T09:15:00.123Z',
        key: 'expiration:1:CE1:2026-10-09',
        to: ['client@example.com'],
        subject: 'Zertifikat läuft ab: shop.example.com',
      },
    ]);
  });

  it('a message without recipient goes to the outbox even with SMTP set, with the note in its headers', async () => {
    const server = await smtp.start();
    const workspace = fresh();
    await useSmtp(workspace, { port: server.port, security: 'none' });
    const delivery = await deliver(workspace, { ...message('k-nobody', []), note: 'certops does not know the client address' });
    expect(delivery).toMatchObject({ via: 'outbox', reason: 'no-recipient' });
    expect(server.received).toHaveLength(0);
    if (delivery.via !== 'outbox') throw new Error('outbox');
    const raw = readFileSync(delivery.path, 'utf8');
    expect(raw).toMatch(/^To: "recipient unknown, see X-Certops-Note":;\r$/m);
    const parsed = await simpleParser(raw);
    expect(parsed.headers.get('x-certops-note')).toBe('certops does not know the client address');
    expect(parsed.from?.value[0]?.address).toBe('billing@example.com');
  });

  it('file names sort by time and never collide', async () => {
    const workspace = fresh();
    const now = new Date('2026-11-23T09:15:00.000Z');
    for (let i = 0; i < 5; i += 1) await deliver(workspace, message(`k${i}`), { now: () => now });
    await deliver(workspace, message('later'), { now: () => new Date('2026-11-24T00:00:00.000Z') });
    const files = listOutbox(workspace);
    expect(new Set(files.map((file) => file.file)).size).toBe(6);
    expect(files.at(-1)?.key).toBe('later');
  });
});

describe('a key is delivered once', () => {
  it('returns already-sent for a delivered key, by SMTP or into the outbox', async () => {
    const server = await smtp.start();
    const workspace = fresh();
    await useSmtp(workspace, { port: server.port, security: 'none' });
    const first = await deliver(workspace, message('low-balance:3:2026-11-23'));
    expect(first.via).toBe('smtp');
    const again = await deliver(workspace, message('low-balance:3:2026-11-23'));
    expect(again).toMatchObject({ via: 'already-sent', key: 'low-balance:3:2026-11-23', previously: 'smtp' });
    expect(server.received).toHaveLength(1);
    expect(deliveredRecord(workspace, 'low-balance:3:2026-11-23')).toMatchObject({ via: 'smtp', to: ['client@example.com'] });

    const other = fresh();
    await deliver(other, message('k'));
    expect(await deliver(other, message('k'))).toMatchObject({ via: 'already-sent', previously: 'outbox' });
    expect(listOutbox(other)).toHaveLength(1);
  });

  it('two deliveries of one key at the same moment send it once', async () => {
    const server = await smtp.start();
    const workspace = fresh();
    await useSmtp(workspace, { port: server.port, security: 'none' });
    const results = await Promise.all([deliver(workspace, message('same')), deliver(workspace, message('same')), deliver(workspace, message('same'))]);
    expect(results.map((result) => result.via).sort()).toEqual(['already-sent', 'already-sent', 'smtp']);
    expect(server.received).toHaveLength(1);
  });

  it('a failed delivery can be tried again', async () => {
    const server = await smtp.start({ auth: { username: 'billing', password: PASSWORD } });
    const workspace = fresh();
    await useSmtp(workspace, { port: server.port, security: 'none', username: 'billing', password: 'wrong-one' });
    await expect(deliver(workspace, message('retry'))).rejects.toThrow(MailError);
    await useSmtp(workspace, { port: server.port, security: 'none', username: 'billing', password: PASSWORD });
    expect((await deliver(workspace, message('retry'))).via).toBe('smtp');
  });

  it('a state file that cannot be read sends nothing', async () => {
    const server = await smtp.start();
    const workspace = fresh();
    await useSmtp(workspace, { port: server.port, security: 'none' });
    writeFileSync(join(workspace.directory, 'messages-state.json'), '{"delivered": [');
    await expect(deliver(workspace, message('k'))).rejects.toThrow(/messages-state\.json is not valid JSON/);
    expect(server.received).toHaveLength(0);
  });

  it('forgets records older than 400 days', async () => {
    const workspace = fresh();
    await deliver(workspace, message('old'), { now: () => new Date('2025-01-01T00:00:00Z') });
    await deliver(workspace, message('recent'), { now: () => new Date('2026-01-01T00:00:00Z') });
    await deliver(workspace, message('new'), { now: () => new Date('2026-02-10T00:00:00Z') });
    expect(Object.keys(messagesState(workspace).read().delivered)).toEqual(['recent', 'new']);
  });

  it('refuses a bad recipient or key before anything is sent', async () => {
    const workspace = fresh();
    await expect(deliver(workspace, message('k', ['not-an-address']))).rejects.toMatchObject({ field: 'to' });
    await expect(deliver(workspace, message('two\nlines'))).rejects.toMatchObject({ field: 'key' });
    expect(listOutbox(workspace)).toEqual([]);
  });
});
