/**
 * Conventions every scripted command shares, through the built binary (issue 13, items 11, 12, 14,
 * 19): a reader that closes the pipe early, global flags anywhere, "did you mean", one meaning per
 * exit code.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syncModules } from '../../src/core/sync.js';
import { Workspace } from '../../src/core/workspace.js';
import { BIN, runBin } from '../helpers/cli.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

/** Runs `certops ARGS | READER` in bash with pipefail: the pipeline's code is certops' own unless it is 0. */
function piped(args: readonly string[], reader: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const quoted = args.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  const script = `set -o pipefail; "${process.execPath}" "${BIN}" ${quoted} 2>"$CERTOPS_TEST_STDERR" | ${reader}`;
  const stderrFile = join(mkdtempSync(join(tmpdir(), 'certops-pipe-')), 'stderr');
  return new Promise((resolve, reject) => {
    // certops' stderr goes to a file of its own: bash may say things of its own on its stderr.
    execFile('bash', ['-c', script], { env: { PATH: process.env.PATH ?? '', ...env, CERTOPS_TEST_STDERR: stderrFile }, timeout: 60_000 }, (error, stdout) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? (error.code as number) : 0, stdout, stderr: readFileSync(stderrFile, 'utf8') });
    });
  });
}

describe('a reader that closes the pipe early (certops … | head -1)', { timeout: 180_000 }, () => {
  it('ends every format of every command quietly, exit 0, with no stack trace', async () => {
    // 2 000 certificates: every output below is far over the 64 KiB a pipe buffers, so the write
    // after head has gone really meets EPIPE.
    const { workspace, modules } = await harness.withModules(['enom'], 2000);
    await syncModules(workspace, modules, workspace.runtime());
    const env = { CERTOPS_CONFIG_DIR: workspace.directory };
    for (const args of [
      ['timeline', '--today', '2026-11-23'],
      ['timeline', '--today', '2026-11-23', '--json'],
      ['timeline', '--today', '2026-11-23', '--format', 'csv'],
      ['timeline', '--today', '2026-11-23', '--format', 'ics'],
      ['metrics', '--today', '2026-11-23'],
      ['reissue', 'run', '--dry-run', '--now', '2027-06-01'],
      ['--json', 'reissue', 'run', '--dry-run', '--now', '2027-06-01'],
    ]) {
      const whole = await piped(args, 'wc -c', env);
      expect(Number(whole.stdout.trim()), args.join(' ')).toBeGreaterThan(100_000);
      const run = await piped(args, 'head -1', env);
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(run.stdout.split('\n')).toHaveLength(2);
    }
    // A reader that never reads: the first write already meets a closed pipe.
    const gone = await piped(['timeline', '--today', '2026-11-23', '--json'], 'true', env);
    expect({ code: gone.code, stderr: gone.stderr }).toEqual({ code: 0, stderr: '' });
  });
});

describe('global flags before or after the command, and "did you mean"', { timeout: 120_000 }, () => {
  it('takes --config-dir, --json and --no-color before the command as after it', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'certops-globals-')), 'config');
    const add = await runBin(['--config-dir', dir, 'module', 'add', 'enom', '--name', 'eNom main', '--username', 'u', '--department', 'SSL desk', '--sort', '1', '--min-balance', '1', '--data-center', 'DC1'], { CERTOPS_PASSWORD: 'p' });
    expect(add.code, add.stderr).toBe(0);
    const after = await runBin(['module', 'list', '--config-dir', dir, '--json'], {});
    expect(after.code, after.stderr).toBe(0);
    for (const args of [
      ['--config-dir', dir, 'module', 'list', '--json'],
      ['--json', '--config-dir', dir, 'module', 'list'],
      [`--config-dir=${dir}`, '--no-color', '--json', 'module', 'list'],
      ['--no-color', 'module', 'list', '--json', '--config-dir', dir],
    ]) {
      const run = await runBin(args, {});
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(run.stdout).toBe(after.stdout);
    }
    // Commands that keep no configuration, or print no colour, take the global flags all the same.
    const plan = await runBin(['--config-dir', dir, '--no-color', 'plan', '--ordered', '2026-04-02', '--years', '2'], {});
    expect(plan.code, plan.stderr).toBe(0);
    const metrics = await runBin(['--no-color', 'metrics', '--config-dir', dir, '--today', '2026-11-23'], {});
    expect(metrics.code, metrics.stderr).toBe(0);
    const twice = await runBin(['--json', 'module', 'list', '--json', '--config-dir', dir], {});
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('--json is given more than once');
  });

  it('lists the global flags in certops --help', async () => {
    const help = await runBin(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Global flags \(before or after the command\):\n {2}--config-dir DIR .*\n {2}--json .*\n {2}--no-color/);
  });

  it.each([
    [['modul', 'list'], 'unknown command "modul" (did you mean "module"?)'],
    [['timelin'], 'unknown command "timelin" (did you mean "timeline"?)'],
    [['module', 'lsit'], 'unknown subcommand "lsit" (did you mean "list"?)'],
    [['reissue', 'rnu'], 'unknown subcommand "rnu" (did you mean "run"?)'],
    [['tasks', 'clsoe', 'T-1'], 'unknown subcommand "clsoe" (did you mean "close"?)'],
    [['timeline', '--withn', '30d'], 'unknown flag --withn (did you mean "--within"?)'],
    [['check', '--jsno'], 'unknown flag --jsno (did you mean "--json"?)'],
    [['timeline', '--modul', 'eNom main'], 'unknown flag --modul (did you mean "--module"?)'],
    [['--confg-dir', '/tmp/x', 'module', 'list'], 'unknown flag --confg-dir (did you mean "--config-dir"?)'],
    [['help', 'balanse'], 'unknown command "balanse" (did you mean "balance"?)'],
  ])('certops %s: exit 2 with "did you mean"', async (args, message) => {
    const run = await runBin(args, { CERTOPS_CONFIG_DIR: join(mkdtempSync(join(tmpdir(), 'certops-typo-')), 'config') });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('suggests nothing for a word far from every command', async () => {
    const run = await runBin(['frobnicate'], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "frobnicate"');
    expect(run.stderr).not.toContain('did you mean');
  });
});

/** Runs certops on a pseudo-terminal (util-linux `script`); `answer` is typed once `prompt` shows. */
function onTerminal(args: readonly string[], prompt: string, answer: string): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const quoted = args.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-qfec', `exec '${process.execPath}' '${BIN}' ${quoted}`, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', TERM: 'xterm-256color' },
    });
    let screen = '';
    let answered = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "${prompt}" within 20 s:\n${screen}`));
    }, 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8');
      if (!answered && screen.includes(prompt)) {
        answered = true;
        child.stdin.write(answer);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}

describe('output conventions', { timeout: 120_000 }, () => {
  it('asks module add for the password on a terminal, echoing nothing; Ctrl+C there is exit 130 and saves nothing', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'certops-ask-')), 'config');
    const args = (name: string) => ['module', 'add', 'enom', '--name', name, '--username', 'reseller', '--department', 'SSL desk', '--sort', '1', '--min-balance', '1', '--data-center', 'DC1', '--config-dir', dir, '--json'];
    const typed = await onTerminal(args('eNom main'), '(input hidden): ', 'typed-s3cret-9\r');
    expect(typed.code, typed.screen).toBe(0);
    expect(typed.screen).toContain('Password of the ENOM account (input hidden): ');
    expect(typed.screen).not.toContain('typed-s3cret-9');
    const saved = new Workspace(dir).store.read().modules;
    expect(saved.map((m) => [m.parameters.name, m.integration.password])).toEqual([['eNom main', 'typed-s3cret-9']]);

    const interrupted = await onTerminal(args('eNom second'), '(input hidden): ', 'half\u0003');
    expect(interrupted.code).toBe(130);
    const list = await runBin(['module', 'list', '--json', '--config-dir', dir], {});
    expect((JSON.parse(list.stdout) as { modules: { name: string }[] }).modules.map((m) => m.name)).toEqual(['eNom main']);

    // Without a terminal nothing is asked: the usage error names the ways to give it.
    const piped = await runBin(args('eNom third'), {});
    expect(piped.code).toBe(2);
    expect(piped.stderr).toContain('--password-stdin / --password-file / CERTOPS_PASSWORD');
  });

  it('prints module list --json as an object, and secrets in JSON as {"set": true} or null, never a mask', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'certops-json-')), 'config');
    const add = await runBin(['module', 'add', 'enom', '--name', 'eNom main', '--username', 'u', '--department', 'SSL desk', '--sort', '1', '--min-balance', '1', '--data-center', 'DC1', '--json'], { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: 'p4ss-word' });
    expect(add.code, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout).module.integration.password).toEqual({ set: true });
    const list = await runBin(['module', 'list', '--json'], { CERTOPS_CONFIG_DIR: dir });
    const listed = JSON.parse(list.stdout) as { modules: { name: string; integration: { password: unknown } }[] };
    expect(listed.modules.map((m) => [m.name, m.integration.password])).toEqual([['eNom main', { set: true }]]);
    const show = await runBin(['module', 'show', 'eNom main', '--json'], { CERTOPS_CONFIG_DIR: dir });
    expect(JSON.parse(show.stdout).integration.password).toEqual({ set: true });
    const text = await runBin(['module', 'show', 'eNom main'], { CERTOPS_CONFIG_DIR: dir });
    expect(text.stdout).toMatch(/Password +••••\n/);
    const edit = await runBin(['module', 'edit', 'eNom main', '--json'], { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: 'an0ther-pass' });
    expect(JSON.parse(edit.stdout).changes).toEqual([{ field: 'integration.password', from: { set: true }, to: { set: true } }]);
    const smtp = await runBin(['messages', 'smtp', 'set', '--host', 'mail.example.com', '--port', '587', '--starttls', '--username', 'billing', '--from', 'Billing <billing@example.com>', '--json'], { CERTOPS_CONFIG_DIR: dir, CERTOPS_SMTP_PASSWORD: 'smtp-s3cret' });
    expect(smtp.code, smtp.stderr).toBe(0);
    expect(JSON.parse(smtp.stdout).smtp.password).toEqual({ set: true });
    const messages = await runBin(['messages', 'show', '--json'], { CERTOPS_CONFIG_DIR: dir });
    expect(JSON.parse(messages.stdout).smtp.password).toEqual({ set: true });
    for (const run of [add, list, show, edit, smtp, messages]) {
      expect(run.stdout).not.toContain('••••');
      expect(run.stdout).not.toMatch(/p4ss-word|an0ther-pass|smtp-s3cret/);
    }
  });
});
