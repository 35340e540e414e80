import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkEmailAddress,
  checkMailbox,
  departmentAddresses,
  messagesFile,
  messagesView,
  MessagesInputError,
  readMessageSettings,
  removeDepartment,
  removeSmtp,
  resetTemplate,
  setClientFallback,
  setDepartment,
  setSmtp,
  setTemplate,
  splitAddresses,
} from '../../src/core/messages/settings.js';
import { DEFAULT_TEMPLATES } from '../../src/core/messages/templates.js';
import { ConfigError } from '../../src/core/store.js';
import { Workspace } from '../../src/core/workspace.js';

const fresh = () => new Workspace(join(mkdtempSync(join(tmpdir(), 'certops-msg-')), 'config'));
const PASSWORD = 'smtp-Secret-7f3a';

describe('message settings (messages.json)', () => {
  it('reads the defaults from a missing file without writing one', () => {
    const workspace = fresh();
    const view = messagesView(workspace);
    expect(view).toMatchObject({ delivery: 'outbox', outbox: join(workspace.directory, 'outbox'), departments: {}, clientFallback: null, smtp: null });
    expect(view.templates.expiration).toEqual({ name: 'expiration', ...DEFAULT_TEMPLATES.expiration, customized: false });
    expect(existsSync(join(workspace.directory, 'messages.json'))).toBe(false);
  });

  it('saves a changed template owner-only and reads it back; typed back to the default it is the default again', async () => {
    const workspace = fresh();
    const change = await setTemplate(workspace, 'expiration', { subject: 'Your certificate for {domain} expires on {expirationDate}' });
    expect(change.saved).toBe(true);
    expect(change.before.customized).toBe(false);
    expect(change.after).toMatchObject({ subject: 'Your certificate for {domain} expires on {expirationDate}', body: DEFAULT_TEMPLATES.expiration.body, customized: true });
    const file = join(workspace.directory, 'messages.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(workspace.directory).mode & 0o777).toBe(0o700);
    expect(messagesView(workspace).templates.expiration.customized).toBe(true);
    await setTemplate(workspace, 'expiration', { subject: DEFAULT_TEMPLATES.expiration.subject });
    expect(readMessageSettings(workspace).templates).toEqual({});
  });

  it('refuses an unknown placeholder when the template is saved, and changes nothing', async () => {
    const workspace = fresh();
    await setTemplate(workspace, 'low-balance', { body: 'Balance {balance} {currency}' });
    const before = readFileSync(join(workspace.directory, 'messages.json'), 'utf8');
    const refused = setTemplate(workspace, 'low-balance', { body: 'Balance {balanse}' });
    await expect(refused).rejects.toThrow(MessagesInputError);
    await expect(refused).rejects.toThrow(/unknown placeholder \{balanse\}.*did you mean \{balance\}/);
    await expect(refused).rejects.toMatchObject({ field: 'body' });
    expect(readFileSync(join(workspace.directory, 'messages.json'), 'utf8')).toBe(before);
    await expect(setTemplate(workspace, 'renewal', { subject: 'x' })).rejects.toMatchObject({ field: 'template', message: 'there is no template "renewal"; there are expiration, low-balance, reissued' });
  });

  it('a dry run works the change out and writes nothing', async () => {
    const workspace = fresh();
    const change = await setDepartment(workspace, 'SSL desk', ['ssl@example.com'], { dryRun: true });
    expect(change).toEqual({ before: null, after: ['ssl@example.com'], saved: false });
    expect(existsSync(join(workspace.directory, 'messages.json'))).toBe(false);
  });

  it('resets a template to the default', async () => {
    const workspace = fresh();
    await setTemplate(workspace, 'low-balance', { subject: 'Low: {module}' });
    const reset = await resetTemplate(workspace, 'low-balance');
    expect(reset.before.subject).toBe('Low: {module}');
    expect(reset.after).toMatchObject({ ...DEFAULT_TEMPLATES['low-balance'], customized: false });
  });

  it('keeps department addresses, matches the department in any case, and removes them', async () => {
    const workspace = fresh();
    await setDepartment(workspace, 'SSL desk', ['ssl@example.com', 'Boss@Example.com', 'boss@example.com']);
    expect(departmentAddresses(readMessageSettings(workspace), 'ssl DESK')).toEqual(['ssl@example.com', 'Boss@Example.com']);
    // Set again in another case: the same department, not a second one.
    await setDepartment(workspace, 'SSL Desk', ['desk@example.com']);
    expect(readMessageSettings(workspace).departments).toEqual({ 'SSL desk': ['desk@example.com'] });
    await expect(removeDepartment(workspace, 'Billing')).rejects.toThrow('no address is set for the department "Billing"; there are "SSL desk"');
    await removeDepartment(workspace, 'ssl desk');
    expect(readMessageSettings(workspace).departments).toEqual({});
  });

  it.each([
    ['', /give at least one/],
    ['ssl', /not an email address \(name@domain\)/],
    ['ssl@', /not an email address/],
    ['ssl desk@example.com', /cannot be the part before @/],
    ['ssl@exa mple.com', /is not a domain/],
    ['ssl@127.0.0.1', /is not a domain/],
    ['a@b.com,not-an-address', /"not-an-address" is not an email address/],
  ])('refuses the department address "%s"', async (text, message) => {
    const workspace = fresh();
    await expect(setDepartment(workspace, 'SSL desk', splitAddresses(text))).rejects.toThrow(message);
    expect(existsSync(join(workspace.directory, 'messages.json'))).toBe(false);
  });

  it('accepts the addresses a sysadmin uses', () => {
    for (const address of ['root@localhost', 'ssl+billing@mail.example.co.uk', "o'brien@example.com", 'x@xn--80ak6aa92e.com']) expect(checkEmailAddress(address)).toBeNull();
    expect(checkMailbox('Billing of Example <billing@example.com>')).toBeNull();
    expect(checkMailbox('Billing <billing@>')).not.toBeNull();
  });

  it('sets and clears the client fallback address', async () => {
    const workspace = fresh();
    expect((await setClientFallback(workspace, ' support@example.com ')).after).toBe('support@example.com');
    await expect(setClientFallback(workspace, 'support')).rejects.toMatchObject({ field: 'address' });
    expect((await setClientFallback(workspace, null)).after).toBeNull();
  });

  it('keeps the SMTP password in messages.json only, and shows it masked', async () => {
    const workspace = fresh();
    const change = await setSmtp(workspace, { host: 'smtp.example.com', security: 'starttls', username: 'billing', password: PASSWORD, from: 'Billing <billing@example.com>' });
    expect(change.after).toEqual({ host: 'smtp.example.com', port: 587, security: 'starttls', username: 'billing', password: '••••', from: 'Billing <billing@example.com>', caFile: null });
    expect(JSON.stringify(messagesView(workspace))).not.toContain(PASSWORD);
    expect(readFileSync(join(workspace.directory, 'messages.json'), 'utf8')).toContain(PASSWORD);
    // The same username again without a password keeps the password (a new port needs no re-typing).
    await setSmtp(workspace, { host: 'smtp.example.com', port: 2525, security: 'starttls', username: 'billing', from: 'billing@example.com' });
    expect(readMessageSettings(workspace).smtp).toMatchObject({ port: 2525, password: PASSWORD });
    await expect(setSmtp(workspace, { host: 'smtp.example.com', security: 'starttls', username: 'other', from: 'billing@example.com' })).rejects.toMatchObject({ field: 'password' });
    expect((await removeSmtp(workspace)).after).toBeNull();
    expect(readFileSync(join(workspace.directory, 'messages.json'), 'utf8')).not.toContain(PASSWORD);
  });

  it.each([
    [{ host: 'smtp://mail.example.com' }, 'host', /no scheme/],
    [{ host: 'mail.example.com:25' }, 'host', /no port/],
    [{ port: 70000 }, 'port', /1 to 65535/],
    [{ from: 'billing' }, 'from', /not an email address/],
    [{ username: 'billing' }, 'password', /needs its password/],
    [{ password: PASSWORD }, 'password', /needs a username/],
    [{ username: 'billing', password: PASSWORD, security: 'none' as const }, 'security', /in the clear/],
    [{ caFile: '/nonexistent/ca.pem' }, 'caFile', /\/nonexistent\/ca\.pem does not exist/],
  ])('refuses SMTP settings %j', async (override, field, message) => {
    const workspace = fresh();
    const attempt = setSmtp(workspace, { host: 'mail.example.com', security: 'starttls', from: 'billing@example.com', ...override });
    await expect(attempt).rejects.toMatchObject({ field });
    await expect(attempt).rejects.toThrow(message);
    await expect(attempt).rejects.not.toThrow(PASSWORD);
    expect(existsSync(join(workspace.directory, 'messages.json'))).toBe(false);
  });

  it('lets a login go without TLS to a server on this machine only', async () => {
    const workspace = fresh();
    await setSmtp(workspace, { host: '127.0.0.1', port: 2525, security: 'none', username: 'u', password: PASSWORD, from: 'billing@example.com' });
    expect(readMessageSettings(workspace).smtp).toMatchObject({ host: '127.0.0.1', security: 'none' });
  });

  it('refuses a corrupt or invalid file, names it, and never overwrites it', async () => {
    const workspace = fresh();
    mkdirSync(workspace.directory, { recursive: true });
    const file = join(workspace.directory, 'messages.json');
    writeFileSync(file, '{"departments": {', { mode: 0o600 });
    expect(() => readMessageSettings(workspace)).toThrow(ConfigError);
    await expect(setClientFallback(workspace, 'a@example.com')).rejects.toThrow(/not valid JSON/);
    expect(readFileSync(file, 'utf8')).toBe('{"departments": {');
    // A template with a typo edited by hand is caught on read too.
    writeFileSync(file, JSON.stringify({ templates: { expiration: { subject: 'S', body: 'Hi {domian}' } } }));
    expect(() => messagesFile(workspace).read()).toThrow(/templates\.expiration\.body: unknown placeholder \{domian\}/);
    writeFileSync(file, JSON.stringify({ smtp: { host: 'h.example', port: 25, security: 'none', username: 'u', password: null, from: 'a@example.com', caFile: null } }));
    expect(() => readMessageSettings(workspace)).toThrow(/a username and a password go together/);
  });
});
