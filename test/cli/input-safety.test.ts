/**
 * Input certops must refuse before acting (issue 13, items 15, 24, 25): an empty --config-dir, a
 * configuration folder on /proc or that is a file, devices and huge files where a file is read, a
 * CA file that is not one, control characters in free text, and a config.json whose modules share
 * an id or a name.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandboxCa } from '../../src/providers/sandbox-kit/ca.js';
import { runMain } from '../helpers/cli.js';

const folder = () => mkdtempSync(join(tmpdir(), 'certops-input-'));

/** `module add enom` with valid flags, some replaced. */
function enomArgs(over: Readonly<Record<string, string>> = {}, ...extra: string[]): string[] {
  const flags: Record<string, string> = { name: 'eNom main', department: 'SSL desk', sort: '10', 'data-center': 'DC1', username: 'reseller', 'api-url': 'https://reseller.enom.com/interface.asp', ...over };
  return ['module', 'add', 'enom', ...Object.entries(flags).map(([flag, value]) => `--${flag}=${value}`), ...extra];
}

const configOf = (dir: string) => (existsSync(join(dir, 'config.json')) ? readFileSync(join(dir, 'config.json'), 'utf8') : null);

describe('--config-dir and CERTOPS_CONFIG_DIR', () => {
  it('refuses an empty --config-dir or CERTOPS_CONFIG_DIR (exit 2) instead of acting on the default configuration', async () => {
    const xdg = folder();
    const env = { XDG_CONFIG_HOME: xdg, CERTOPS_PASSWORD: 'pw-1' };
    expect((await runMain(enomArgs(), env)).code).toBe(0);
    const before = configOf(join(xdg, 'certops'));
    expect(before).toContain('eNom main');

    const flag = await runMain(['module', 'remove', 'eNom main', '--yes', '--config-dir', ''], env);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--config-dir is empty');
    const variable = await runMain(['module', 'remove', 'eNom main', '--yes'], { ...env, CERTOPS_CONFIG_DIR: '' });
    expect(variable.code).toBe(2);
    expect(variable.stderr).toContain('CERTOPS_CONFIG_DIR is set but empty');
    const console = await runMain(['--config-dir=', '--today', '2026-01-01'], env);
    expect(console.code).toBe(2);
    expect(configOf(join(xdg, 'certops'))).toBe(before);
  });

  it('refuses a folder on /proc at once, naming it (it used to wait 18 s for a lock and say "configuration problem")', async () => {
    const started = performance.now();
    const run = await runMain(['policy', 'set', '--policy', 'manual', '--config-dir', '/proc/self'], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--config-dir: /proc/self is on /proc');
    expect(performance.now() - started).toBeLessThan(3000);
    const below = await runMain(['module', 'list'], { CERTOPS_CONFIG_DIR: '/proc/self/certops' });
    expect(below.code).toBe(2);
    expect(below.stderr).toContain('CERTOPS_CONFIG_DIR: /proc/self/certops is on /proc');
  });

  it('refuses a --config-dir that is a file, or under one', async () => {
    const file = join(folder(), 'plain');
    writeFileSync(file, 'not a folder');
    const run = await runMain(['module', 'list', '--config-dir', file], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--config-dir: ${file} is not a folder`);
    const under = await runMain(['module', 'list', '--config-dir', join(file, 'certops')], {});
    expect(under.code).toBe(2);
    expect(under.stderr).toContain('a part of its path is a file');
  });
});

describe('files named on the command line are read with a limit', () => {
  it('config import /dev/urandom is refused at once as a device (it used to hang)', async () => {
    const dir = folder();
    const started = performance.now();
    const run = await runMain(['config', 'import', '/dev/urandom', '--config-dir', dir], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('/dev/urandom is a device (or a terminal), not a file');
    expect(performance.now() - started).toBeLessThan(3000);
    expect(configOf(dir)).toBeNull();
  });

  it('refuses a folder, and a file over the size limit, naming the limit', async () => {
    const dir = folder();
    const folderRun = await runMain(['config', 'import', dir, '--config-dir', dir], {});
    expect(folderRun.code).toBe(2);
    expect(folderRun.stderr).toContain(`${dir} is a folder, not a file`);
    const big = join(dir, 'billmgr.conf');
    writeFileSync(big, `Option SSLSubscriptionPolicy manual\n${'#'.repeat(1024 * 1024)}\n`);
    const bigRun = await runMain(['config', 'import', big, '--config-dir', dir], {});
    expect(bigRun.code).toBe(2);
    expect(bigRun.stderr).toContain('is larger than the 1 MiB certops reads from such a file');
    expect(configOf(dir)).toBeNull();
  });

  it('--password-file and debug --import refuse a device too', async () => {
    const dir = folder();
    const password = await runMain([...enomArgs(), '--password-file', '/dev/zero', '--config-dir', dir], {});
    expect(password.code).toBe(2);
    expect(password.stderr).toContain('--password-file: /dev/zero is a device');
    const debug = await runMain(['debug', '--import', '/dev/zero', '--config-dir', dir], {});
    expect(debug.code).toBe(2);
    expect(debug.stderr).toContain('--import: /dev/zero is a device');
    expect(configOf(dir)).toBeNull();
  });
});

describe('module add and edit check what they are given', () => {
  it('refuses a missing, folder or non-PEM --ca-file, naming the flag, and writes nothing', async () => {
    const dir = folder();
    const env = { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: 'pw-1' };
    const notPem = join(dir, 'ca.txt');
    writeFileSync(notPem, 'hello\n');
    const broken = join(dir, 'broken.pem');
    writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    for (const [file, words] of [
      [join(dir, 'missing.pem'), 'does not exist'],
      [dir, 'is a folder, not a file'],
      [notPem, 'holds no PEM certificate'],
      [broken, 'is not a readable X.509 certificate'],
      ['/dev/urandom', 'is a device'],
    ] as const) {
      const run = await runMain([...enomArgs(), '--ca-file', file], env);
      expect(run.code, file).toBe(2);
      expect(run.stderr, file).toContain('--ca-file: ');
      expect(run.stderr, file).toContain(words);
    }
    expect(configOf(dir)).toBeNull();

    const ca = await createSandboxCa('input safety test');
    const good = join(dir, 'ca.pem');
    writeFileSync(good, ca.rootPem);
    expect((await runMain([...enomArgs(), '--ca-file', good], env)).code).toBe(0);
    // Edit checks a new CA file the same way.
    const edit = await runMain(['module', 'edit', 'eNom main', '--ca-file', notPem], env);
    expect(edit.code).toBe(2);
    expect(edit.stderr).toContain('--ca-file: ');
    expect(configOf(dir)).toContain(good);
  });

  it.each([
    ['name', 'eNom\u001b[31m red'],
    ['name', 'eNom\nmain'],
    ['department', 'SSL\tdesk'],
    ['data-center', 'DC1\u001b[2J'],
    ['username', 'res\reller'],
    ['name', 'eNom \u202Eniam'],
  ])('refuses a control character in --%s, naming the flag', async (flag, value) => {
    const dir = folder();
    const run = await runMain(enomArgs({ [flag]: value }), { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: 'pw-1' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--${flag}: `);
    expect(run.stderr).toContain('has a control character');
    expect(configOf(dir)).toBeNull();
  });
});

describe('config.json with two modules under one id or name', () => {
  const stored = (id: number, name: string) => ({
    id,
    provider: 'enom',
    parameters: { name, department: 'SSL desk', sort: id, minimalBalance: null, dataCenter: 'DC1' },
    integration: { apiUrl: 'https://reseller.enom.com/interface.asp', username: 'u', password: 'keep-Me' },
    createdAt: '2026-01-01T00:00:00.000Z',
  });

  it.each([
    ['the same id', { version: 1, nextModuleId: 3, modules: [stored(1, 'one'), stored(1, 'two')] }, 'modules[0] and modules[1] have the same id 1'],
    ['the same name', { version: 1, nextModuleId: 3, modules: [stored(1, 'one'), stored(2, 'ONE')] }, 'modules[0] and modules[1] have the same name "ONE"'],
    ['a lowered nextModuleId', { version: 1, nextModuleId: 2, modules: [stored(1, 'one'), stored(2, 'two')] }, 'nextModuleId is 2 but a module already has id 2; it must be at least 3'],
  ])('is a configuration problem (exit 3) for %s, and certops does not write to it', async (_what, content, words) => {
    const dir = folder();
    mkdirSync(dir, { recursive: true });
    const text = JSON.stringify(content);
    writeFileSync(join(dir, 'config.json'), text, { mode: 0o600 });
    const env = { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: 'pw-1' };
    const list = await runMain(['module', 'list'], env);
    expect(list.code).toBe(3);
    expect(list.stderr).toContain(words);
    const add = await runMain(enomArgs({ name: 'three' }), env);
    expect(add.code).toBe(3);
    expect(add.stderr).toContain(words);
    expect(configOf(dir)).toBe(text);
  });

  it('a file without nextModuleId goes on after its highest id', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ version: 1, modules: [stored(4, 'four')] }), { mode: 0o600 });
    const env = { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: 'pw-1' };
    expect((await runMain(enomArgs({ name: 'five' }), env)).code).toBe(0);
    const list = JSON.parse((await runMain(['module', 'list', '--json'], env)).stdout) as unknown;
    const modules = (Array.isArray(list) ? list : (list as { modules: unknown[] }).modules) as { id: number; name: string }[];
    expect(modules.map((module) => module.id).sort()).toEqual([4, 5]);
  });
});

describe('control characters in every other free text that reaches a terminal (issue 13, item 24\'s class)', () => {
  const ESC = '\u001b[31m';
  const RLO = '\u202E';
  const messagesJson = (dir: string) => (existsSync(join(dir, 'messages.json')) ? readFileSync(join(dir, 'messages.json'), 'utf8') : null);
  const smtp = (over: Readonly<Record<string, string>>) => ['messages', 'smtp', 'set', ...Object.entries({ host: 'smtp.example.com', from: 'billing@example.com', ...over }).map(([flag, value]) => `--${flag}=${value}`)];

  it.each([
    ['<department>', ['messages', 'department', 'set', `SSL${ESC}desk`, '--email', 'ssl@example.com']],
    ['<department>', ['messages', 'department', 'set', `SSL\tdesk`, '--email', 'ssl@example.com']],
    ['<department>', ['messages', 'department', 'set', `SSL ${RLO}ksed`, '--email', 'ssl@example.com']],
    ['--email', ['messages', 'department', 'set', 'SSL desk', '--email', `ssl${ESC}@example.com`]],
    ['<ADDR>', ['messages', 'client-fallback', 'set', `fallback@example.com${ESC}`]],
    ['--host', smtp({ host: `smtp${ESC}.example.com` })],
    ['--from', smtp({ from: `Billing${ESC} <billing@example.com>` })],
    ['--from', smtp({ from: `Bill${RLO}ing <billing@example.com>` })],
    ['--ca-file', smtp({ 'ca-file': `/tmp/ca\n.pem`, starttls: '' }).map((a) => (a === '--starttls=' ? '--starttls' : a))],
    ['--subject', ['messages', 'template', 'set', 'expiration', '--subject', `Expiring ${ESC}soon`]],
    ['--subject', ['messages', 'template', 'set', 'expiration', '--subject', `Expiring\tsoon {domain}`]],
  ])('refuses it in %s (exit 2), naming it, and changes nothing', async (field, args) => {
    const dir = folder();
    const run = await runMain(args, { CERTOPS_CONFIG_DIR: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${field}: `);
    expect(run.stderr).toContain('has a control character');
    // The refusal does not echo the text: the escape sequence never reaches the terminal.
    expect(run.stderr).not.toContain('\u001b');
    expect(messagesJson(dir)).toBeNull();
  });

  it('refuses --username with a control character', async () => {
    const dir = folder();
    const run = await runMain(smtp({ username: `bill${ESC}ing`, starttls: '' }).map((a) => (a === '--starttls=' ? '--starttls' : a)), { CERTOPS_CONFIG_DIR: dir, CERTOPS_SMTP_PASSWORD: 'pw-1' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--username: the username has a control character');
    expect(messagesJson(dir)).toBeNull();
  });

  it('a template body keeps its lines and tabs, and refuses an escape sequence or a bidi override', async () => {
    const dir = folder();
    const body = join(folder(), 'body.txt');
    writeFileSync(body, 'Dear client,\n\tyour certificate for {domain} expires on {expirationDate}.\r\n');
    expect((await runMain(['messages', 'template', 'set', 'expiration', '--body-file', body], { CERTOPS_CONFIG_DIR: dir })).code).toBe(0);
    const saved = messagesJson(dir);
    for (const bad of [`Dear ${ESC}client {domain}`, `Dear ${RLO}tneilc {domain}`, 'Dear client\rOverwritten {domain}']) {
      writeFileSync(body, bad);
      const run = await runMain(['messages', 'template', 'set', 'expiration', '--body-file', body], { CERTOPS_CONFIG_DIR: dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--body-file / --body-stdin: ');
      expect(run.stderr).toContain('has a control character');
      expect(messagesJson(dir)).toBe(saved);
    }
  });

  it('a hand-edited messages.json with one is a configuration problem (exit 3), left as it is', async () => {
    const dir = folder();
    const text = JSON.stringify({ version: 1, departments: { [`SSL${ESC}desk`]: ['ssl@example.com'] } });
    writeFileSync(join(dir, 'messages.json'), text, { mode: 0o600 });
    const run = await runMain(['messages', 'show'], { CERTOPS_CONFIG_DIR: dir });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('has a control character');
    expect(run.stderr).not.toContain('\u001b');
    expect(messagesJson(dir)).toBe(text);
  });

  it.each([`done ${RLO}enod`, 'done\u2028twice', `done ${ESC}`])('refuses %j as a task note (--note, exit 2)', async (note) => {
    const run = await runMain(['tasks', 'close', 'T-1', '--note', note], { CERTOPS_CONFIG_DIR: folder() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--note: ');
    expect(run.stderr).not.toContain('\u001b');
  });

  it('refuses a control character in the path of a module\'s --ca-file', async () => {
    const dir = folder();
    const run = await runMain([...enomArgs(), `--ca-file=/tmp/ca${ESC}.pem`], { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: 'pw-1' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--ca-file: ');
    expect(run.stderr).toContain('has a control character');
    expect(run.stderr).not.toContain('\u001b');
    expect(configOf(dir)).toBeNull();
  });
});

describe('control characters in the delivery settings (issue 13, item 24\'s class)', () => {
  it.each([
    ['--deploy-hook', ['--deploy-hook', 'systemctl reload nginx\u001b[2J']],
    ['--deploy-hook', ['--deploy-hook', 'systemctl\treload nginx']],
    ['--deploy-hook', ['--deploy-hook', 'systemctl reload \u202Exnign']],
    ['--probe-resolve', ['--probe-resolve', 'www\u001b[31m.example.com:443:192.0.2.10']],
  ])('policy set refuses one in %s (exit 2), without echoing it, and saves nothing', async (flag, args) => {
    const dir = folder();
    const run = await runMain(['policy', 'set', ...args], { CERTOPS_CONFIG_DIR: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`certops policy: ${flag}: `);
    expect(run.stderr).toContain('control character');
    expect(run.stderr).not.toMatch(/[\u001b\u202E]/);
    expect(configOf(dir)).toBeNull();
  });
});
