/**
 * `certops messages`: BILLmanager's Settings → Message templates from scripts — the certificate
 * expiration and the processing module low balance templates, the department addresses, the
 * client fallback address, the SMTP server (password never on argv, never shown), a test message
 * and the outbox. Every value is judged by the core; this file maps its findings to flags.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
// The core of messages is light (zod/mini); nodemailer is loaded by deliver() itself, on sending only.
import { deliver, listOutbox, MailError, type Delivery, type OutboxEntry } from '../../core/messages/mail.js';
import {
  checkEmailAddress,
  MessagesInputError,
  messagesView,
  readMessageSettings,
  removeDepartment,
  removeSmtp,
  resetTemplate,
  setClientFallback,
  setDepartment,
  setSmtp,
  setTemplate,
  splitAddresses,
  templateOf,
  type MessagesView,
  type SettingsChange,
  type SmtpSecurity,
  type SmtpView,
  type TemplateView,
} from '../../core/messages/settings.js';
import {
  isTemplateName,
  placeholderNames,
  PLACEHOLDERS,
  renderTemplate,
  SAMPLE_VALUES,
  TEMPLATE_NAMES,
  TEMPLATE_TITLES,
  type TemplateName,
} from '../../core/messages/templates.js';
import { InputFileError, MIB, readInputFile, readInputStream } from '../../core/input-file.js';
import { ConfigError } from '../../core/store.js';
import type { Workspace } from '../../core/workspace.js';
import { didYouMean, noPositionals, parseFlags, type FlagSpecs } from '../args.js';
import { confirm, openWorkspace, printJson, readSecret, secretJson, refusePlainPassword, WAIT_FLAG, WAIT_HELP, WORKSPACE_FLAGS, WORKSPACE_HELP } from '../context.js';
import { ExitCode, exitCodeOfCause, UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

export const summary = 'message templates, department addresses, SMTP, outbox';

type MessagesIo = CliIo & { readonly stdin?: NodeJS.ReadableStream & { isTTY?: boolean } };
type Flags = Readonly<Record<string, string | boolean | undefined>>;

const SMTP_PASSWORD_ENV = 'CERTOPS_SMTP_PASSWORD';

// ---------------------------------------------------------------------------------------------
// Help
// ---------------------------------------------------------------------------------------------

const placeholdersHelp = TEMPLATE_NAMES.map(
  (name) => `  ${name}:\n${Object.entries(PLACEHOLDERS[name] as Record<string, string>)
    .map(([placeholder, meaning]) => `    {${placeholder}}`.padEnd(22) + meaning)
    .join('\n')}`,
).join('\n');

const OVERVIEW = `Usage: certops messages [show] [options]
       certops messages template set <expiration|low-balance|reissued> [--subject TEXT] [--body-file FILE | --body-stdin] [--dry-run]
       certops messages template reset <expiration|low-balance|reissued> [--dry-run]
       certops messages department set <department> --email ADDR[,ADDR...] [--dry-run]
       certops messages department remove <department> [--dry-run]
       certops messages client-fallback set <ADDR> [--dry-run]
       certops messages client-fallback remove [--dry-run]
       certops messages smtp set --host HOST [--port N] [--secure | --starttls] [--username USER
                                 --password-stdin | --password-file FILE] --from ADDR [--ca-file FILE] [--dry-run]
       certops messages smtp remove --yes [--dry-run]
       certops messages test --to ADDR [--template expiration|low-balance|reissued] [--dry-run]
       certops messages outbox [options]

The messages certops sends (BILLmanager's Settings -> Message templates):
  expiration    ${TEMPLATE_TITLES.expiration}
  low-balance   ${TEMPLATE_TITLES['low-balance']}
  reissued      ${TEMPLATE_TITLES.reissued}

They go by SMTP when an SMTP server is set, otherwise into the outbox folder (<config dir>/outbox)
as .eml files to forward or send by other means. A low-balance message goes to the addresses of the
module's department ("department set"); an expiration notice to the client's address, which the
caller passes, else to the client fallback address; without an address it goes to the outbox with
an X-Certops-Note header saying why.

Placeholders ({name}; write {{ and }} for literal braces):
${placeholdersHelp}

The SMTP password is never an argument: --password-stdin, --password-file FILE or
${SMTP_PASSWORD_ENV}. It is kept in <config dir>/messages.json (owner-only) and shown as ••••.

Options:
${WORKSPACE_HELP}
  --dry-run            show what would change (or be sent); save (send) nothing
${WAIT_HELP} (every subcommand that changes or sends)

Run 'certops messages <subcommand> --help' for each subcommand's flags; JSON shapes are in
docs/commands/messages.md.

Exit codes: 0 ok, 1 the SMTP server refused the login or the message, 2 usage error (the message
names the flag and the rule), 3 configuration problem, 4 the SMTP server could not be reached or
timed out, 5 another certops process kept messages.json (or the outbox) locked longer than --wait.

Examples:
  certops messages show
  certops messages department set "SSL desk" --email ssl@example.com,boss@example.com
  certops messages template set expiration --body-file notice.txt --dry-run
  pass show mail/billing | certops messages smtp set --host smtp.example.com --starttls \\
      --username billing --password-stdin --from "Billing <billing@example.com>"
  certops messages test --to me@example.com --template low-balance
`;

const HELP: Readonly<Record<string, string>> = {
  messages: OVERVIEW,
  show: `Usage: certops messages [show] [options]

Shows the templates in effect (default or customized, with their placeholders), the department
addresses, the client fallback address and the SMTP server (password as ••••), or where the outbox is.

Options:
${WORKSPACE_HELP}

JSON: {"delivery", "outbox", "templates": {"expiration": {...}, "low-balance": {...}}, "departments",
"clientFallback", "smtp"}; see docs/commands/messages.md.
`,
  template: `Usage: certops messages template set <expiration|low-balance|reissued> [--subject TEXT] [--body-file FILE | --body-stdin] [options]
       certops messages template reset <expiration|low-balance|reissued> [options]

"set" changes the subject, the body or both; "reset" goes back to certops' default. A template
is checked before it is saved: an unknown placeholder, an unclosed or lone brace, an empty
subject or body, or a subject of more than one line is refused (exit 2) and nothing is changed.

Placeholders ({name}; write {{ and }} for literal braces):
${placeholdersHelp}

Options:
  --subject TEXT       the new subject (one line)
  --body-file FILE     the new body, from a UTF-8 text file
  --body-stdin         the new body, from standard input
  --dry-run            show the template as it would be; save nothing
${WORKSPACE_HELP}

JSON: {"saved", "dryRun", "template": {"name", "subject", "body", "customized", "placeholders"}}.

Examples:
  certops messages template set expiration --subject 'Your certificate for {domain} expires on {expirationDate}'
  certops messages template set low-balance --body-stdin < low-balance.txt
  certops messages template reset expiration
`,
  department: `Usage: certops messages department set <department> --email ADDR[,ADDR...] [options]
       certops messages department remove <department> [options]

The addresses a processing module low balance message goes to, by department: the module
parameter "Department" (certops module add --department). Departments match in any case.

Options:
  --email ADDR[,ADDR]  the department's addresses, separated by commas (replaces the ones set)
  --dry-run            show the change; save nothing
${WORKSPACE_HELP}

JSON: {"saved", "dryRun", "department", "before": [addresses] or null, "after": [addresses] or null}.
`,
  'client-fallback': `Usage: certops messages client-fallback set <ADDR> [options]
       certops messages client-fallback remove [options]

certops does not know the billing's clients: the caller of an expiration notice passes the client's
address. When it passes none, the notice goes to this address (e.g. the support desk, to forward);
without it, to the outbox.

Options:
  --dry-run            show the change; save nothing
${WORKSPACE_HELP}

JSON: {"saved", "dryRun", "before": ADDR or null, "after": ADDR or null}.
`,
  smtp: `Usage: certops messages smtp set --host HOST [--port N] [--secure | --starttls]
                             [--username USER (--password-stdin | --password-file FILE)] --from ADDR
                             [--ca-file FILE] [options]
       certops messages smtp remove --yes [options]

The SMTP server certops sends through. Without one, messages go to the outbox. "set" replaces the
settings; the password is kept when the same --username is given again without a new password.

Options:
  --host HOST          the server's name or IP address
  --port N             default: 465 with --secure, 587 with --starttls, 25 otherwise
  --secure             TLS from the start (usually port 465)
  --starttls           plain connection upgraded by STARTTLS, required (usually port 587)
                       (neither: no TLS at all; a login is then allowed to this machine only)
  --username USER      the login; its password from:
  --password-stdin     standard input (e.g. pass show mail/billing | certops ...)
  --password-file FILE a file (one trailing newline dropped), or the variable ${SMTP_PASSWORD_ENV}
  --from ADDR          the sender: billing@example.com or "Billing <billing@example.com>"
  --ca-file FILE       a PEM file with the CA of the server's certificate, besides the system's
  --yes                confirm "remove" (there is no terminal to ask on)
  --dry-run            show the change; save nothing
${WORKSPACE_HELP}

JSON: {"saved", "dryRun", "smtp": {"host", "port", "security", "username", "password": {"set": true}
or null, "from", "caFile"} or null}. The password is never printed.

Examples:
  pass show mail/billing | certops messages smtp set --host smtp.example.com --starttls \\
      --username billing --password-stdin --from "Billing <billing@example.com>"
  certops messages smtp set --host 127.0.0.1 --from certops@example.com
`,
  test: `Usage: certops messages test --to ADDR [--template expiration|low-balance|reissued] [options]

Renders a template with sample values and delivers it to ADDR: by SMTP when a server is set
(exit 4 with the cause when it cannot be reached or refuses), otherwise into the outbox.

Options:
  --to ADDR            the recipient
  --template NAME      expiration (default) or low-balance
  --dry-run            print the message and where it would go; send nothing
${WORKSPACE_HELP}

JSON: {"template", "to", "subject", "body", "sent", "delivery": {"via": "smtp", "messageId",
"rejected"} or {"via": "outbox", "path", "reason"} or null}.
`,
  outbox: `Usage: certops messages outbox [options]

Lists the .eml files in the outbox (<config dir>/outbox), oldest first, with what certops
recorded about each. Forward or send them by other means, then delete them.

Options:
${WORKSPACE_HELP}

JSON: {"directory", "messages": [{"file", "path", "size", "createdAt", "key", "to", "subject"}]}.
`,
};

function printHelp(io: CliIo, topic: string): number {
  io.stdout.write(HELP[topic] ?? OVERVIEW);
  return ExitCode.ok;
}

// ---------------------------------------------------------------------------------------------
// Shared
// ---------------------------------------------------------------------------------------------

/** The flag (or argument) a core field is set with, for messages that say what to fix. */
const FIELD_FLAGS: Readonly<Record<string, string>> = {
  subject: '--subject',
  body: '--body-file / --body-stdin',
  template: '<template>',
  department: '<department>',
  email: '--email',
  address: '<ADDR>',
  host: '--host',
  port: '--port',
  from: '--from',
  username: '--username',
  password: `--password-stdin / --password-file / ${SMTP_PASSWORD_ENV}`,
  security: '--secure / --starttls',
  caFile: '--ca-file',
  to: '--to',
};

/** Runs a core change; its MessagesInputError becomes a usage error naming the flag. */
async function judged<T>(command: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof MessagesInputError) throw new UsageError(`${FIELD_FLAGS[error.field] ?? error.field}: ${error.message}`, command);
    throw error;
  }
}

function open(flags: Flags, io: CliIo, command: string): Workspace {
  const workspace = openWorkspace({ 'config-dir': typeof flags['config-dir'] === 'string' ? flags['config-dir'] : undefined, wait: typeof flags.wait === 'string' ? flags.wait : undefined }, io, command);
  const file = join(workspace.directory, 'messages.json');
  try {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) io.stderr.write(`warning: ${file} holds the SMTP password and is readable by others (mode ${mode.toString(8).padStart(4, '0')}); run: chmod 600 ${file}\n`);
  } catch {
    // Not there yet.
  }
  return workspace;
}

function parse(command: string, args: readonly string[], specs: FlagSpecs): { flags: Flags; positionals: readonly string[] } {
  return parseFlags(command, args, specs) as { flags: Flags; positionals: readonly string[] };
}

function one(positionals: readonly string[], command: string, what: string): string {
  const [value, ...extra] = positionals;
  if (value === undefined) throw new UsageError(`missing ${what}`, command);
  noPositionals(command, extra);
  return value;
}

function templateArgument(text: string, command: string): TemplateName {
  if (!isTemplateName(text)) throw new UsageError(`<template>: there is no template "${text}"; there are ${TEMPLATE_NAMES.join(', ')}`, command);
  return text;
}

function saidSaved(io: CliIo, command: string, dryRun: boolean, changed = true): void {
  io.stderr.write(dryRun ? `certops ${command}: dry run: nothing was saved\n` : changed ? `certops ${command}: saved\n` : `certops ${command}: nothing changed\n`);
}

const SECURITY_LABELS: Readonly<Record<SmtpSecurity, string>> = { tls: 'TLS', starttls: 'STARTTLS', none: 'no TLS' };

function smtpText(smtp: SmtpView | null): string {
  if (smtp === null) return 'none (messages go to the outbox)';
  const login = smtp.username === null ? 'no login' : `login ${smtp.username}, password ${smtp.password ?? '-'}`;
  return `${smtp.host}:${smtp.port} (${SECURITY_LABELS[smtp.security]}), ${login}, from ${smtp.from}${smtp.caFile ? `, CA file ${smtp.caFile}` : ''}`;
}

function templateJson(view: TemplateView) {
  return { name: view.name, subject: view.subject, body: view.body, customized: view.customized, placeholders: placeholderNames(view.name) };
}

function templateText(view: TemplateView): string {
  const body = view.body.replace(/\n$/, '').split('\n').map((line) => `  | ${line}`.trimEnd()).join('\n');
  return (
    `Template ${view.name} (${view.customized ? 'customized' : 'default'}): ${TEMPLATE_TITLES[view.name]}\n` +
    `  Placeholders: ${placeholderNames(view.name).map((name) => `{${name}}`).join(' ')}\n` +
    `  Subject: ${view.subject}\n` +
    `  Body:\n${body}\n`
  );
}

// ---------------------------------------------------------------------------------------------
// show
// ---------------------------------------------------------------------------------------------

/** The SMTP settings in JSON: the password as {"set": true} or null, never the mask. */
function smtpJson(smtp: SmtpView | null) {
  return smtp === null ? null : { ...smtp, password: secretJson(smtp.password !== null) };
}

function showJson(view: MessagesView) {
  return {
    delivery: view.delivery,
    outbox: view.outbox,
    templates: Object.fromEntries(TEMPLATE_NAMES.map((name) => [name, templateJson(view.templates[name])])),
    departments: view.departments,
    clientFallback: view.clientFallback,
    smtp: smtpJson(view.smtp),
  };
}

function show(args: readonly string[], io: MessagesIo): number {
  const command = 'messages show';
  const { flags, positionals } = parse(command, args, WORKSPACE_FLAGS);
  if (flags.help) return printHelp(io, 'show');
  noPositionals(command, positionals);
  const view = messagesView(open(flags, io, command));
  if (flags.json) {
    printJson(io, showJson(view));
    return ExitCode.ok;
  }
  const departments = Object.entries(view.departments);
  const lines = [
    `Delivery         ${view.delivery === 'smtp' ? 'by SMTP' : `into the outbox ${view.outbox} (no SMTP server is set)`}`,
    `SMTP             ${smtpText(view.smtp)}`,
    `Client fallback  ${view.clientFallback ?? 'none (an expiration notice without a client address goes to the outbox)'}`,
    `Departments      ${departments.length === 0 ? 'none (a low-balance message goes to the outbox)' : ''}`.trimEnd(),
    ...departments.map(([department, addresses]) => `  ${department}: ${addresses.join(', ')}`),
    '',
  ];
  io.stdout.write(`${lines.join('\n')}\n${TEMPLATE_NAMES.map((name) => templateText(view.templates[name])).join('\n')}`);
  return ExitCode.ok;
}

// ---------------------------------------------------------------------------------------------
// template
// ---------------------------------------------------------------------------------------------

/** A template body is a page of text; more is the wrong file (or /dev/urandom). */
const MAX_BODY_BYTES = MIB;

async function readAll(stream: NodeJS.ReadableStream, command: string): Promise<string> {
  try {
    return await readInputStream(stream, MAX_BODY_BYTES, 'the body on stdin');
  } catch (error) {
    if (error instanceof InputFileError) throw new UsageError(`--body-stdin: ${error.message}`, command);
    throw error;
  }
}

async function bodyFrom(flags: Flags, io: MessagesIo, command: string): Promise<string | undefined> {
  if (flags['body-file'] !== undefined && flags['body-stdin']) throw new UsageError('give the body one way: --body-file or --body-stdin', command);
  let body: string | undefined;
  if (typeof flags['body-file'] === 'string') {
    const file = flags['body-file'];
    try {
      body = readInputFile(file, MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof InputFileError) throw new UsageError(`--body-file: ${error.message}`, command);
      throw error;
    }
  } else if (flags['body-stdin']) {
    const stdin = io.stdin ?? process.stdin;
    if ((stdin as { isTTY?: boolean }).isTTY) throw new UsageError('--body-stdin reads a pipe or a file (< body.txt); this is a terminal', command);
    body = await readAll(stdin, command);
  }
  // An editor's byte order mark is not part of the text.
  return body?.replace(/^\uFEFF/, '');
}

const TEMPLATE_SET_FLAGS = { ...WORKSPACE_FLAGS, ...WAIT_FLAG, subject: { type: 'string' }, 'body-file': { type: 'string' }, 'body-stdin': { type: 'boolean' }, 'dry-run': { type: 'boolean' } } as const;
const DRY_RUN_FLAGS = { ...WORKSPACE_FLAGS, ...WAIT_FLAG, 'dry-run': { type: 'boolean' } } as const;

function templateResult(io: CliIo, command: string, flags: Flags, change: SettingsChange<TemplateView>): number {
  const dryRun = flags['dry-run'] === true;
  const changed = change.before.subject !== change.after.subject || change.before.body !== change.after.body || change.before.customized !== change.after.customized;
  if (flags.json) printJson(io, { saved: change.saved, dryRun, template: templateJson(change.after) });
  else io.stdout.write(templateText(change.after));
  saidSaved(io, command, dryRun, changed);
  return ExitCode.ok;
}

async function template(args: readonly string[], io: MessagesIo): Promise<number> {
  const [action, ...rest] = args;
  if (action === undefined || action === '--help' || action === '-h' || action === 'help') {
    if (action === undefined) throw new UsageError('missing subcommand: set or reset', 'messages template');
    return printHelp(io, 'template');
  }
  if (action === 'set') {
    const command = 'messages template set';
    const { flags, positionals } = parse(command, rest, TEMPLATE_SET_FLAGS);
    if (flags.help) return printHelp(io, 'template');
    const name = templateArgument(one(positionals, command, '<template>: expiration or low-balance'), command);
    const body = await bodyFrom(flags, io, command);
    const subject = typeof flags.subject === 'string' ? flags.subject : undefined;
    if (subject === undefined && body === undefined) throw new UsageError('set needs --subject, --body-file or --body-stdin', command);
    const workspace = open(flags, io, command);
    const change = await judged(command, () => setTemplate(workspace, name, { ...(subject === undefined ? {} : { subject }), ...(body === undefined ? {} : { body }) }, { dryRun: flags['dry-run'] === true }));
    return templateResult(io, command, flags, change);
  }
  if (action === 'reset') {
    const command = 'messages template reset';
    const { flags, positionals } = parse(command, rest, DRY_RUN_FLAGS);
    if (flags.help) return printHelp(io, 'template');
    const name = templateArgument(one(positionals, command, '<template>: expiration or low-balance'), command);
    const workspace = open(flags, io, command);
    return templateResult(io, command, flags, await judged(command, () => resetTemplate(workspace, name, { dryRun: flags['dry-run'] === true })));
  }
  throw new UsageError(`unknown subcommand "${action}"${didYouMean(action, ['set', 'reset'])}: set or reset`, 'messages template');
}

// ---------------------------------------------------------------------------------------------
// department, client-fallback
// ---------------------------------------------------------------------------------------------

/** A note when no processing module has the department: most likely a typo. */
function departmentNote(workspace: Workspace, department: string, io: CliIo, command: string): void {
  let used: string[];
  try {
    used = [...new Set(workspace.store.read().modules.map((module) => module.parameters.department))];
  } catch (error) {
    if (error instanceof ConfigError) return;
    throw error;
  }
  if (used.some((name) => name.trim().toLowerCase() === department.trim().toLowerCase())) return;
  io.stderr.write(
    `certops ${command}: note: no processing module has the department "${department}"${used.length ? ` (in use: ${used.map((name) => `"${name}"`).join(', ')})` : ''}\n`,
  );
}

async function department(args: readonly string[], io: MessagesIo): Promise<number> {
  const [action, ...rest] = args;
  if (action === undefined) throw new UsageError('missing subcommand: set or remove', 'messages department');
  if (action === '--help' || action === '-h' || action === 'help') return printHelp(io, 'department');
  if (action !== 'set' && action !== 'remove') throw new UsageError(`unknown subcommand "${action}"${didYouMean(action, ['set', 'remove'])}: set or remove`, 'messages department');
  const command = `messages department ${action}`;
  const { flags, positionals } = parse(command, rest, action === 'set' ? { ...DRY_RUN_FLAGS, email: { type: 'string' } } : DRY_RUN_FLAGS);
  if (flags.help) return printHelp(io, 'department');
  const name = one(positionals, command, '<department>: the department of the processing modules (as in certops module add --department)');
  const dryRun = flags['dry-run'] === true;
  let change: SettingsChange<readonly string[] | null>;
  let workspace: Workspace;
  if (action === 'set') {
    if (typeof flags.email !== 'string') throw new UsageError('--email is required: the department\'s addresses, separated by commas', command);
    const addresses = splitAddresses(flags.email);
    workspace = open(flags, io, command);
    change = await judged(command, () => setDepartment(workspace, name, addresses, { dryRun }));
    departmentNote(workspace, name, io, command);
  } else {
    workspace = open(flags, io, command);
    change = await judged(command, () => removeDepartment(workspace, name, { dryRun }));
  }
  const key = Object.keys(readMessageSettings(workspace).departments).find((d) => d.toLowerCase() === name.trim().toLowerCase()) ?? name.trim();
  if (flags.json) printJson(io, { saved: change.saved, dryRun, department: key, before: change.before, after: change.after });
  else io.stdout.write(change.after === null ? `Department "${key}": no address (was ${change.before?.join(', ') ?? 'none'})\n` : `Department "${key}": ${change.after.join(', ')}\n`);
  saidSaved(io, command, dryRun, JSON.stringify(change.before) !== JSON.stringify(change.after));
  return ExitCode.ok;
}

async function clientFallback(args: readonly string[], io: MessagesIo): Promise<number> {
  const [action, ...rest] = args;
  if (action === undefined) throw new UsageError('missing subcommand: set or remove', 'messages client-fallback');
  if (action === '--help' || action === '-h' || action === 'help') return printHelp(io, 'client-fallback');
  if (action !== 'set' && action !== 'remove') throw new UsageError(`unknown subcommand "${action}"${didYouMean(action, ['set', 'remove'])}: set or remove`, 'messages client-fallback');
  const command = `messages client-fallback ${action}`;
  const { flags, positionals } = parse(command, rest, DRY_RUN_FLAGS);
  if (flags.help) return printHelp(io, 'client-fallback');
  const address = action === 'set' ? one(positionals, command, '<ADDR>: the address expiration notices go to when the client\'s is not known') : null;
  if (action === 'remove') noPositionals(command, positionals);
  const dryRun = flags['dry-run'] === true;
  const workspace = open(flags, io, command);
  const change = await judged(command, () => setClientFallback(workspace, address, { dryRun }));
  if (flags.json) printJson(io, { saved: change.saved, dryRun, before: change.before, after: change.after });
  else io.stdout.write(`Client fallback: ${change.after ?? 'none (an expiration notice without a client address goes to the outbox)'}\n`);
  saidSaved(io, command, dryRun, change.before !== change.after);
  return ExitCode.ok;
}

// ---------------------------------------------------------------------------------------------
// smtp
// ---------------------------------------------------------------------------------------------

const SMTP_SET_FLAGS = {
  ...DRY_RUN_FLAGS,
  host: { type: 'string' },
  port: { type: 'string' },
  secure: { type: 'boolean' },
  starttls: { type: 'boolean' },
  username: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'password-file': { type: 'string' },
  from: { type: 'string' },
  'ca-file': { type: 'string' },
} as const;

async function smtp(args: readonly string[], io: MessagesIo): Promise<number> {
  const [action, ...rest] = args;
  if (action === undefined) throw new UsageError('missing subcommand: set or remove', 'messages smtp');
  if (action === '--help' || action === '-h' || action === 'help') return printHelp(io, 'smtp');
  if (action === 'set') {
    const command = 'messages smtp set';
    // Before parsing: the value after --password must not even reach a message.
    refusePlainPassword(rest, command, SMTP_PASSWORD_ENV);
    const { flags, positionals } = parse(command, rest, SMTP_SET_FLAGS);
    if (flags.help) return printHelp(io, 'smtp');
    noPositionals(command, positionals);
    if (typeof flags.host !== 'string') throw new UsageError('--host is required: the SMTP server\'s name or IP address', command);
    if (typeof flags.from !== 'string') throw new UsageError('--from is required: the sender address, e.g. "Billing <billing@example.com>"', command);
    if (flags.secure && flags.starttls) throw new UsageError('--secure and --starttls cannot be used together: --secure is TLS from the start (465), --starttls upgrades a plain connection (587)', command);
    let port: number | undefined;
    if (typeof flags.port === 'string') {
      if (!/^\d{1,5}$/.test(flags.port.trim())) throw new UsageError(`--port: must be a whole number from 1 to 65535 (got "${flags.port}")`, command);
      port = Number(flags.port.trim());
    }
    const password = await readSecret(
      { 'password-stdin': flags['password-stdin'] === true, 'password-file': typeof flags['password-file'] === 'string' ? flags['password-file'] : undefined },
      io,
      command,
      SMTP_PASSWORD_ENV,
    );
    const security: SmtpSecurity = flags.secure ? 'tls' : flags.starttls ? 'starttls' : 'none';
    const dryRun = flags['dry-run'] === true;
    const workspace = open(flags, io, command);
    const change = await judged(command, () =>
      setSmtp(
        workspace,
        {
          host: flags.host as string,
          port,
          security,
          username: typeof flags.username === 'string' ? flags.username : undefined,
          password,
          from: flags.from as string,
          caFile: typeof flags['ca-file'] === 'string' ? flags['ca-file'] : undefined,
        },
        { dryRun },
      ),
    );
    if (flags.json) printJson(io, { saved: change.saved, dryRun, smtp: smtpJson(change.after) });
    else io.stdout.write(`SMTP: ${smtpText(change.after)}\n`);
    saidSaved(io, command, dryRun);
    return ExitCode.ok;
  }
  if (action === 'remove') {
    const command = 'messages smtp remove';
    const { flags, positionals } = parse(command, rest, { ...DRY_RUN_FLAGS, yes: { type: 'boolean', short: 'y' } });
    if (flags.help) return printHelp(io, 'smtp');
    noPositionals(command, positionals);
    const dryRun = flags['dry-run'] === true;
    const workspace = open(flags, io, command);
    const current = readMessageSettings(workspace).smtp;
    if (current === null) {
      if (flags.json) printJson(io, { saved: false, dryRun, smtp: null });
      io.stderr.write(`certops ${command}: no SMTP server is set: nothing changed\n`);
      return ExitCode.ok;
    }
    if (!dryRun && !(await confirm(io, `Remove the SMTP server ${current.host}:${current.port} and its password`, flags.yes === true, command))) {
      io.stderr.write(`certops ${command}: not confirmed: nothing removed\n`);
      return ExitCode.problem;
    }
    const change = await removeSmtp(workspace, { dryRun });
    if (flags.json) printJson(io, { saved: change.saved, dryRun, smtp: smtpJson(change.after) });
    else io.stdout.write(`SMTP: ${smtpText(change.after)} (was ${smtpText(change.before)})\n`);
    saidSaved(io, command, dryRun);
    return ExitCode.ok;
  }
  throw new UsageError(`unknown subcommand "${action}"${didYouMean(action, ['set', 'remove'])}: set or remove`, 'messages smtp');
}

// ---------------------------------------------------------------------------------------------
// test, outbox
// ---------------------------------------------------------------------------------------------

function deliveryJson(delivery: Delivery) {
  if (delivery.via === 'smtp') return { via: 'smtp', messageId: delivery.messageId, rejected: delivery.rejected };
  if (delivery.via === 'outbox') return { via: 'outbox', path: delivery.path, reason: delivery.reason };
  return { via: 'already-sent', at: delivery.at };
}

async function test(args: readonly string[], io: MessagesIo): Promise<number> {
  const command = 'messages test';
  const { flags, positionals } = parse(command, args, { ...DRY_RUN_FLAGS, to: { type: 'string' }, template: { type: 'string' } });
  if (flags.help) return printHelp(io, 'test');
  noPositionals(command, positionals);
  if (typeof flags.to !== 'string') throw new UsageError('--to is required: the address to send the test message to', command);
  const name = typeof flags.template === 'string' ? templateArgument(flags.template, command) : 'expiration';
  const to = flags.to.trim();
  const problem = checkEmailAddress(to);
  if (problem) throw new UsageError(`--to: ${problem}`, command);
  const workspace = open(flags, io, command);
  const data = readMessageSettings(workspace);
  const rendered = renderTemplate(name, templateOf(data, name), SAMPLE_VALUES[name]);
  const dryRun = flags['dry-run'] === true;
  let delivery: Delivery | null = null;
  if (!dryRun) {
    try {
      // A fresh key: a test is never "already sent".
      delivery = await deliver(workspace, { key: `test:${new Date().toISOString()}:${randomBytes(4).toString('hex')}`, to: [to], subject: rendered.subject, text: rendered.body });
    } catch (error) {
      if (!(error instanceof MailError)) throw error;
      io.stderr.write(`certops ${command}: ${error.message}\n`);
      // One meaning per code (README, "Exit codes"): a refused login or message is 1, unreachable 4.
      return exitCodeOfCause(error.failure);
    }
  }
  if (flags.json) {
    printJson(io, { template: name, to, subject: rendered.subject, body: rendered.body, sent: delivery !== null, delivery: delivery && deliveryJson(delivery) });
    return ExitCode.ok;
  }
  if (delivery === null) {
    const where = data.smtp ? `by SMTP through ${data.smtp.host}:${data.smtp.port}` : `into the outbox ${messagesView(workspace, data).outbox}`;
    io.stdout.write(`Would send to ${to} ${where}:\nSubject: ${rendered.subject}\n\n${rendered.body}`);
    io.stderr.write(`certops ${command}: dry run: nothing was sent\n`);
  } else if (delivery.via === 'smtp') {
    io.stdout.write(`Sent by SMTP to ${to} (message id ${delivery.messageId})\n`);
    if (delivery.rejected.length > 0) io.stderr.write(`certops ${command}: the server refused ${delivery.rejected.join(', ')}\n`);
  } else if (delivery.via === 'outbox') {
    io.stdout.write(`Written to the outbox: ${delivery.path}\n`);
    io.stderr.write(`certops ${command}: no SMTP server is set: written to the outbox (certops messages smtp set to send by SMTP)\n`);
  }
  return ExitCode.ok;
}

function outboxJson(entry: OutboxEntry) {
  return { file: entry.file, path: entry.path, size: entry.size, createdAt: entry.createdAt, key: entry.key, to: entry.to, subject: entry.subject };
}

async function outbox(args: readonly string[], io: MessagesIo): Promise<number> {
  const command = 'messages outbox';
  const { flags, positionals } = parse(command, args, WORKSPACE_FLAGS);
  if (flags.help) return printHelp(io, 'outbox');
  noPositionals(command, positionals);
  const workspace = open(flags, io, command);
  const entries = listOutbox(workspace);
  const directory = messagesView(workspace).outbox;
  if (flags.json) {
    printJson(io, { directory, messages: entries.map(outboxJson) });
    return ExitCode.ok;
  }
  if (entries.length === 0) {
    io.stderr.write(`certops ${command}: the outbox ${directory} is empty\n`);
    return ExitCode.ok;
  }
  io.stdout.write(
    formatTable(
      [{ title: 'Written (UTC)' }, { title: 'To' }, { title: 'Subject' }, { title: 'File' }],
      entries.map((entry) => [
        entry.createdAt.slice(0, 19).replace('T', ' '),
        entry.to === null ? '?' : entry.to.length === 0 ? '(no address)' : entry.to.join(', '),
        entry.subject ?? '?',
        entry.path,
      ]),
    ),
  );
  return ExitCode.ok;
}

// ---------------------------------------------------------------------------------------------
// Dispatch
// ---------------------------------------------------------------------------------------------

const SUBCOMMANDS: Readonly<Record<string, (args: readonly string[], io: MessagesIo) => number | Promise<number>>> = {
  show,
  template,
  department,
  'client-fallback': clientFallback,
  smtp,
  test,
  outbox,
};

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  // `certops messages`, `certops messages --json`: show.
  if (sub === undefined) return show(args, io);
  if (sub === '--help' || sub === '-h') return printHelp(io, 'messages');
  if (sub === 'help') return printHelp(io, rest[0] ?? 'messages');
  if (sub.startsWith('-')) return show(args, io);
  const handler = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  if (!handler) throw new UsageError(`unknown subcommand "${sub}"${didYouMean(sub, Object.keys(SUBCOMMANDS))}: one of ${Object.keys(SUBCOMMANDS).join(', ')}`, 'messages');
  return handler(rest, io as MessagesIo);
}

export const help = OVERVIEW;
