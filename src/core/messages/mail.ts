/**
 * Delivery of a rendered message: by SMTP through nodemailer when an SMTP server is set, otherwise
 * as an RFC 5322 `.eml` file in the workspace's outbox (composed by nodemailer too: certops builds
 * no MIME by hand). nodemailer is imported on the first delivery only, so commands that send no
 * mail never load it.
 *
 * Every message carries a key chosen by the caller (`expiration:<module>:<certificate>:<actionDate>`,
 * `low-balance:<module>:<day>`). A delivered key is recorded in messages-state.json, and a key that
 * is already there is not delivered again: a run that is repeated after a crash sends nothing
 * twice once the record is made. Deliveries of one workspace take turns under a lock, so two
 * processes delivering the same key at once send it once.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readOwnFile } from '../input-file.js';
import { basename, join } from 'node:path';
import * as z from '../../providers/zod.js';
import { removeTemporaryFilesIn } from '../file-lock.js';
import { readCaFile } from '../ca-file.js';
import { InputFileError } from '../input-file.js';
import { JsonFile } from '../json-file.js';
import { ConfigError, lockForChange } from '../store.js';
import type { Workspace } from '../workspace.js';
import { checkEmailAddress, MessagesInputError, outboxDirectory, readMessageSettings, type SmtpSettings } from './settings.js';

export interface OutgoingMessage {
  /** What makes this message unique: a key delivered once is never delivered again. */
  readonly key: string;
  /** The recipients; none known sends the message to the outbox, with `note` saying why. */
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  /** Why the message has no recipient; written into the outbox file's X-Certops-Note header. */
  readonly note?: string | undefined;
}

export type Delivery =
  | { readonly via: 'smtp'; readonly key: string; readonly messageId: string; readonly to: readonly string[]; readonly rejected: readonly string[] }
  | { readonly via: 'outbox'; readonly key: string; readonly path: string; readonly reason: 'no-smtp' | 'no-recipient' }
  | { readonly via: 'already-sent'; readonly key: string; readonly at: string; readonly previously: 'smtp' | 'outbox' };

/** Why a mail could not be sent. `configuration` is for settings to fix (exit 3); the rest are network or server (exit 4). */
export type MailFailure = 'connection-refused' | 'timeout' | 'dns' | 'tls' | 'certificate' | 'auth-failed' | 'rejected' | 'configuration' | 'other';

/** An SMTP delivery that failed; the message never holds the password. Nothing was recorded. */
export class MailError extends Error {
  override readonly name = 'MailError';
  constructor(
    readonly failure: MailFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Delivered records older than this are dropped, so the state file does not grow for ever. */
export const DELIVERED_KEEP_DAYS = 400;

const deliveredSchema = z.object({
  at: z.string(),
  via: z.enum(['smtp', 'outbox']),
  to: z.array(z.string()),
  subject: z.string(),
  messageId: z.nullable(z.string()),
  /** The outbox file name, for `via: outbox`. */
  file: z.nullable(z.string()),
});

export const messagesStateSchema = z.object({
  delivered: z._default(z.record(z.string(), deliveredSchema), {}),
});
export type MessagesState = z.infer<typeof messagesStateSchema>;
export type DeliveredRecord = MessagesState['delivered'][string];

export function messagesState(workspace: Workspace): JsonFile<MessagesState> {
  return new JsonFile(join(workspace.directory, 'messages-state.json'), messagesStateSchema, () => z.parse(messagesStateSchema, {}), workspace.lockWaitMs);
}

/** The record of a delivered key, or null. */
export function deliveredRecord(workspace: Workspace, key: string): DeliveredRecord | null {
  const state = messagesState(workspace).read();
  return Object.hasOwn(state.delivered, key) ? (state.delivered[key] as DeliveredRecord) : null;
}

function checkMessage(message: OutgoingMessage): void {
  if (message.key.trim() === '' || message.key.length > 500 || /[\r\n]/.test(message.key)) throw new MessagesInputError('key', 'a message key is one line of 1 to 500 characters');
  if (/[\r\n]/.test(message.subject) || message.subject.trim() === '') throw new MessagesInputError('subject', 'a subject is one line, not empty');
  for (const address of message.to) {
    const problem = checkEmailAddress(address);
    if (problem) throw new MessagesInputError('to', problem);
  }
}

/** Removes the secret, and the base64 forms an SMTP login sends it in, from a text meant for people. */
export function withoutSecret(text: string, smtp: Pick<SmtpSettings, 'username' | 'password'> | null): string {
  const password = smtp?.password;
  if (!password) return text;
  const forms = [
    password,
    Buffer.from(password).toString('base64'),
    Buffer.from(`\0${smtp?.username ?? ''}\0${password}`).toString('base64'),
    encodeURIComponent(password),
  ];
  let clean = text;
  for (const form of forms.filter((f) => f.length >= 1).sort((a, b) => b.length - a.length)) clean = clean.split(form).join('••••');
  return clean;
}

/** nodemailer's errors as messages that say what to do. */
export function mailError(error: unknown, smtp: SmtpSettings): MailError {
  const raw = error as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown; reason?: unknown };
  const code = typeof raw.code === 'string' ? raw.code : '';
  const detail = withoutSecret(String(raw.message ?? error), smtp)
    // OpenSSL's "80FC…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/…" → its reason.
    .replace(/^[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:]*:([^:]+):[\s\S]*$/, 'SSL: $1')
    .replace(/\s+$/, '');
  const where = `the SMTP server ${smtp.host}:${smtp.port}`;
  const certificate = /certificate|CERT_|self[- ]signed|unable to verify/i;
  if (code === 'EAUTH') return new MailError('auth-failed', `${where} refused the login of "${smtp.username ?? ''}": ${detail}; check the username and the password (certops messages smtp set)`);
  if (/ECONNREFUSED/.test(detail)) return new MailError('connection-refused', `${where} refused the connection: is an SMTP server listening on port ${smtp.port}? (${detail})`);
  if (code === 'EDNS' || /ENOTFOUND|EAI_AGAIN/.test(detail)) return new MailError('dns', `the SMTP host name ${smtp.host} cannot be resolved (${detail})`);
  if (code === 'ETIMEDOUT' || /timeout|timed out|ETIMEDOUT/i.test(detail)) return new MailError('timeout', `${where} did not answer in time (${detail})`);
  if (certificate.test(detail) || certificate.test(String(raw.reason ?? ''))) {
    return new MailError('certificate', `the certificate of ${where} is not trusted: ${detail}; give the CA that issued it with --ca-file`);
  }
  if (code === 'ETLS' || /SSL routines|wrong version number|TLS|handshake/i.test(detail)) {
    const hint =
      smtp.security === 'tls'
        ? 'the server may not speak TLS from the start on this port: --secure is for port 465, --starttls for 587'
        : smtp.security === 'starttls'
          ? 'the server does not offer STARTTLS or the upgrade failed; for TLS from the start (port 465) use --secure'
          : 'check the security mode of the SMTP settings';
    return new MailError('tls', `TLS with ${where} failed: ${detail}; ${hint}`);
  }
  if (code === 'EENVELOPE') return new MailError('rejected', `${where} refused the sender or the recipients: ${detail}`);
  if (code === 'EMESSAGE' || code === 'EPROTOCOL' || typeof raw.responseCode === 'number') return new MailError('rejected', `${where} refused the message: ${detail}`);
  if (code === 'ESOCKET' || code === 'ECONNECTION') return new MailError('other', `the connection to ${where} failed: ${detail}`);
  return new MailError('other', `sending by ${where} failed: ${detail}`);
}

const SENDER_WITHOUT_SMTP = 'certops@localhost';

function readCa(smtp: SmtpSettings): string | undefined {
  if (smtp.caFile === null) return undefined;
  try {
    return readCaFile(smtp.caFile);
  } catch (error) {
    if (error instanceof InputFileError) throw new MailError('configuration', `the CA file of the SMTP settings: ${error.message}`);
    throw error;
  }
}

async function sendBySmtp(smtp: SmtpSettings, message: OutgoingMessage): Promise<{ messageId: string; rejected: string[] }> {
  const ca = readCa(smtp);
  const nodemailer = await import('nodemailer');
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    ...(smtp.username !== null && smtp.password !== null ? { auth: { user: smtp.username, pass: smtp.password } } : {}),
    tls: { minVersion: 'TLSv1.2', ...(ca === undefined ? {} : { ca }) },
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    // Nothing of the conversation (which holds the login) goes to a log.
    logger: false,
    debug: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  try {
    const info = await transport.sendMail({ from: smtp.from, to: [...message.to], subject: message.subject, text: message.text });
    const rejected = (info.rejected ?? []).map((address: unknown) => (typeof address === 'string' ? address : String((address as { address?: string }).address ?? address)));
    return { messageId: info.messageId, rejected };
  } catch (error) {
    throw mailError(error, smtp);
  } finally {
    transport.close();
  }
}

/** `20261123T091500123Z-1a2b3c4d.eml`: sorts by time, unique by its random part. */
function outboxFileName(now: Date): string {
  return `${now.toISOString().replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}.eml`;
}

/**
 * The outbox file a delivery of `key` is writing, named in a small marker written before the message
 * and removed once the delivery is recorded: a run killed between writing the message and recording
 * it leaves the marker, and the next delivery of the key takes that file instead of writing a second.
 */
const pendingMarker = (workspace: Workspace, key: string) => join(outboxDirectory(workspace), `.pending-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`);

function writtenBefore(workspace: Workspace, key: string): string | null {
  try {
    // A regular file of a line only: anything else in its place is not a marker certops wrote (and a FIFO would hang).
    const file = readOwnFile(pendingMarker(workspace, key), 4096)?.toString('utf8').trim() ?? '';
    const path = join(outboxDirectory(workspace), file);
    return /^[^/\\]+\.eml$/.test(file) && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

async function writeToOutbox(workspace: Workspace, smtp: SmtpSettings | null, message: OutgoingMessage, now: Date): Promise<string> {
  const earlier = writtenBefore(workspace, message.key);
  if (earlier) return earlier;
  const nodemailer = await import('nodemailer');
  // nodemailer composes the message exactly as it would send it; the stream transport hands it back.
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows', disableFileAccess: true, disableUrlAccess: true });
  // Plain ASCII is written as is, readable in a text editor; anything else nodemailer encodes (RFC 2047).
  const header = (value: string) => (/^[\x20-\x7e]{1,900}$/.test(value) ? { prepared: true, value } : value);
  const headers: Record<string, string | { prepared: boolean; value: string }> = { 'X-Certops-Key': header(message.key) };
  if (message.note) headers['X-Certops-Note'] = header(message.note.replace(/[\r\n]+/g, ' '));
  const info = await composer.sendMail({
    from: smtp?.from ?? SENDER_WITHOUT_SMTP,
    // An empty group keeps the To header (RFC 5322 allows it) and says plainly that no one is addressed.
    to: message.to.length > 0 ? [...message.to] : '"recipient unknown, see X-Certops-Note":;',
    subject: message.subject,
    text: message.text,
    date: now,
    headers,
  });
  const directory = outboxDirectory(workspace);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const path = join(directory, outboxFileName(now));
  const { writeFile } = await import('atomically');
  await writeFile(pendingMarker(workspace, message.key), basename(path), { mode: 0o600 });
  // atomically writes a temporary file and renames it: a reader never finds half a message.
  await writeFile(path, info.message as Buffer, { mode: 0o600 });
  return path;
}

/** Lets deliveries of one workspace take turns; waits out a delivery of up to a few minutes (SMTP timeouts). */
const DELIVERY_LOCK_WAIT_MS = 180_000;

async function deliveryLock(workspace: Workspace): Promise<() => Promise<void>> {
  const target = join(workspace.directory, 'messages-delivery');
  return await lockForChange(
    `${target}.lock`,
    target,
    { lockDirectory: `${target}.lock`, ownerFile: `${target}.owner.json`, waitMs: workspace.lockWaitMs ?? DELIVERY_LOCK_WAIT_MS, staleMs: 30_000 },
    (cause) => `the delivery lock ${target}.lock cannot be made (${cause})`,
  );
}

export interface DeliverOptions {
  readonly now?: () => Date;
}

/**
 * Delivers a message once per key: by SMTP when an SMTP server is set and the message has
 * recipients, otherwise into the outbox. SMTP failures throw a MailError and record nothing, so
 * the caller may try again later; a message is never moved to the outbox because SMTP failed.
 */
export async function deliver(workspace: Workspace, message: OutgoingMessage, options: DeliverOptions = {}): Promise<Delivery> {
  checkMessage(message);
  const now = options.now ?? (() => new Date());
  mkdirSync(workspace.directory, { recursive: true, mode: 0o700 });
  const release = await deliveryLock(workspace);
  try {
    // A delivery killed before its rename left a temporary message (or marker) in the outbox.
    removeTemporaryFilesIn(outboxDirectory(workspace));
    const state = messagesState(workspace);
    // Read (and validated) before anything is sent: a state that cannot be recorded into sends nothing.
    const { delivered } = state.read();
    const previous = Object.hasOwn(delivered, message.key) ? delivered[message.key] : undefined;
    if (previous) return { via: 'already-sent', key: message.key, at: previous.at, previously: previous.via };
    const { smtp } = readMessageSettings(workspace);
    let delivery: Delivery;
    if (smtp !== null && message.to.length > 0) {
      const sent = await sendBySmtp(smtp, message);
      delivery = { via: 'smtp', key: message.key, messageId: sent.messageId, to: [...message.to], rejected: sent.rejected };
    } else {
      const path = await writeToOutbox(workspace, smtp, message, now());
      delivery = { via: 'outbox', key: message.key, path, reason: message.to.length === 0 ? 'no-recipient' : 'no-smtp' };
    }
    const at = now();
    const record: DeliveredRecord = {
      at: at.toISOString(),
      via: delivery.via === 'smtp' ? 'smtp' : 'outbox',
      to: [...message.to],
      subject: message.subject,
      messageId: delivery.via === 'smtp' ? delivery.messageId : null,
      file: delivery.via === 'outbox' ? (delivery.path.split('/').pop() ?? null) : null,
    };
    const oldest = at.getTime() - DELIVERED_KEEP_DAYS * 86_400_000;
    await state.update((current) => ({
      data: {
        delivered: {
          ...Object.fromEntries(Object.entries(current.delivered).filter(([, entry]) => Date.parse(entry.at) >= oldest)),
          [message.key]: record,
        },
      },
      result: undefined,
    }));
    if (delivery.via === 'outbox') rmSync(pendingMarker(workspace, message.key), { force: true });
    return delivery;
  } finally {
    await release();
  }
}

export interface OutboxEntry {
  readonly file: string;
  readonly path: string;
  readonly size: number;
  /** When it was written (from the file name; the file's time when the name has none). */
  readonly createdAt: string;
  /** From the delivery record; null for a file certops did not write or whose record is gone. */
  readonly key: string | null;
  readonly to: readonly string[] | null;
  readonly subject: string | null;
}

/** The `.eml` files in the outbox, oldest first, with what certops recorded about each. */
export function listOutbox(workspace: Workspace): OutboxEntry[] {
  const directory = outboxDirectory(workspace);
  let names: string[];
  try {
    names = readdirSync(directory).filter((name) => name.endsWith('.eml'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigError(directory, `the outbox ${directory} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const byFile = new Map<string, { key: string; record: DeliveredRecord }>();
  for (const [key, record] of Object.entries(messagesState(workspace).read().delivered)) if (record.file) byFile.set(record.file, { key, record });
  return names.sort().map((file) => {
    const path = join(directory, file);
    const stat = statSync(path);
    const stamp = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)(\d{3})Z-/.exec(file);
    const createdAt = stamp ? `${stamp[1]}-${stamp[2]}-${stamp[3]}T${stamp[4]}:${stamp[5]}:${stamp[6]}.${stamp[7]}Z` : stat.mtime.toISOString();
    const known = byFile.get(file);
    return { file, path, size: stat.size, createdAt, key: known?.key ?? null, to: known?.record.to ?? null, subject: known?.record.subject ?? null };
  });
}
