/**
 * `certops messages` through the built binary: SMTP with STARTTLS and a login on a real server on
 * 127.0.0.1, the outbox, bad input that changes nothing on disk, exit codes 3 and 4, and the SMTP
 * password nowhere but in messages.json.
 */
import { simpleParser } from 'mailparser';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, type CliRun } from '../helpers/cli.js';
import { smtpHarness } from '../helpers/smtp.js';

const smtp = smtpHarness();
const PASSWORD = 'E2e-Smtp-Pass-c0ffee';
const SECRET_FORMS = [PASSWORD, Buffer.from(PASSWORD).toString('base64')];

/** The binary, with text on its standard input (the SMTP server runs in this process: never block it). */
function certops(args: readonly string[], env: Record<string, string> = {}, input?: string, nodeArgs: readonly string[] = []): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill(), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

function configDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'certops-e2e-messages-')), 'config');
}

function walk(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(directory, entry.name)) : [join(directory, entry.name)]));
}

/** Every file certops keeps, by path, to prove a refused command changed nothing. */
function snapshot(directory: string): Record<string, string> {
  return Object.fromEntries(walk(directory).filter((file) => !file.endsWith('.lock')).map((file) => [file, readFileSync(file, 'utf8')]));
}

function expectNoSecret(runs: readonly CliRun[], directory: string): void {
  for (const run of runs) for (const form of SECRET_FORMS) expect(run.stdout + run.stderr).not.toContain(form);
  for (const file of walk(directory)) {
    if (file.endsWith('/messages.json')) continue;
    for (const form of SECRET_FORMS) expect(readFileSync(file, 'utf8'), file).not.toContain(form);
  }
}

describe('certops messages, the binary', { timeout: 120_000 }, () => {
  it('sets SMTP with STARTTLS and a login, a department and a template, sends, falls back to the outbox; the password stays in messages.json', async () => {
    const server = await smtp.start({ tls: 'starttls', auth: { username: 'billing', password: PASSWORD } });
    const dir = configDir();
    const env = { CERTOPS_CONFIG_DIR: dir };
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const caFile = join(dir, '..', 'smtp-ca.pem');
    writeFileSync(caFile, server.caPem ?? '');
    const runs: CliRun[] = [];
    const run = async (args: readonly string[], input?: string, extraEnv: Record<string, string> = {}) => {
      const result = await certops(args, { ...env, ...extraEnv }, input);
      runs.push(result);
      return result;
    };

    const set = await run(
      ['messages', 'smtp', 'set', '--host', '127.0.0.1', '--port', String(server.port), '--starttls', '--username', 'billing', '--password-stdin', '--from', 'Billing <billing@example.com>', '--ca-file', caFile, '--json'],
      `${PASSWORD}\n`,
    );
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout).smtp).toEqual({ host: '127.0.0.1', port: server.port, security: 'starttls', username: 'billing', password: { set: true }, from: 'Billing <billing@example.com>', caFile });

    expect((await run(['messages', 'department', 'set', 'SSL desk', '--email', 'ssl@example.com,boss@example.com'])).code).toBe(0);
    const template = await run(['messages', 'template', 'set', 'low-balance', '--subject', '[{department}] {module}: {balance} {currency}', '--body-stdin'], 'Balance {balance} {currency} < {minimalBalance} at {provider}.\n');
    expect(template.code, template.stderr).toBe(0);
    expect((await run(['messages', 'client-fallback', 'set', 'support@example.com'])).code).toBe(0);

    const show = await run(['messages', 'show', '--json']);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({
      delivery: 'smtp',
      templates: { 'low-balance': { customized: true, subject: '[{department}] {module}: {balance} {currency}' }, expiration: { customized: false } },
      departments: { 'SSL desk': ['ssl@example.com', 'boss@example.com'] },
      clientFallback: 'support@example.com',
      smtp: { password: { set: true } },
    });
    expect((await run(['messages', 'show'])).stdout).toContain('password ••••');

    const test = await run(['messages', 'test', '--to', 'me@example.com', '--template', 'low-balance', '--json']);
    expect(test.code, test.stderr).toBe(0);
    expect(JSON.parse(test.stdout)).toMatchObject({ sent: true, delivery: { via: 'smtp', rejected: [] } });
    expect(server.received).toHaveLength(1);
    const mail = server.received[0];
    expect(mail).toMatchObject({ user: 'billing', secure: true, envelope: { from: 'billing@example.com', to: ['me@example.com'] } });
    expect(mail?.parsed.subject).toBe('[SSL desk] GlobalSign main: 1,250 USD');
    expect(mail?.parsed.text).toBe('Balance 1,250 USD < 5,000 at GlobalSign.\n');
    expect(mail?.parsed.messageId).toBe(JSON.parse(test.stdout).delivery.messageId);

    const text = await run(['messages', 'test', '--to', 'me@example.com']);
    expect(text.stdout).toMatch(/^Sent by SMTP to me@example\.com \(message id <[^>]+>\)\n$/);
    expect(server.received[1]?.parsed.subject).toBe('Certificate expiration notification: www.example.com');

    // Without SMTP: the outbox.
    expect((await run(['messages', 'smtp', 'remove', '--yes'])).code).toBe(0);
    const outboxTest = await run(['messages', 'test', '--to', 'me@example.com', '--json']);
    expect(outboxTest.code, outboxTest.stderr).toBe(0);
    const { delivery } = JSON.parse(outboxTest.stdout);
    expect(delivery).toMatchObject({ via: 'outbox', reason: 'no-smtp' });
    const outbox = await run(['messages', 'outbox', '--json']);
    expect(JSON.parse(outbox.stdout).messages.map((m: { path: string }) => m.path)).toEqual([delivery.path]);
    const parsed = await simpleParser(readFileSync(delivery.path));
    expect(parsed.subject).toBe('Certificate expiration notification: www.example.com');
    expect(parsed.text).toContain('the SSL certificate of www.example.com expires on 2026-10-19.');
    expect(server.received).toHaveLength(2);

    expect(runs.every((r) => r.code === 0)).toBe(true);
    expectNoSecret(runs, dir);
  });

  it.each([
    ['a bad department address', ['messages', 'department', 'set', 'SSL desk', '--email', 'ssl@example.com,ssl-at-example.com'], undefined, /--email: "ssl-at-example\.com" is not an email address/],
    ['a bad client fallback address', ['messages', 'client-fallback', 'set', 'support@'], undefined, /<ADDR>: "support@" is not an email address/],
    ['an unknown template', ['messages', 'template', 'set', 'renewal', '--subject', 'x'], undefined, /<template>: there is no template "renewal"/],
    ['an unknown placeholder in the subject', ['messages', 'template', 'set', 'expiration', '--subject', 'Expires {expirydate}'], undefined, /--subject: .*unknown placeholder \{expirydate\}.*did you mean \{expirationDate\}/],
    ['an unknown placeholder in the body', ['messages', 'template', 'set', 'expiration', '--body-stdin'], 'Hello {client},\n', /--body-file \/ --body-stdin: .*unknown placeholder \{client\} at line 1, column 7/],
    ['a password on argv', ['messages', 'smtp', 'set', '--host', '127.0.0.1', '--username', 'billing', '--password', PASSWORD, '--from', 'billing@example.com'], undefined, /never given as an argument/],
    ['--secure with --starttls', ['messages', 'smtp', 'set', '--host', 'smtp.example.com', '--secure', '--starttls', '--from', 'billing@example.com'], undefined, /--secure and --starttls cannot be used together/],
    ['a bad test recipient', ['messages', 'test', '--to', 'me@@example.com'], undefined, /--to: /],
    ['smtp remove without --yes and without a terminal', ['messages', 'smtp', 'remove'], undefined, /--yes/],
  ])('exits 2 on %s and changes nothing on disk', async (_what, args, input, message) => {
    const dir = configDir();
    const env = { CERTOPS_CONFIG_DIR: dir };
    // Something to change: a department, a template, an SMTP server with a password, a message in the outbox.
    expect((await certops(['messages', 'department', 'set', 'SSL desk', '--email', 'ssl@example.com'], env)).code).toBe(0);
    expect((await certops(['messages', 'template', 'set', 'expiration', '--subject', 'Expiring: {domain}'], env)).code).toBe(0);
    expect((await certops(['messages', 'test', '--to', 'me@example.com'], env)).code).toBe(0);
    expect((await certops(['messages', 'smtp', 'set', '--host', '127.0.0.1', '--username', 'billing', '--password-stdin', '--from', 'billing@example.com'], env, PASSWORD)).code).toBe(0);
    const before = snapshot(dir);
    const run = await certops(args, env, input);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
    expect(snapshot(dir)).toEqual(before);
    expectNoSecret([run], dir);
  });

  it('exits 3 on a corrupt messages.json and leaves it; 4 when the SMTP server cannot be reached', async () => {
    const dir = configDir();
    const env = { CERTOPS_CONFIG_DIR: dir };
    // Port 1 on loopback: nothing listens there.
    expect((await certops(['messages', 'smtp', 'set', '--host', '127.0.0.1', '--port', '1', '--username', 'billing', '--from', 'billing@example.com'], { ...env, CERTOPS_SMTP_PASSWORD: PASSWORD })).code).toBe(0);
    const unreachable = await certops(['messages', 'test', '--to', 'me@example.com'], env);
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toMatch(/^certops messages test: the SMTP server 127\.0\.0\.1:1 refused the connection/);
    expectNoSecret([unreachable], dir);
    expect(walk(join(dir, 'outbox'))).toEqual([]);

    const file = join(dir, 'messages.json');
    writeFileSync(file, '{"smtp": {');
    for (const args of [['messages', 'show'], ['messages', 'client-fallback', 'set', 'a@example.com'], ['messages', 'test', '--to', 'me@example.com']]) {
      const run = await certops(args, env);
      expect(run.code, args.join(' ')).toBe(3);
      expect(run.stderr).toContain(`${file} is not valid JSON`);
    }
    expect(readFileSync(file, 'utf8')).toBe('{"smtp": {');
  });

  it('loads nodemailer only to deliver: show and the settings commands never load it', async () => {
    // A module hook of Node's records every module the process resolves.
    const hooks = mkdtempSync(join(tmpdir(), 'certops-hooks-'));
    const log = join(hooks, 'loaded.txt');
    writeFileSync(
      join(hooks, 'hooks.mjs'),
      "import { appendFileSync } from 'node:fs';\nlet log;\nexport function initialize(data) { log = data.log; }\n" +
        'export async function resolve(specifier, context, next) { const result = await next(specifier, context); appendFileSync(log, `${result.url}\\n`); return result; }\n',
    );
    writeFileSync(join(hooks, 'register.mjs'), `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url, { data: { log: ${JSON.stringify(log)} } });\n`);
    const withHooks = ['--import', pathToFileURL(join(hooks, 'register.mjs')).href];
    const env = { CERTOPS_CONFIG_DIR: configDir() };
    const loaded = async (args: readonly string[]) => {
      writeFileSync(log, '');
      const run = await certops(args, env, undefined, withHooks);
      expect(run.code, run.stderr).toBe(0);
      return readFileSync(log, 'utf8');
    };
    for (const args of [['messages', 'show'], ['messages', 'department', 'set', 'D', '--email', 'd@example.com'], ['messages', 'outbox']]) {
      const urls = await loaded(args);
      expect(urls, args.join(' ')).toMatch(/\/dist\/messages-[^/]+\.js$/m);
      expect(urls, args.join(' ')).not.toMatch(/nodemailer/);
    }
    expect(await loaded(['messages', 'test', '--to', 'me@example.com'])).toMatch(/\/dist\/nodemailer-[^/]+\.js$/m);
  });
});
