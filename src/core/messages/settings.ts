/**
 * Where the message settings live: `messages.json` in the workspace folder, beside config.json. It
 * holds the templates an operator changed (a template left alone follows certops' default, so a
 * better default reaches it), the department addresses, the client fallback address and the SMTP
 * server with its password. Like the configuration it is owner-only, written atomically under a
 * lock, validated on every read, and never overwritten when it is corrupt or invalid. The SMTP
 * password is shown nowhere: views of the settings carry a mask instead.
 */
import { mkdirSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { withoutControlCharacters } from '../../providers/settings.js';
import { CONTROL_CHARACTERS, controlCharacterMessage } from '../../rules/control-characters.js';
import * as z from '../../providers/zod.js';
import { readCaFile } from '../ca-file.js';
import { InputFileError } from '../input-file.js';
import { JsonFile } from '../json-file.js';
import type { Workspace } from '../workspace.js';
import { checkTemplate, DEFAULT_TEMPLATES, isTemplateName, TEMPLATE_NAMES, type Template, type TemplateName } from './templates.js';

export const SECRET_MASK = '••••';

/** Bad input for the message settings; `field` says which (the CLI names the flag). Nothing was changed. */
export class MessagesInputError extends Error {
  override readonly name = 'MessagesInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------------------------

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const HOST_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** A host name (letters, digits, hyphens; internationalised names in punycode) or an IP address. */
export function checkHost(host: string): string | null {
  if (host === '') return 'the host is empty';
  // Before anything that quotes the text: an escape sequence must not reach the terminal.
  if (CONTROL_CHARACTERS.test(host)) return controlCharacterMessage('the host');
  if (isIP(host)) return null;
  if (host.length > 253) return 'the host name is longer than 253 characters';
  if (/[:/\s]/.test(host)) return `"${host}" is not a host name: give the name or IP address alone (no scheme, no port, no path)`;
  return host.split('.').every((label) => HOST_LABEL.test(label)) ? null : `"${host}" is not a host name (an internationalised name is written in punycode, xn--…)`;
}

/** One email address, plain (`ssl@example.com`); null when it is acceptable, else the problem. */
export function checkEmailAddress(address: string): string | null {
  if (CONTROL_CHARACTERS.test(address)) return controlCharacterMessage('the address');
  if (address.length > 254) return `"${address.slice(0, 40)}…" is longer than an email address can be`;
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return `"${address}" is not an email address (name@domain)`;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return `"${address}" is not an email address: "${local}" cannot be the part before @`;
  // Mail is addressed to names; an address literal (user@[127.0.0.1]) is not taken.
  if (isIP(domain) || checkHost(domain) !== null) return `"${address}" is not an email address: "${domain}" is not a domain (an internationalised one is written in punycode, xn--…)`;
  return null;
}

/** The sender, `billing@example.com` or `Billing <billing@example.com>`. */
export function checkMailbox(mailbox: string): string | null {
  // The name before <address> is shown and sent as typed: no newline, tab, escape or bidi override in it.
  if (CONTROL_CHARACTERS.test(mailbox)) return controlCharacterMessage('the sender');
  const named = /^([^<>"\r\n]*?)\s*<([^<>\s]+)>$/.exec(mailbox.trim());
  const address = named ? (named[2] as string) : mailbox.trim();
  return checkEmailAddress(address);
}

/** Addresses as typed on a command line: separated by commas, spaces around them dropped. */
export function splitAddresses(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function requireAddresses(addresses: readonly string[], field: string): string[] {
  if (addresses.length === 0) throw new MessagesInputError(field, 'give at least one email address');
  for (const address of addresses) {
    const problem = checkEmailAddress(address);
    if (problem) throw new MessagesInputError(field, problem);
  }
  // Case of the domain does not make another address; the same one twice is sent once.
  const seen = new Set<string>();
  return addresses.filter((address) => {
    const folded = address.toLowerCase();
    if (seen.has(folded)) return false;
    seen.add(folded);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// The file
// ---------------------------------------------------------------------------------------------

export const SMTP_SECURITY = ['tls', 'starttls', 'none'] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

/** The port each security mode is usually served on. */
export const DEFAULT_SMTP_PORTS: Readonly<Record<SmtpSecurity, number>> = { tls: 465, starttls: 587, none: 25 };

const emailSchema = z.string().check(z.refine((value) => !CONTROL_CHARACTERS.test(value), controlCharacterMessage('an address')), z.refine((value) => checkEmailAddress(value) === null, 'not an email address'));

const templateSchema = z.object({ subject: z.string(), body: z.string() });

const smtpSchema = z
  .object({
    host: z.string().check(z.refine((value) => checkHost(value) === null, 'not a host name or IP address')),
    port: z.number().check(z.int(), z.minimum(1), z.maximum(65_535)),
    /** tls: TLS from the start (port 465); starttls: plain, then STARTTLS required (587); none: no TLS at all. */
    security: z.enum(SMTP_SECURITY),
    username: z.nullable(z.string().check(z.minLength(1), withoutControlCharacters('the SMTP username'))),
    password: z.nullable(z.string().check(z.minLength(1))),
    from: z.string().check(z.refine((value) => checkMailbox(value) === null, 'not a sender address')),
    /** A PEM file with a CA to trust besides the system's (a company CA, a self-signed server). */
    caFile: z.nullable(z.string().check(z.minLength(1), withoutControlCharacters('the CA file'))),
  })
  .check(z.refine((smtp) => (smtp.username === null) === (smtp.password === null), 'a username and a password go together'));

export const messagesFileSchema = z.object({
  version: z._default(z.literal(1), 1),
  /** Only the templates an operator changed; the others are certops' defaults. */
  templates: z._default(
    z.object({ expiration: z.optional(templateSchema), 'low-balance': z.optional(templateSchema), reissued: z.optional(templateSchema) }).check(
      z.superRefine((templates, context) => {
        for (const name of TEMPLATE_NAMES) {
          const template = templates[name];
          if (!template) continue;
          for (const issue of checkTemplate(name, template)) context.issues.push({ code: 'custom', path: [name, issue.field], message: issue.message, input: template });
        }
      }),
    ),
    {},
  ),
  /** Department (the module parameter "department") → the email addresses of its people. */
  departments: z._default(
    z.record(z.string().check(z.minLength(1)), z.array(emailSchema).check(z.minLength(1))).check(
      z.refine((departments) => !Object.keys(departments).some((name) => CONTROL_CHARACTERS.test(name)), controlCharacterMessage('a department name')),
    ),
    {},
  ),
  /** Where an expiration notice goes when the caller knows no client address. */
  clientFallback: z._default(z.nullable(emailSchema), null),
  smtp: z._default(z.nullable(smtpSchema), null),
});

export type MessagesData = z.infer<typeof messagesFileSchema>;
export type SmtpSettings = NonNullable<MessagesData['smtp']>;

const emptyMessages = (): MessagesData => z.parse(messagesFileSchema, {});

/** messages.json of a workspace. Made here, not in Workspace, so commands that send no mail never load it. */
export function messagesFile(workspace: Workspace): JsonFile<MessagesData> {
  return new JsonFile(join(workspace.directory, 'messages.json'), messagesFileSchema, emptyMessages, workspace.lockWaitMs);
}

export function readMessageSettings(workspace: Workspace): MessagesData {
  return messagesFile(workspace).read();
}

export interface ChangeOptions {
  /** Works out the change and returns it, writing nothing. */
  readonly dryRun?: boolean;
}

export interface SettingsChange<T> {
  readonly before: T;
  readonly after: T;
  readonly saved: boolean;
}

/**
 * Applies a change to messages.json under its lock (re-read first, so two certops never lose each
 * other's changes), or only works it out on a dry run. `change` throws on bad input: nothing written.
 */
async function changeMessages<T>(workspace: Workspace, options: ChangeOptions, change: (data: MessagesData) => MessagesData, view: (data: MessagesData) => T): Promise<SettingsChange<T>> {
  const file = messagesFile(workspace);
  if (options.dryRun) {
    const data = file.read();
    return { before: view(data), after: view(change(data)), saved: false };
  }
  // The lock lives beside the file: the folder must exist (0700, as the configuration's).
  mkdirSync(workspace.directory, { recursive: true, mode: 0o700 });
  return file.update((data) => {
    const next = change(data);
    return { data: next, result: { before: view(data), after: view(next), saved: true } };
  });
}

// ---------------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------------

export interface TemplateView extends Template {
  readonly name: TemplateName;
  /** false while the template is certops' default. */
  readonly customized: boolean;
}

export function templateOf(data: MessagesData, name: TemplateName): TemplateView {
  const own = data.templates[name];
  return own ? { name, subject: own.subject, body: own.body, customized: true } : { name, ...DEFAULT_TEMPLATES[name], customized: false };
}

function templateName(name: string): TemplateName {
  if (!isTemplateName(name)) throw new MessagesInputError('template', `there is no template "${name}"; there are ${TEMPLATE_NAMES.join(', ')}`);
  return name;
}

/** Changes the subject, the body or both; the result is checked before anything is written. */
export async function setTemplate(workspace: Workspace, name: string, change: Partial<Template>, options: ChangeOptions = {}): Promise<SettingsChange<TemplateView>> {
  const template = templateName(name);
  if (change.subject === undefined && change.body === undefined) throw new MessagesInputError('template', 'give a new subject, a new body or both');
  return changeMessages(
    workspace,
    options,
    (data) => {
      const current = templateOf(data, template);
      const next: Template = { subject: change.subject ?? current.subject, body: change.body ?? current.body };
      const issues = checkTemplate(template, next);
      const [first] = issues;
      if (first) throw new MessagesInputError(first.field, issues.map((issue) => `the ${issue.field} of the ${template} template: ${issue.message}`).join('; '));
      const same = next.subject === DEFAULT_TEMPLATES[template].subject && next.body === DEFAULT_TEMPLATES[template].body;
      const templates = { ...data.templates };
      // Typed back to the default: it is the default again (and follows later improvements of it).
      if (same) delete templates[template];
      else templates[template] = next;
      return { ...data, templates };
    },
    (data) => templateOf(data, template),
  );
}

export async function resetTemplate(workspace: Workspace, name: string, options: ChangeOptions = {}): Promise<SettingsChange<TemplateView>> {
  const template = templateName(name);
  return changeMessages(
    workspace,
    options,
    (data) => {
      const templates = { ...data.templates };
      delete templates[template];
      return { ...data, templates };
    },
    (data) => templateOf(data, template),
  );
}

// ---------------------------------------------------------------------------------------------
// Departments and the client fallback
// ---------------------------------------------------------------------------------------------

/** The key a department is kept under: the one already there in any case, else as typed. */
function departmentKey(data: MessagesData, department: string): string | undefined {
  if (Object.hasOwn(data.departments, department)) return department;
  const folded = department.trim().toLowerCase();
  return Object.keys(data.departments).find((name) => name.trim().toLowerCase() === folded);
}

/** The addresses of a department (the module parameter; matched in any case), or null when none is set. */
export function departmentAddresses(data: MessagesData, department: string): readonly string[] | null {
  const key = departmentKey(data, department);
  return key === undefined ? null : (data.departments[key] ?? null);
}

export async function setDepartment(workspace: Workspace, department: string, addresses: readonly string[], options: ChangeOptions = {}): Promise<SettingsChange<readonly string[] | null>> {
  const name = department.trim();
  if (name === '') throw new MessagesInputError('department', 'the department is empty');
  if (CONTROL_CHARACTERS.test(name)) throw new MessagesInputError('department', controlCharacterMessage('the department'));
  const valid = requireAddresses(addresses, 'email');
  return changeMessages(
    workspace,
    options,
    (data) => {
      const departments = { ...data.departments };
      const existing = departmentKey(data, name);
      if (existing !== undefined) delete departments[existing];
      departments[existing ?? name] = valid;
      return { ...data, departments };
    },
    (data) => departmentAddresses(data, name),
  );
}

export async function removeDepartment(workspace: Workspace, department: string, options: ChangeOptions = {}): Promise<SettingsChange<readonly string[] | null>> {
  return changeMessages(
    workspace,
    options,
    (data) => {
      const key = departmentKey(data, department);
      if (key === undefined) {
        const names = Object.keys(data.departments).map((name) => `"${name}"`);
        throw new MessagesInputError('department', `no address is set for the department "${department}"${names.length ? `; there are ${names.join(', ')}` : ' (none is set)'}`);
      }
      const departments = { ...data.departments };
      delete departments[key];
      return { ...data, departments };
    },
    (data) => departmentAddresses(data, department),
  );
}

/** Sets (or with null removes) the address an expiration notice goes to when the client's is not known. */
export async function setClientFallback(workspace: Workspace, address: string | null, options: ChangeOptions = {}): Promise<SettingsChange<string | null>> {
  const valid = address === null ? null : (requireAddresses([address.trim()], 'address')[0] as string);
  return changeMessages(
    workspace,
    options,
    (data) => ({ ...data, clientFallback: valid }),
    (data) => data.clientFallback,
  );
}

// ---------------------------------------------------------------------------------------------
// SMTP
// ---------------------------------------------------------------------------------------------

export interface SmtpInput {
  readonly host: string;
  readonly port?: number | undefined;
  readonly security: SmtpSecurity;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly from: string;
  readonly caFile?: string | undefined;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/i;

/** The SMTP settings as they will be saved, or the first problem with them. Reads the CA file once, to check it. */
export function validateSmtp(input: SmtpInput, current: SmtpSettings | null = null): SmtpSettings {
  const host = input.host.trim();
  const hostProblem = checkHost(host);
  if (hostProblem) throw new MessagesInputError('host', hostProblem);
  const port = input.port ?? DEFAULT_SMTP_PORTS[input.security];
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new MessagesInputError('port', `the port must be a whole number from 1 to 65535 (got ${String(input.port)})`);
  const fromProblem = checkMailbox(input.from);
  if (fromProblem) throw new MessagesInputError('from', fromProblem);
  const username = input.username?.trim() || null;
  if (input.username !== undefined && username === null) throw new MessagesInputError('username', 'the username is empty');
  if (username !== null && CONTROL_CHARACTERS.test(username)) throw new MessagesInputError('username', controlCharacterMessage('the username'));
  // The password kept when the same username is set again without one (changing the port needs no re-typing).
  const password = input.password ?? (username !== null && current?.username === username ? current.password : null);
  if (username !== null && password === null) throw new MessagesInputError('password', `a username needs its password`);
  if (username === null && input.password !== undefined) throw new MessagesInputError('password', 'a password needs a username (--username)');
  // A password never crosses a network in the clear: without TLS only a server on this machine gets one.
  if (username !== null && input.security === 'none' && !LOOPBACK.test(host)) {
    throw new MessagesInputError('security', `a login to ${host} without TLS would send the password in the clear; use --secure (TLS, port 465) or --starttls (port 587)`);
  }
  let caFile: string | null = null;
  if (input.caFile !== undefined && input.caFile.trim() !== '') {
    if (CONTROL_CHARACTERS.test(input.caFile)) throw new MessagesInputError('caFile', controlCharacterMessage('the CA file'));
    caFile = resolve(input.caFile.trim());
    try {
      readCaFile(caFile);
    } catch (error) {
      if (error instanceof InputFileError) throw new MessagesInputError('caFile', `the CA file: ${error.message}`);
      throw error;
    }
    if (input.security === 'none') throw new MessagesInputError('caFile', 'a CA file is for a TLS connection: add --secure or --starttls');
  }
  return { host, port, security: input.security, username, password, from: input.from.trim(), caFile };
}

/** SMTP settings as shown anywhere: the password masked. */
export type SmtpView = Omit<SmtpSettings, 'password'> & { readonly password: typeof SECRET_MASK | null };

export function maskedSmtp(smtp: SmtpSettings | null): SmtpView | null {
  return smtp === null ? null : { ...smtp, password: smtp.password === null ? null : SECRET_MASK };
}

export async function setSmtp(workspace: Workspace, input: SmtpInput, options: ChangeOptions = {}): Promise<SettingsChange<SmtpView | null>> {
  return changeMessages(
    workspace,
    options,
    (data) => ({ ...data, smtp: validateSmtp(input, data.smtp) }),
    (data) => maskedSmtp(data.smtp),
  );
}

export async function removeSmtp(workspace: Workspace, options: ChangeOptions = {}): Promise<SettingsChange<SmtpView | null>> {
  return changeMessages(
    workspace,
    options,
    (data) => ({ ...data, smtp: null }),
    (data) => maskedSmtp(data.smtp),
  );
}

/** Everything `certops messages show` prints: the templates in effect, the addresses, SMTP masked. */
export interface MessagesView {
  readonly delivery: 'smtp' | 'outbox';
  readonly outbox: string;
  readonly templates: Readonly<Record<TemplateName, TemplateView>>;
  readonly departments: Readonly<Record<string, readonly string[]>>;
  readonly clientFallback: string | null;
  readonly smtp: SmtpView | null;
}

export function outboxDirectory(workspace: Workspace): string {
  return join(workspace.directory, 'outbox');
}

export function messagesView(workspace: Workspace, data: MessagesData = readMessageSettings(workspace)): MessagesView {
  return {
    delivery: data.smtp ? 'smtp' : 'outbox',
    outbox: outboxDirectory(workspace),
    templates: { expiration: templateOf(data, 'expiration'), 'low-balance': templateOf(data, 'low-balance'), reissued: templateOf(data, 'reissued') },
    departments: data.departments,
    clientFallback: data.clientFallback,
    smtp: maskedSmtp(data.smtp),
  };
}
