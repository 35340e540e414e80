import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import type { ProviderId } from '../../src/providers/catalog.js';
import type { SandboxFault } from '../../src/providers/sandbox-kit/server.js';
import { startSandboxes, type StartedSandbox } from '../../src/core/sandboxes.js';
import { createSandboxCa } from '../../src/providers/sandbox-kit/ca.js';
import { runBin, runMain, type CliRun } from '../helpers/cli.js';
import { TODAY, workspaceHarness } from '../helpers/workspace.js';
import { syncModules } from '../../src/core/sync.js';
import { runReissue } from '../../src/core/reissue/run.js';
import { runEffects } from '../../src/core/reissue/effects.js';
import { listTasks } from '../../src/core/tasks.js';
import type { StoredModule } from '../../src/core/store.js';

const harness = workspaceHarness();

async function sandbox(provider: ProviderId, faults: SandboxFault[] = []): Promise<StartedSandbox> {
  const [started] = await startSandboxes({ providers: [provider], port: 0, tls: false, certificates: 5, latencyMs: 0, faults, today: TODAY });
  if (!started) throw new Error('no sandbox');
  harness.running.push(started);
  return started;
}

/** A fresh configuration folder (owner-only, as mkdtemp makes it). */
const configDir = () => mkdtempSync(join(tmpdir(), 'certops-cli-module-'));

/** The provider flags that point a module at a sandbox: its integration values, by the flag each provider takes. */
function sandboxFlags(started: StartedSandbox): string[] {
  const { integration } = started;
  const username = ['--username', String(integration.username)];
  switch (started.provider) {
    case 'leadertelecom':
      return ['--api-url', String(integration.apiUrl), ...username];
    case 'ispmanager':
      return ['--url', String(integration.url), ...username, '--data-center', 'DC1'];
    case 'globalsign':
      // GlobalSign has no URL field: --endpoint points it at the sandbox; --ip binds the allowed address.
      return ['--endpoint', String(integration.serviceUrl), ...username, '--ip', '127.0.0.1'];
    case 'enom':
      return ['--api-url', String(integration.apiUrl), ...username, '--data-center', 'DC1'];
  }
}

const password = (started: StartedSandbox) => String(started.integration.password);

function addArgs(started: StartedSandbox, name: string, extra: readonly string[] = [], over: { sort?: string; minBalance?: string } = {}): string[] {
  const parameters = ['--name', name, '--department', 'SSL desk', '--sort', over.sort ?? '10', '--min-balance', over.minBalance ?? '100'];
  return ['module', 'add', started.provider, ...parameters, ...sandboxFlags(started), ...extra];
}

/** `module add enom` with valid parameters, some replaced (or left out with null). */
function enomArgs(over: Readonly<Record<string, string | null>> = {}, ...extra: string[]): string[] {
  const flags: Record<string, string | null> = { name: 'eNom two', department: 'SSL desk', sort: '10', 'data-center': 'DC1', username: 'reseller', ...over };
  const args = Object.entries(flags).flatMap(([flag, value]) => (value === null ? [] : [`--${flag}=${value}`]));
  return ['module', 'add', 'enom', ...args, ...extra];
}

/** Runs certops in-process with something on stdin (runMain has none). */
async function runWithStdin(args: readonly string[], env: Record<string, string>, input: string): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo & { stdin: NodeJS.ReadableStream } = {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    env,
    stdin: Readable.from([Buffer.from(input)]),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** The bytes of the configuration and state files, to show that nothing changed. */
function snapshot(dir: string): Record<string, string | null> {
  const read = (file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'latin1') : null);
  return { config: read('config.json'), state: read('state.json') };
}

async function listJson(env: Record<string, string>): Promise<{ name: string; notVerified: boolean; lastCheck: Record<string, unknown> | null }[]> {
  const run = await runMain(['module', 'list', '--json'], env);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout).modules;
}

const PROVIDERS: readonly ProviderId[] = ['leadertelecom', 'ispmanager', 'globalsign', 'enom'];

describe('certops module add', () => {
  it.each(PROVIDERS)('adds a %s module whose --check passes, and saves it verified', async (provider) => {
    const started = await sandbox(provider);
    const env = { CERTOPS_CONFIG_DIR: configDir(), CERTOPS_PASSWORD: password(started) };
    const run = await runMain(addArgs(started, `${provider} main`, ['--check', '--json']), env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ saved: true, dryRun: false, check: { ok: true, roundTripMs: expect.any(Number) } });
    expect(result.module).toMatchObject({ id: 1, name: `${provider} main`, provider, sort: 10, minimalBalance: 100, notVerified: false, lastCheck: { ok: true } });
    expect(result.module.integration.password).toEqual({ set: true });
    expect(run.stdout).not.toContain(password(started));
    const [listed] = await listJson(env);
    expect(listed).toMatchObject({ name: `${provider} main`, notVerified: false, lastCheck: { ok: true } });
    // The password is stored (owner-only), just never shown.
    expect(readFileSync(join(env.CERTOPS_CONFIG_DIR, 'config.json'), 'utf8')).toContain(password(started));
  });

  it('prints the saved module in text mode, data on stdout only', async () => {
    const started = await sandbox('enom');
    const env = { CERTOPS_CONFIG_DIR: configDir(), CERTOPS_PASSWORD: password(started) };
    const run = await runMain(addArgs(started, 'eNom main', ['--check']), env);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('Added processing module "eNom main" (ENOM, id 1)');
    expect(run.stdout).toContain('Password         ••••\n');
    expect(run.stdout).toContain('Data center      DC1\n');
    expect(run.stdout).toMatch(/Last check {7}ok \d+ ms, \d{4}-\d\d-\d\d \d\d:\d\d UTC\n/);
  });

  it("on a failed --check prints BILLmanager's message, cause and steps, saves nothing and exits 1; --save-unverified saves it marked", async () => {
    const started = await sandbox('enom', ['wrong-credentials']);
    const dir = configDir();
    const env = { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: password(started) };
    const failed = await runMain(addArgs(started, 'eNom main', ['--check']), env);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toContain('certops module add: "eNom main": Cannot connect to the processing module\n');
    expect(failed.stderr).toContain('  cause: credentials rejected: ');
    expect(failed.stderr).toContain('  troubleshooting:\n    - make sure the connection parameters are correct\n');
    expect(failed.stderr).toContain('nothing saved; to save it anyway, marked not verified, add --save-unverified');
    expect(await listJson(env)).toEqual([]);

    const saved = await runMain(addArgs(started, 'eNom main', ['--check', '--save-unverified']), env);
    expect(saved.code).toBe(1);
    expect(saved.stdout.split('\n')[0]).toBe('Added processing module "eNom main" (ENOM, id 1), not verified');
    expect(saved.stderr).toContain('saved anyway (--save-unverified), marked not verified');
    const [listed] = await listJson(env);
    expect(listed).toMatchObject({ name: 'eNom main', notVerified: true, lastCheck: { ok: false, cause: 'credentials' } });
    const table = await runMain(['module', 'list'], env);
    expect(table.stdout).toMatch(/eNom main .* failed \(credentials rejected\), \d{4}-\d\d-\d\d \d\d:\d\d UTC {2}not verified\n/);
    for (const run of [failed, saved, table]) expect(run.stdout + run.stderr).not.toContain(password(started));
  });

  it("gives the Ispmanager (SSL) wording and the reachability step when the server is down", async () => {
    const started = await sandbox('ispmanager');
    await started.sandbox.stop();
    const env = { CERTOPS_CONFIG_DIR: configDir(), CERTOPS_PASSWORD: password(started) };
    const run = await runMain(addArgs(started, 'Ispmanager SSL', ['--check', '--json']), env);
    // The server could not be reached: 4, as in check, balance and sync.
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('"Ispmanager SSL": Failed to establish a connection to the processing module');
    expect(run.stderr).toContain('The URL address of the certificate authority is available from the server where BILLmanager is installed.');
    expect(JSON.parse(run.stdout)).toMatchObject({
      saved: false,
      dryRun: false,
      check: { ok: false, message: 'Failed to establish a connection to the processing module', cause: 'refused', causeLabel: 'connection refused' },
    });
    expect(await listJson(env)).toEqual([]);
  });

  describe('bad input: exit 2, every line naming its flag, nothing changed', () => {
    it.each([
      ['a missing data center for eNom', enomArgs({ 'data-center': null }), '--data-center: an ENOM processing module needs a data center'],
      ['a data center for LeaderTelecom', ['module', 'add', 'leadertelecom', '--name', 'L', '--department', 'D', '--sort', '1', '--username', 'u', '--data-center', 'DC1'], '--data-center: a LeaderTelecom processing module has no data center'],
      ['--sort 1.5', enomArgs({ sort: '1.5' }), '--sort: sort must be a whole number'],
      ['--sort abc', enomArgs({ sort: 'abc' }), '--sort: sort must be a whole number'],
      ['--min-balance -3', enomArgs({ 'min-balance': '-3' }), '--min-balance: the minimal balance cannot be negative'],
      ['--min-balance abc', enomArgs({ 'min-balance': 'abc' }), '--min-balance: the minimal balance must be a number'],
      ['a duplicate name in another case', enomArgs({ name: 'ENOM MAIN' }), '--name: a processing module named "eNom main" already exists'],
      ['http:// to a non-loopback API URL', enomArgs({ 'api-url': 'http://reseller.enom.com/interface.asp' }), '--api-url: plain http:// is refused for reseller.enom.com: the password would travel in clear; use https://'],
      ['http:// to a non-loopback endpoint', enomArgs({ endpoint: 'http://proxy.example.com/' }), '--endpoint: plain http:// is refused for proxy.example.com: the password would travel in clear; use https://'],
      ['a GlobalSign-only flag on eNom', enomArgs({}, '--demo'), '--demo: only GlobalSign processing modules take it, not ENOM'],
      ['another GlobalSign-only flag on eNom', enomArgs({ ip: '127.0.0.1' }), '--ip: only GlobalSign processing modules take it, not ENOM'],
      ['the Ispmanager URL on eNom', enomArgs({ url: 'https://x.example/' }), '--url: only Ispmanager (SSL) processing modules take it, not ENOM; --endpoint points a module of any provider at another address'],
      ['a bad IP address', ['module', 'add', 'globalsign', '--name', 'G', '--department', 'D', '--sort', '1', '--username', 'u', '--ip', '300.1.1.1'], '--ip: the IP address "300.1.1.1" is not an IPv4 or IPv6 address'],
      ['a timeout under 100 ms', enomArgs({ timeout: '5' }), '--timeout: '],
      ['--password VALUE', enomArgs({}, '--password', 'hunter2'), 'a password is never given as an argument (it would show in shell history and ps); use --password-stdin, --password-file FILE or CERTOPS_PASSWORD'],
      ['--password=VALUE', enomArgs({}, '--password=hunter2'), 'a password is never given as an argument'],
      ['an unknown provider', ['module', 'add', 'digicert', '--name', 'x'], '<provider>: must be one of leadertelecom, ispmanager, globalsign, enom (got "digicert")'],
      ['no provider', ['module', 'add', '--name', 'x'], 'missing <provider>: one of leadertelecom, ispmanager, globalsign, enom'],
      ['an unknown flag', enomArgs({}, '--colour'), 'unknown flag --colour'],
      ['--save-unverified without --check', enomArgs({}, '--save-unverified'), '--save-unverified goes with --check'],
      ['both password sources', enomArgs({}, '--password-stdin', '--password-file', '/nonexistent'), 'give the password one way: --password-stdin or --password-file'],
      ['an unreadable password file', enomArgs({ 'password-file': '/nonexistent/pass' }), '--password-file: /nonexistent/pass does not exist'],
    ])('refuses %s', async (_what, args, message) => {
      const started = await sandbox('enom');
      const dir = configDir();
      const env = { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: password(started) };
      expect((await runMain(addArgs(started, 'eNom main'), env)).code).toBe(0);
      const before = snapshot(dir);
      const run = await runMain(args, env);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^certops module add: /);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toMatch(/Run 'certops module add --help' for usage\.\n$/);
      expect(run.stderr).not.toContain('hunter2');
      expect(run.stderr).not.toContain(password(started));
      expect(snapshot(dir)).toEqual(before);
    });

    it('reports every bad field at once', async () => {
      const dir = configDir();
      const run = await runMain(
        ['module', 'add', 'enom', '--name', 'x'.repeat(101), '--department', 'SSL desk', '--sort', '-1', '--min-balance', '-3', '--api-url', 'ftp://x', '--demo', '--username', 'u'],
        { CERTOPS_CONFIG_DIR: dir },
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        [
          'certops module add: --demo: only GlobalSign processing modules take it, not ENOM',
          '  --name: the name is longer than 100 characters',
          '  --sort: sort cannot be negative',
          '  --min-balance: the minimal balance cannot be negative',
          '  --data-center: an ENOM processing module needs a data center',
          '  --api-url: ftp:// is not supported; use https://',
          '  --password-stdin / --password-file / CERTOPS_PASSWORD: the password is required',
          "Run 'certops module add --help' for usage.",
          '',
        ].join('\n'),
      );
      expect(snapshot(dir)).toEqual({ config: null, state: null });
    });
  });

  it('reads the password from --password-stdin, dropping one trailing newline', async () => {
    const started = await sandbox('enom');
    const env = { CERTOPS_CONFIG_DIR: configDir() };
    const run = await runWithStdin(addArgs(started, 'eNom main', ['--password-stdin', '--check']), env, `${password(started)}\n`);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(await listJson(env)).toMatchObject([{ name: 'eNom main', lastCheck: { ok: true } }]);
    const empty = await runWithStdin(addArgs(started, 'eNom two', ['--password-stdin']), env, '\n');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('the password given is empty');
  });

  it('reads the password from --password-file, and warns when others can read the file', async () => {
    const started = await sandbox('leadertelecom');
    const dir = configDir();
    const file = join(dir, 'leaderssl.pass');
    writeFileSync(file, `${password(started)}\n`, { mode: 0o600 });
    const env = { CERTOPS_CONFIG_DIR: join(dir, 'config') };
    const run = await runMain(addArgs(started, 'LeaderSSL', ['--password-file', file, '--check']), env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    chmodSync(file, 0o644);
    const loose = await runMain(addArgs(started, 'LeaderSSL two', ['--password-file', file, '--check']), env);
    expect(loose.code).toBe(0);
    expect(loose.stderr).toBe(`warning: ${file} is readable by other users; chmod 600 ${file}\n`);
    expect((await listJson(env)).map((m) => m.name)).toEqual(['LeaderSSL', 'LeaderSSL two']);
  });

  it('--dry-run validates and checks, prints the module masked, and changes nothing', async () => {
    const started = await sandbox('globalsign');
    const dir = configDir();
    const env = { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: password(started) };
    expect((await runMain(addArgs(started, 'GlobalSign main'), env)).code).toBe(0);
    const before = snapshot(dir);
    const run = await runMain(addArgs(started, 'GlobalSign two', ['--check', '--dry-run', '--json']), env);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ saved: false, dryRun: true, check: { ok: true } });
    expect(result.module).toMatchObject({ id: null, createdAt: null, name: 'GlobalSign two', integration: { password: { set: true }, demo: false, ipAddress: '127.0.0.1' } });
    const text = await runMain(addArgs(started, 'GlobalSign two', ['--dry-run']), env);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toBe('Would add processing module "GlobalSign two" (GlobalSign) (--dry-run: nothing saved)');
    expect(text.stdout + run.stdout).not.toContain(password(started));
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('certops module list and show', () => {
  it('lists by Sort then id and shows every setting, the password never in any output', async () => {
    const enom = await sandbox('enom');
    const leader = await sandbox('leadertelecom');
    const dir = configDir();
    expect((await runMain(addArgs(enom, 'eNom main', ['--check'], { sort: '20' }), { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: password(enom) })).code).toBe(0);
    expect((await runMain(addArgs(leader, 'LeaderSSL', [], { minBalance: 'none' }), { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: password(leader) })).code).toBe(0);
    const env = { CERTOPS_CONFIG_DIR: dir };

    const table = await runMain(['module', 'list'], env);
    expect(table.code).toBe(0);
    const rows = table.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^Name {7}Provider {7}Sort  Department  Data center  Min\. balance  Last check +Note$/);
    expect(rows[1]).toBe('LeaderSSL  LeaderTelecom    10  SSL desk    -                    none  never');
    expect(rows[2]).toMatch(/^eNom main  ENOM             20  SSL desk    DC1                   100  ok \d+ ms, \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);

    const list = await runMain(['module', 'list', '--json'], env);
    const { modules } = JSON.parse(list.stdout);
    expect(modules.map((m: { name: string }) => m.name)).toEqual(['LeaderSSL', 'eNom main']);
    expect(modules[1]).toEqual({
      id: 1,
      name: 'eNom main',
      provider: 'enom',
      providerTitle: 'ENOM',
      department: 'SSL desk',
      sort: 20,
      minimalBalance: 100,
      dataCenter: 'DC1',
      integration: { apiUrl: enom.integration.apiUrl, username: 'sandbox-reseller', password: { set: true } },
      network: { endpoint: null, caFile: null, connectTimeoutMs: 10000, totalTimeoutMs: 30000 },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      notVerified: false,
      lastCheck: { ok: true, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), roundTripMs: expect.any(Number) },
      delivery: { own: {}, effective: { deployHook: null, probeResolve: [], keyPolicy: 'reuse', keyType: 'rsa2048' } },
    });
    expect(modules[0]).toMatchObject({ minimalBalance: null, dataCenter: null, lastCheck: null });

    const show = await runMain(['module', 'show', 'ENOM MAIN'], env);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('Name             eNom main\n');
    expect(show.stdout).toContain('Password         ••••\n');
    const shownJson = await runMain(['module', 'show', 'eNom main', '--json'], env);
    expect(JSON.parse(shownJson.stdout)).toEqual(modules[1]);

    for (const run of [table, list, show, shownJson]) {
      expect(run.stderr).toBe('');
      for (const secret of [password(enom), password(leader)]) expect(run.stdout).not.toContain(secret);
    }
  });

  it('says so on stderr when there is no module, and [] with --json', async () => {
    const env = { CERTOPS_CONFIG_DIR: configDir() };
    const run = await runMain(['module', 'list'], env);
    expect(run).toMatchObject({ code: 0, stdout: '' });
    expect(run.stderr).toContain('no processing module is set up yet');
    expect(await listJson(env)).toEqual([]);
  });

  it('exits 2 for a name that does not exist, naming the ones there are', async () => {
    const started = await sandbox('enom');
    const env = { CERTOPS_CONFIG_DIR: configDir(), CERTOPS_PASSWORD: password(started) };
    await runMain(addArgs(started, 'eNom main'), env);
    for (const sub of ['show', 'edit', 'remove']) {
      const run = await runMain(['module', sub, 'nope', ...(sub === 'edit' ? ['--sort', '1'] : [])], env);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`certops module ${sub}: there is no processing module named "nope"; there are "eNom main"\n`);
    }
  });
});

describe('certops module edit', () => {
  it('changes only the given fields and prints the changes', async () => {
    const started = await sandbox('enom');
    const dir = configDir();
    await runMain(addArgs(started, 'eNom main'), { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: password(started) });
    const env = { CERTOPS_CONFIG_DIR: dir };
    const run = await runMain(['module', 'edit', 'enom main', '--sort', '20', '--min-balance', 'none', '--timeout', '5000'], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      [
        'Changed processing module "eNom main" (ENOM, id 1):',
        '  parameters.sort            10 → 20',
        '  parameters.minimalBalance  100 → none',
        '  network.totalTimeoutMs     30000 → 5000',
        '',
      ].join('\n'),
    );
    const shown = JSON.parse((await runMain(['module', 'show', 'eNom main', '--json'], env)).stdout);
    expect(shown).toMatchObject({ sort: 20, minimalBalance: null, department: 'SSL desk', dataCenter: 'DC1', network: { totalTimeoutMs: 5000 } });
    expect(shown.integration.username).toBe('sandbox-reseller');
  });

  it('unsets an optional setting given empty, turns a boolean off with --no-FLAG, and keeps a CA file path absolute', async () => {
    const started = await sandbox('globalsign');
    const dir = configDir();
    await runMain(addArgs(started, 'GlobalSign main', ['--demo']), { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: password(started) });
    const env = { CERTOPS_CONFIG_DIR: dir };
    // The CA file must exist and hold a certificate (it is read when set); given relative, it is kept absolute.
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, (await createSandboxCa('module edit test')).rootPem);
    const run = await runMain(['module', 'edit', 'GlobalSign main', '--no-demo', '--ip', 'none', '--ca-file', relative(process.cwd(), caFile), '--json'], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).changes).toEqual([
      { field: 'integration.demo', from: true, to: false },
      { field: 'integration.ipAddress', from: '127.0.0.1', to: null },
      { field: 'network.caFile', from: null, to: caFile },
    ]);
    const shown = JSON.parse((await runMain(['module', 'show', 'GlobalSign main', '--json'], env)).stdout);
    expect(shown.integration).toEqual({ username: 'PAR90001_billing', password: { set: true }, demo: false, ipAddress: null });
    expect(shown.network.caFile).toBe(caFile);
    const both = await runMain(['module', 'edit', 'GlobalSign main', '--demo', '--no-demo'], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--demo and --no-demo cannot be used together');
  });

  it('shows a password change as changed but masked, and checks it', async () => {
    const started = await sandbox('enom');
    const dir = configDir();
    await runMain(addArgs(started, 'eNom main'), { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: 'old-Secret-1' });
    const file = join(dir, 'new.pass');
    writeFileSync(file, password(started), { mode: 0o600 });
    const run = await runMain(['module', 'edit', 'eNom main', '--password-file', file, '--check', '--json'], { CERTOPS_CONFIG_DIR: dir });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.changes).toEqual([{ field: 'integration.password', from: { set: true }, to: { set: true } }]);
    expect(result).toMatchObject({ saved: true, dryRun: false, check: { ok: true }, module: { notVerified: false, lastCheck: { ok: true } } });
    expect(run.stdout + run.stderr).not.toContain(password(started));
    expect(run.stdout + run.stderr).not.toContain('old-Secret-1');
    const text = await runWithStdin(['module', 'edit', 'eNom main', '--password-stdin'], { CERTOPS_CONFIG_DIR: dir }, 'third-Secret-3\n');
    expect(text.stdout).toBe('Changed processing module "eNom main" (ENOM, id 1):\n  integration.password  •••• → •••• (changed)\n');
    expect(text.stdout + text.stderr).not.toContain('third-Secret-3');
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toContain('third-Secret-3');
  });

  it('keeps a change whose check fails only with --save-unverified', async () => {
    const started = await sandbox('enom');
    const dir = configDir();
    await runMain(addArgs(started, 'eNom main'), { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: password(started) });
    const before = snapshot(dir);
    const env = { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: 'wrong-Secret' };
    const failed = await runMain(['module', 'edit', 'eNom main', '--check'], env);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toContain('"eNom main": Cannot connect to the processing module');
    expect(failed.stderr).toContain('nothing saved; to save the change anyway');
    expect(snapshot(dir)).toEqual(before);
    const kept = await runMain(['module', 'edit', 'eNom main', '--check', '--save-unverified'], env);
    expect(kept.code).toBe(1);
    expect(kept.stdout.split('\n')[0]).toBe('Changed processing module "eNom main" (ENOM, id 1), not verified:');
    expect(await listJson({ CERTOPS_CONFIG_DIR: dir })).toMatchObject([{ notVerified: true, lastCheck: { ok: false, cause: 'credentials' } }]);
  });

  it('refuses no change, a flag of another provider and bad values; --dry-run changes nothing', async () => {
    const started = await sandbox('enom');
    const dir = configDir();
    await runMain(addArgs(started, 'eNom main'), { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: password(started) });
    const env = { CERTOPS_CONFIG_DIR: dir };
    const before = snapshot(dir);
    const none = await runMain(['module', 'edit', 'eNom main'], env);
    expect(none).toEqual({ code: 2, stdout: '', stderr: "certops module edit: nothing to change: give at least one setting flag (e.g. --sort 20)\nRun 'certops module edit --help' for usage.\n" });
    const foreign = await runMain(['module', 'edit', 'eNom main', '--no-demo'], env);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain('--no-demo: only GlobalSign processing modules take it, not ENOM');
    const bad = await runMain(['module', 'edit', 'eNom main', '--sort', '1.5', '--data-center', 'DC\t1'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--sort: sort must be a whole number\n  --data-center: /);
    const dry = await runMain(['module', 'edit', 'eNom main', '--name', 'eNom renamed', '--dry-run'], env);
    expect(dry).toEqual({ code: 0, stderr: '', stdout: 'Would change processing module "eNom renamed" (ENOM, id 1) (--dry-run: nothing saved):\n  parameters.name  eNom main → eNom renamed\n' });
    const same = await runMain(['module', 'edit', 'eNom main', '--sort', '10'], env);
    expect(same.code).toBe(0);
    expect(same.stderr).toContain('already has these settings: nothing changed');
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('certops module remove', () => {
  it('removes with --yes and prints what it removed; without --yes and no terminal it exits 2 and removes nothing', async () => {
    const started = await sandbox('enom');
    const dir = configDir();
    await runMain(addArgs(started, 'eNom main', ['--check']), { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: password(started) });
    const env = { CERTOPS_CONFIG_DIR: dir };
    const before = snapshot(dir);
    const refused = await runMain(['module', 'remove', 'eNom main'], env);
    expect(refused).toEqual({
      code: 2,
      stdout: '',
      stderr: `certops module remove: Remove the processing module "eNom main": add --yes to confirm (there is no terminal to ask on)\nRun 'certops module remove --help' for usage.\n`,
    });
    const dry = await runMain(['module', 'remove', 'eNom main', '--dry-run', '--json'], env);
    expect(JSON.parse(dry.stdout)).toMatchObject({ removed: false, dryRun: true, module: { name: 'eNom main' } });
    expect(snapshot(dir)).toEqual(before);

    const removed = await runMain(['module', 'remove', 'ENOM main', '--yes'], env);
    expect(removed.code).toBe(0);
    expect(removed.stdout.split('\n')[0]).toBe('Removed processing module "eNom main" (ENOM, id 1)');
    expect(removed.stdout).not.toContain(password(started));
    expect(await listJson(env)).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).checks).toEqual({});
  });
});

describe('certops module remove of a module with open work', () => {
  it('says what stays behind, in the question, the text and --json, before and after', async () => {
    const { workspace, modules } = await harness.withModules(['leadertelecom'], 60);
    await syncModules(workspace, modules, workspace.runtime());
    await runReissue(workspace, { today: TODAY, dryRun: false, runtime: workspace.runtime(), effects: runEffects(workspace) });
    const open = listTasks(workspace, { module: (modules[0] as StoredModule).id }).length;
    expect(open).toBeGreaterThan(0);
    const env = { CERTOPS_CONFIG_DIR: workspace.directory };
    const refused = await runMain(['module', 'remove', 'leadertelecom sandbox'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`Remove the processing module "leadertelecom sandbox", leaving ${open} open manual tasks behind: add --yes`);
    const dry = await runMain(['module', 'remove', 'leadertelecom sandbox', '--dry-run', '--json'], env);
    expect(JSON.parse(dry.stdout)).toMatchObject({ removed: false, leftBehind: { openTasks: open, reissuesInFlight: 0 } });
    const removed = await runMain(['module', 'remove', 'leadertelecom sandbox', '--yes'], env);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`Left behind:\n  ${open} manual tasks are open: they stay in the task list until closed by hand.\n`);
    // They do stay: the tasks are still open after the removal.
    expect(listTasks(workspace, { module: (modules[0] as StoredModule).id })).toHaveLength(open);
  });
});

describe('certops module with a corrupt configuration', () => {
  it.each([
    ['not JSON', '{"modules": ['],
    ['an invalid module', JSON.stringify({ version: 1, nextModuleId: 2, modules: [{ id: 1, provider: 'enom', parameters: { name: 'x', department: 'd', sort: 'first', minimalBalance: null, dataCenter: 'DC1' }, integration: { username: 'u', password: 'keep-Me' }, createdAt: '2026-01-01T00:00:00.000Z' }] })],
  ])('exits 3 naming the file (%s) and leaves it byte for byte', async (_what, content) => {
    const dir = configDir();
    const file = join(dir, 'config.json');
    writeFileSync(file, content, { mode: 0o600 });
    const env = { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: 'some-Secret' };
    for (const args of [
      ['module', 'list'],
      ['module', 'show', 'x', '--json'],
      ['module', 'add', 'enom', '--name', 'n', '--department', 'd', '--sort', '1', '--data-center', 'DC1', '--username', 'u'],
      ['module', 'edit', 'x', '--sort', '2'],
      ['module', 'remove', 'x', '--yes'],
    ]) {
      const run = await runMain(args, env);
      expect(run.code, args.join(' ')).toBe(3);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(new RegExp(`^certops ${args.slice(0, 2).join(' ')}: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      expect(run.stderr).toContain('certops will not write to it meanwhile');
      expect(run.stderr).not.toContain('keep-Me');
      expect(readFileSync(file, 'utf8')).toBe(content);
    }
  });
});

describe('certops module help', () => {
  it.each([['module', '--help'], ['module', 'help'], ['module', 'add', '--help'], ['module', 'list', '-h'], ['module', 'show', '--help'], ['module', 'edit', '--help'], ['module', 'remove', '--help']])(
    '%s %s prints help with examples and never a password on argv',
    async (...args) => {
      const run = await runMain(args);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^Usage: certops module/);
      expect(run.stdout).toContain('Examples:\n');
      expect(run.stdout).not.toMatch(/--password[ =]/);
    },
  );

  it('derives the provider flags from the registry', async () => {
    const { stdout } = await runMain(['module', 'add', '--help']);
    for (const flag of ['--username TEXT', '--api-url URL', '--url URL', '--demo, --no-demo', '--ip IP', '--endpoint URL', '--ca-file PEM', '--connect-timeout MS', '--timeout MS']) {
      expect(stdout).toContain(flag);
    }
    expect(stdout).toContain('pass show billing/enom | certops module add enom');
  });

  it.each([
    [[], 'missing subcommand: one of add, list, show, edit, remove'],
    [['frob'], 'unknown subcommand "frob": one of add, list, show, edit, remove'],
    [['show'], 'missing <name>: the processing module to show (certops module list shows them)'],
  ])('exits 2 on module %j', async (args, message) => {
    const run = await runMain(['module', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});

describe('certops module, the built binary', () => {
  it('adds with --check, lists, shows and refuses to remove without a terminal', async () => {
    const started = await sandbox('enom');
    const dir = configDir();
    const add = await runBin(addArgs(started, 'eNom main', ['--check']), { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: password(started) });
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    const env = { CERTOPS_CONFIG_DIR: dir };
    const list = await runBin(['module', 'list', '--json'], env);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({ modules: [{ name: 'eNom main', provider: 'enom', integration: { password: { set: true } }, lastCheck: { ok: true } }] });
    const show = await runBin(['module', 'show', 'eNom main'], env);
    expect(show.code).toBe(0);
    for (const run of [add, list, show]) expect(run.stdout + run.stderr).not.toContain(password(started));
    const before = snapshot(dir);
    const remove = await runBin(['module', 'remove', 'eNom main'], env);
    expect(remove.code).toBe(2);
    expect(remove.stderr).toContain('add --yes to confirm');
    expect(snapshot(dir)).toEqual(before);
    const plain = await runBin(['module', 'add', 'enom', '--name', 'x', '--password', 'hunter2'], env);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('a password is never given as an argument');
  });

  it('exits 3 on a corrupt configuration and leaves it as it is', async () => {
    const dir = configDir();
    const file = join(dir, 'config.json');
    writeFileSync(file, '{"modules": [', { mode: 0o600 });
    const run = await runBin(['module', 'list', '--json'], { CERTOPS_CONFIG_DIR: dir });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${file} is not valid JSON`);
    expect(readFileSync(file, 'utf8')).toBe('{"modules": [');
  });
});

describe('certops module with an empty name', () => {
  it('says the name is empty, not that no module has that name', async () => {
    const env = { CERTOPS_CONFIG_DIR: configDir() };
    for (const sub of ['show', 'remove']) {
      const run = await runMain(['module', sub, '', ...(sub === 'remove' ? ['--yes'] : [])], env);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`certops module ${sub}: the processing module name given is empty\n`);
    }
  });
});
