/**
 * certops' own files and the files it is given (issue 13 review, items 5 and 14): what is not a
 * regular file in the place of config.json, state.json or inventory.json is a configuration
 * problem naming the file, at once, never a hang; a FIFO named on the command line with no writer
 * is refused within seconds; reading never makes the configuration folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/cli.js';

const folder = () => mkdtempSync(join(tmpdir(), 'certops-own-files-'));
const fifo = (path: string) => execFileSync('mkfifo', [path]);

async function withModule(): Promise<string> {
  const dir = folder();
  const added = await runBin(['module', 'add', 'enom', '--config-dir', dir, '--name', 'eNom main', '--department', 'SSL', '--sort', '1', '--data-center', 'DC1', '--username', 'u'], { CERTOPS_PASSWORD: 'enom-secret-1' });
  expect(added.code, added.stderr).toBe(0);
  return dir;
}

describe('files of certops that are not regular files', { timeout: 60_000 }, () => {
  it.each([
    ['config.json', 'a symlink to /dev/zero', ['module', 'list']],
    ['config.json', 'a FIFO', ['module', 'list']],
    ['config.json', 'a FIFO', ['module', 'edit', 'eNom main', '--sort', '2']],
    ['state.json', 'a FIFO', ['module', 'show', 'eNom main']],
    ['inventory.json', 'a symlink to /dev/urandom', ['timeline']],
    ['inventory.json', 'a FIFO', ['timeline']],
    ['inventory.json', 'a FIFO', ['sync']],
  ])('%s as %s: %j exits 3 at once, naming the file', async (file, kind, args) => {
    const dir = await withModule();
    const path = join(dir, file);
    execFileSync('rm', ['-f', path]);
    if (kind === 'a FIFO') fifo(path);
    else symlinkSync(kind.endsWith('/dev/zero') ? '/dev/zero' : '/dev/urandom', path);
    const started = Date.now();
    const run = await runBin([...args, '--config-dir', dir]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.stderr).toContain(path);
    expect(run.stderr).toMatch(/not a regular file/);
    expect(run.code).toBe(3);
    // No lock is left behind by a read that never ended.
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('a symlink to a regular config.json is read', async () => {
    const dir = await withModule();
    const elsewhere = join(folder(), 'config.json');
    execFileSync('mv', [join(dir, 'config.json'), elsewhere]);
    symlinkSync(elsewhere, join(dir, 'config.json'));
    const run = await runBin(['module', 'list', '--config-dir', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('eNom main');
  });
});

describe('FIFOs named on the command line', { timeout: 60_000 }, () => {
  it.each([
    [(f: string, dir: string) => ['config', 'import', f, '--config-dir', dir]],
    [(f: string, dir: string) => ['debug', '--import', f, '--config-dir', dir]],
    [(f: string, dir: string) => ['module', 'add', 'enom', '--ca-file', f, '--config-dir', dir, '--name', 'X', '--department', 'SSL', '--sort', '1', '--data-center', 'DC1', '--username', 'u']],
  ])('a FIFO no process writes to: refused within seconds (%#)', async (argsOf) => {
    const dir = folder();
    const path = join(dir, 'input.fifo');
    fifo(path);
    const started = Date.now();
    const run = await runBin(argsOf(path, join(dir, 'config')), { CERTOPS_PASSWORD: 'x-secret-1' });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.stderr).toContain('no process writes to');
    expect(run.code).toBe(2);
  });

  it('a FIFO with a writer is read (a pipe is legitimate input)', async () => {
    const dir = folder();
    const path = join(dir, 'billmgr.fifo');
    fifo(path);
    const writer = execFileSync('sh', ['-c', `(sleep 1; printf 'Option SSLSubscriptionPolicy manual\\n' > '${path}') >/dev/null 2>&1 & echo started`]);
    expect(String(writer)).toContain('started');
    const run = await runBin(['config', 'import', path, '--config-dir', join(dir, 'config')]);
    expect(run.code, run.stderr).toBe(0);
  });
});

describe('reading never makes the configuration folder (item 14)', { timeout: 60_000 }, () => {
  it.each([[['module', 'list']], [['check']], [['policy', 'show']], [['timeline']], [['tasks']], [['config', 'export']]])('%j', async (args) => {
    const dir = join(folder(), 'deep', 'x');
    const run = await runBin([...args, '--config-dir', dir]);
    expect(run.code).not.toBe(3);
    expect(existsSync(join(dir, '..'))).toBe(false);
    if (args[0] === 'module' || args[0] === 'check') expect(run.stderr).toContain(`no configuration in ${dir}`);
  });

  it('a change makes it, owner-only', async () => {
    const dir = join(folder(), 'deep', 'x');
    const run = await runBin(['policy', 'set', '--policy', 'manual', '--config-dir', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });
});
