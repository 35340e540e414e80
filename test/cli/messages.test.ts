import { simpleParser } from 'mailparser';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES } from '../../src/core/messages/templates.js';
import { runMain } from '../helpers/cli.js';
import { smtpHarness } from '../helpers/smtp.js';

const smtp = smtpHarness();
const PASSWORD = 'Cli-smtp-pass-41d2';

function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'certops-messages-'));
  const config = join(dir, 'config');
  return {
    dir,
    config,
    flags: ['--config-dir', config],
    file: (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text, { mode: 0o600 });
      return path;
    },
    messagesJson: () => (existsSync(join(config, 'messages.json')) ? readFileSync(join(config, 'messages.json'), 'utf8') : null),
  };
}

describe('certops messages show', () => {
  it('shows the defaults, and `certops messages` alone is show', async () => {
    const { flags } = scratch();
    const run = await runMain(['messages', 'show', ...flags]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Delivery {9}into the outbox .*\/config\/outbox \(no SMTP server is set\)\n/);
    expect(run.stdout).toContain('Template expiration (default): Certificate expiration notification');
    expect(run.stdout).toContain('  Placeholders: {module} {provider} {department} {balance} {minimalBalance} {currency}');
    expect((await runMain(['messages', ...flags])).stdout).toBe(run.stdout);
  });

  it('--json has the documented shape', async () => {
    const { flags, config } = scratch();
    const json = JSON.parse((await runMain(['messages', 'show', '--json', ...flags])).stdout);
    expect(json).toEqual({
      delivery: 'outbox',
      outbox: join(config, 'outbox'),
      templates: {
        expiration: { name: 'expiration', ...DEFAULT_TEMPLATES.expiration, customized: false, placeholders: ['domain', 'expirationDate', 'paidUntil', 'actionDate', 'module', 'provider'] },
        'low-balance': { name: 'low-balance', ...DEFAULT_TEMPLATES['low-balance'], customized: false, placeholders: ['module', 'provider', 'department', 'balance', 'minimalBalance', 'currency'] },
        reissued: {
          name: 'reissued',
          ...DEFAULT_TEMPLATES.reissued,
          customized: false,
          placeholders: ['domain', 'names', 'expirationDate', 'paidUntil', 'module', 'provider', 'validation', 'nextStep'],
        },
      },
      departments: {},
      clientFallback: null,
      smtp: null,
    });
  });
});

describe('certops messages template', () => {
  it('sets the subject and the body from a file, then resets', async () => {
    const s = scratch();
    const body = s.file('body.txt', '\uFEFFDear client,\n{domain} expires on {expirationDate} (paid until {paidUntil}).\n');
    const set = await runMain(['messages', 'template', 'set', 'expiration', '--subject', '{domain}: expires {expirationDate}', '--body-file', body, '--json', ...s.flags]);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({
      saved: true,
      dryRun: false,
      template: { name: 'expiration', subject: '{domain}: expires {expirationDate}', body: 'Dear client,\n{domain} expires on {expirationDate} (paid until {paidUntil}).\n', customized: true },
    });
    expect(set.stderr).toBe('certops messages template set: saved\n');
    const reset = await runMain(['messages', 'template', 'reset', 'expiration', ...s.flags]);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain('Template expiration (default)');
    expect(JSON.parse(s.messagesJson() ?? '{}').templates).toEqual({});
  });

  it('--dry-run shows the template as it would be and saves nothing', async () => {
    const s = scratch();
    const run = await runMain(['messages', 'template', 'set', 'low-balance', '--subject', 'Top up {module}', '--dry-run', ...s.flags]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('  Subject: Top up {module}');
    expect(run.stderr).toBe('certops messages template set: dry run: nothing was saved\n');
    expect(s.messagesJson()).toBeNull();
  });

  it.each([
    ['an unknown placeholder in the subject', ['expiration', '--subject', 'Hi {domian}'], /^certops messages template set: --subject: the subject of the expiration template: unknown placeholder \{domian\} at line 1, column 4; did you mean \{domain\}\?/],
    ['an unknown placeholder in the body', ['low-balance', '--body-file', 'BODY'], /--body-file \/ --body-stdin: the body of the low-balance template: unknown placeholder \{domain\} at line 2, column 1/],
    ['an unknown template', ['renewal', '--subject', 'x'], /<template>: there is no template "renewal"; there are expiration, low-balance, reissued/],
    ['no change given', ['expiration'], /set needs --subject, --body-file or --body-stdin/],
    ['a missing body file', ['expiration', '--body-file', '/nonexistent/body.txt'], /--body-file: \/nonexistent\/body\.txt does not exist/],
    ['a subject of two lines', ['expiration', '--subject', 'a\nb'], /--subject: .*one line/],
  ])('refuses %s (exit 2) and changes nothing', async (_what, args, message) => {
    const s = scratch();
    await runMain(['messages', 'template', 'set', 'low-balance', '--subject', 'Low: {module}', ...s.flags]);
    const before = s.messagesJson();
    const body = s.file('bad-body.txt', 'Balance {balance}\n{domain}\n');
    const run = await runMain(['messages', 'template', 'set', ...args.map((arg) => (arg === 'BODY' ? body : arg)), ...s.flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
    expect(s.messagesJson()).toBe(before);
  });
});

describe('certops messages department and client-fallback', () => {
  it('sets, shows and removes department addresses, noting a department no module has', async () => {
    const s = scratch();
    const set = await runMain(['messages', 'department', 'set', 'SSL desk', '--email', 'ssl@example.com, boss@example.com', '--json', ...s.flags]);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({ saved: true, dryRun: false, department: 'SSL desk', before: null, after: ['ssl@example.com', 'boss@example.com'] });
    expect(set.stderr).toContain('note: no processing module has the department "SSL desk"');
    const show = JSON.parse((await runMain(['messages', '--json', ...s.flags])).stdout);
    expect(show.departments).toEqual({ 'SSL desk': ['ssl@example.com', 'boss@example.com'] });
    const remove = await runMain(['messages', 'department', 'remove', 'ssl desk', ...s.flags]);
    expect(remove.code).toBe(0);
    expect(remove.stdout).toBe('Department "ssl desk": no address (was ssl@example.com, boss@example.com)\n');
    const again = await runMain(['messages', 'department', 'remove', 'SSL desk', ...s.flags]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('<department>: no address is set for the department "SSL desk" (none is set)');
  });

  it('refuses a bad address (exit 2), naming --email, and changes nothing', async () => {
    const s = scratch();
    for (const email of ['ssl', 'ssl@example.com,,x@', '']) {
      const run = await runMain(['messages', 'department', 'set', 'SSL desk', '--email', email, ...s.flags]);
      expect(run.code).toBe(2);
      // An empty one is refused by the parser, as on every flag.
      expect(run.stderr).toMatch(email === '' ? /--email is empty/ : /--email: /);
    }
    expect((await runMain(['messages', 'department', 'set', 'SSL desk', ...s.flags])).stderr).toMatch(/--email is required/);
    expect(s.messagesJson()).toBeNull();
  });

  it('sets and removes the client fallback address', async () => {
    const s = scratch();
    const set = await runMain(['messages', 'client-fallback', 'set', 'support@example.com', '--json', ...s.flags]);
    expect(JSON.parse(set.stdout)).toEqual({ saved: true, dryRun: false, before: null, after: 'support@example.com' });
    const bad = await runMain(['messages', 'client-fallback', 'set', 'support', ...s.flags]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('<ADDR>: "support" is not an email address');
    const remove = await runMain(['messages', 'client-fallback', 'remove', ...s.flags]);
    expect(remove.stdout).toBe('Client fallback: none (an expiration notice without a client address goes to the outbox)\n');
  });
});

describe('certops messages smtp', () => {
  it('takes the password from a file or CERTOPS_SMTP_PASSWORD, and shows it masked', async () => {
    const s = scratch();
    const passwordFile = s.file('smtp-password', `${PASSWORD}\n`);
    const set = await runMain(['messages', 'smtp', 'set', '--host', 'smtp.example.com', '--starttls', '--username', 'billing', '--password-file', passwordFile, '--from', 'Billing <billing@example.com>', '--json', ...s.flags]);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({
      saved: true,
      dryRun: false,
      smtp: { host: 'smtp.example.com', port: 587, security: 'starttls', username: 'billing', password: { set: true }, from: 'Billing <billing@example.com>', caFile: null },
    });
    expect(JSON.parse(s.messagesJson() ?? '{}').smtp.password).toBe(PASSWORD);
    const show = await runMain(['messages', 'show', ...s.flags]);
    expect(show.stdout).toContain('SMTP             smtp.example.com:587 (STARTTLS), login billing, password ••••, from Billing <billing@example.com>');
    const env = await runMain(['messages', 'smtp', 'set', '--host', 'smtp.example.com', '--secure', '--username', 'other', '--from', 'b@example.com', ...s.flags], { CERTOPS_SMTP_PASSWORD: 'from-env' });
    expect(env.code, env.stderr).toBe(0);
    expect(JSON.parse(s.messagesJson() ?? '{}').smtp).toMatchObject({ port: 465, security: 'tls', username: 'other', password: 'from-env' });
    for (const run of [set, show, env]) expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });

  it.each([
    ['a password on argv', ['--host', 'h.example.com', '--username', 'u', `--password=${PASSWORD}`, '--from', 'a@example.com'], /never given as an argument.*CERTOPS_SMTP_PASSWORD/],
    ['a password on argv (separate value)', ['--host', 'h.example.com', '--username', 'u', '--password', PASSWORD, '--from', 'a@example.com'], /never given as an argument/],
    ['no --host', ['--from', 'a@example.com'], /--host is required/],
    ['no --from', ['--host', 'h.example.com'], /--from is required/],
    ['--secure with --starttls', ['--host', 'h.example.com', '--from', 'a@example.com', '--secure', '--starttls'], /--secure and --starttls cannot be used together/],
    ['a bad port', ['--host', 'h.example.com', '--from', 'a@example.com', '--port', '25a'], /--port: must be a whole number from 1 to 65535/],
    ['a port out of range', ['--host', 'h.example.com', '--from', 'a@example.com', '--port', '70000'], /--port: the port must be a whole number from 1 to 65535/],
    ['a bad sender', ['--host', 'h.example.com', '--from', 'billing'], /--from: "billing" is not an email address/],
    ['a username without password', ['--host', 'h.example.com', '--from', 'a@example.com', '--starttls', '--username', 'u'], /--password-stdin \/ --password-file \/ CERTOPS_SMTP_PASSWORD: a username needs its password/],
    ['a login in the clear to another machine', ['--host', 'h.example.com', '--from', 'a@example.com', '--username', 'u', '--password-file', 'PASSWORD_FILE'], /--secure \/ --starttls: a login to h\.example\.com without TLS would send the password in the clear/],
    ['a host with a scheme', ['--host', 'smtp://h.example.com', '--from', 'a@example.com'], /--host: .*no scheme/],
  ])('refuses %s (exit 2) and changes nothing', async (_what, args, message) => {
    const s = scratch();
    const passwordFile = s.file('pw', PASSWORD);
    const run = await runMain(['messages', 'smtp', 'set', ...args.map((arg) => (arg === 'PASSWORD_FILE' ? passwordFile : arg)), ...s.flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    expect(s.messagesJson()).toBeNull();
  });

  it('removes the SMTP server with --yes only', async () => {
    const s = scratch();
    await runMain(['messages', 'smtp', 'set', '--host', '127.0.0.1', '--from', 'a@example.com', ...s.flags]);
    const refused = await runMain(['messages', 'smtp', 'remove', ...s.flags]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/add --yes to confirm/);
    const dry = await runMain(['messages', 'smtp', 'remove', '--dry-run', '--json', ...s.flags]);
    expect(JSON.parse(dry.stdout)).toEqual({ saved: false, dryRun: true, smtp: null });
    expect(JSON.parse(s.messagesJson() ?? '{}').smtp).not.toBeNull();
    expect((await runMain(['messages', 'smtp', 'remove', '--yes', ...s.flags])).code).toBe(0);
    expect(JSON.parse(s.messagesJson() ?? '{}').smtp).toBeNull();
  });
});

describe('certops messages test and outbox', () => {
  it('sends the rendered template by SMTP and prints where it went', async () => {
    const server = await smtp.start({ auth: { username: 'billing', password: PASSWORD } });
    const s = scratch();
    const passwordFile = s.file('pw', PASSWORD);
    await runMain(['messages', 'smtp', 'set', '--host', '127.0.0.1', '--port', String(server.port), '--username', 'billing', '--password-file', passwordFile, '--from', 'billing@example.com', ...s.flags]);
    const run = await runMain(['messages', 'test', '--to', 'me@example.com', '--template', 'low-balance', ...s.flags]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Sent by SMTP to me@example\.com \(message id <[^>]+>\)\n$/);
    expect(server.received).toHaveLength(1);
    expect(server.received[0]?.parsed.subject).toBe('Processing module low balance: GlobalSign main, 1,250 USD');
    expect(server.received[0]?.envelope.to).toEqual(['me@example.com']);
    // Another test is another message, not "already sent".
    expect((await runMain(['messages', 'test', '--to', 'me@example.com', ...s.flags])).code).toBe(0);
    expect(server.received[1]?.parsed.subject).toBe('Certificate expiration notification: www.example.com');
  });

  it('exits 4 with the cause when the SMTP server refuses the connection or the login', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const s = scratch();
    await runMain(['messages', 'smtp', 'set', '--host', '127.0.0.1', '--port', String(port), '--from', 'billing@example.com', ...s.flags]);
    const refused = await runMain(['messages', 'test', '--to', 'me@example.com', ...s.flags]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(new RegExp(`^certops messages test: the SMTP server 127\\.0\\.0\\.1:${port} refused the connection`));
    expect(refused.stdout).toBe('');

    const server = await smtp.start({ auth: { username: 'billing', password: 'right' } });
    await runMain(['messages', 'smtp', 'set', '--host', '127.0.0.1', '--port', String(server.port), '--username', 'billing', '--password-file', s.file('pw', PASSWORD), '--from', 'billing@example.com', ...s.flags]);
    const auth = await runMain(['messages', 'test', '--to', 'me@example.com', '--json', ...s.flags]);
    // The server answered and refused the login: 1, as a provider refusing the credentials (4 is unreachable).
    expect(auth.code).toBe(1);
    expect(auth.stderr).toMatch(/refused the login of "billing"/);
    expect(auth.stdout + auth.stderr).not.toContain(PASSWORD);
  });

  it('without SMTP writes to the outbox, which lists it', async () => {
    const s = scratch();
    const run = await runMain(['messages', 'test', '--to', 'me@example.com', '--json', ...s.flags]);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ template: 'expiration', to: 'me@example.com', subject: 'Certificate expiration notification: www.example.com', sent: true, delivery: { via: 'outbox', reason: 'no-smtp' } });
    const parsed = await simpleParser(readFileSync(json.delivery.path));
    expect(parsed.subject).toBe(json.subject);
    expect(parsed.text).toBe(json.body);
    const outbox = JSON.parse((await runMain(['messages', 'outbox', '--json', ...s.flags])).stdout);
    expect(outbox).toEqual({
      directory: join(s.config, 'outbox'),
      messages: [{ file: expect.stringMatching(/^\d{8}T\d{9}Z-[0-9a-f]{8}\.eml$/), path: json.delivery.path, size: expect.any(Number), createdAt: expect.any(String), key: expect.stringMatching(/^test:/), to: ['me@example.com'], subject: json.subject }],
    });
    const table = await runMain(['messages', 'outbox', ...s.flags]);
    expect(table.stdout).toMatch(/^Written \(UTC\)\s+To\s+Subject\s+File\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}me@example\.com {2}Certificate expiration notification: www\.example\.com {2}\//);
  });

  it('--dry-run prints the message and sends nothing', async () => {
    const s = scratch();
    const run = await runMain(['messages', 'test', '--to', 'me@example.com', '--dry-run', ...s.flags]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Would send to me@example\.com into the outbox .*\nSubject: Certificate expiration notification: www\.example\.com\n\nHello,\n/);
    expect(existsSync(join(s.config, 'outbox'))).toBe(false);
  });

  it('refuses a bad --to or --template (exit 2)', async () => {
    const s = scratch();
    expect((await runMain(['messages', 'test', '--to', 'me', ...s.flags])).stderr).toMatch(/--to: "me" is not an email address/);
    expect((await runMain(['messages', 'test', '--to', 'me@example.com', '--template', 'renewal', ...s.flags])).stderr).toMatch(/<template>: there is no template "renewal"/);
    expect((await runMain(['messages', 'test', ...s.flags])).code).toBe(2);
    expect(existsSync(join(s.config, 'outbox'))).toBe(false);
  });

  it('an empty outbox lists nothing on stdout', async () => {
    const s = scratch();
    const run = await runMain(['messages', 'outbox', ...s.flags]);
    expect(run).toMatchObject({ code: 0, stdout: '' });
    expect(run.stderr).toMatch(/the outbox .* is empty/);
  });
});

describe('certops messages usage', () => {
  it.each([[['--help']], [['show', '--help']], [['template', '--help']], [['template', 'set', '--help']], [['department', 'set', '--help']], [['client-fallback', '--help']], [['smtp', 'set', '--help']], [['test', '--help']], [['outbox', '--help']], [['help', 'smtp']]])(
    '%j prints help',
    async (args) => {
      const run = await runMain(['messages', ...args]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: certops messages/);
    },
  );

  it('an unknown subcommand or flag is exit 2 naming it', async () => {
    expect((await runMain(['messages', 'send'])).stderr).toMatch(/unknown subcommand "send": one of show, template, department, client-fallback, smtp, test, outbox/);
    expect((await runMain(['messages', 'smtp', 'set', '--tls'])).stderr).toMatch(/unknown flag --tls/);
    expect((await runMain(['messages', 'template', 'delete', 'expiration'])).code).toBe(2);
    expect((await runMain(['help', 'messages'])).stdout).toMatch(/^Usage: certops messages/);
  });

  it('a corrupt messages.json is exit 3, named, and left as it is', async () => {
    const s = scratch();
    await runMain(['messages', 'client-fallback', 'set', 'a@example.com', ...s.flags]);
    const file = join(s.config, 'messages.json');
    writeFileSync(file, '{"clientFallback": ');
    for (const args of [['show'], ['department', 'set', 'D', '--email', 'd@example.com'], ['test', '--to', 'me@example.com']]) {
      const run = await runMain(['messages', ...args, ...s.flags]);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(`${file} is not valid JSON`);
    }
    expect(readFileSync(file, 'utf8')).toBe('{"clientFallback": ');
  });
});
