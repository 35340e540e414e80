/**
 * A global flag is never the value of another flag (issue 13 review, item 1): `certops --config-dir
 * D module edit NAME --department` once set the department to "--config-dir=D" in the home
 * configuration, exit 0. Through the built binary, with HOME in a folder of its own, so a change
 * to the default configuration would show.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/cli.js';

let root: string;
let dir: string;
let home: string;
const files = () => readFileSync(join(dir, 'config.json'), 'utf8');

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'certops-globals-values-'));
  dir = join(root, 'config');
  home = join(root, 'home');
  mkdirSync(home);
  const add = await runBin(['--config-dir', dir, 'module', 'add', 'enom', '--name', 'eNom main', '--username', 'u', '--department', 'SSL desk', '--sort', '1', '--min-balance', '1', '--data-center', 'DC1'], { CERTOPS_PASSWORD: 'p', HOME: home });
  expect(add.code, add.stderr).toBe(0);
});

describe('a flag given without its value', { timeout: 120_000 }, () => {
  it.each([
    [['--config-dir', 'DIR', 'module', 'edit', 'eNom main', '--department'], '--department'],
    [['module', 'edit', 'eNom main', '--department', '--config-dir', 'DIR'], '--department'],
    [['module', 'edit', 'eNom main', '--department', '--config-dir=DIR'], '--department'],
    [['--json', 'module', 'edit', 'eNom main', '--department'], '--department'],
    [['module', 'edit', 'eNom main', '--department', '--json'], '--department'],
    [['--no-color', 'module', 'edit', 'eNom main', '--name'], '--name'],
    // Not only the global flags: the next flag is never a value either.
    [['module', 'edit', 'eNom main', '--department', '--name', 'X'], '--department'],
    [['module', 'edit', 'eNom main', '--deploy-hook', '--json'], '--deploy-hook'],
  ])('%j is a usage error naming the flag, and changes nothing anywhere', async (template, flag) => {
    const before = files();
    const args = template.map((arg) => arg.replace('DIR', dir));
    const run = await runBin(args, { HOME: home, CERTOPS_CONFIG_DIR: dir });
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    expect(run.stderr).toContain(`${flag} needs a value`);
    expect(run.stderr).not.toContain('--config-dir=');
    expect(run.stderr).toMatch(/Run 'certops module edit --help' for usage\.\n$/);
    expect(files()).toBe(before);
    expect(existsSync(join(home, '.config'))).toBe(false);
  });

  it.each([
    ['timeline', '--format'],
    ['timeline', '--within'],
    ['tasks', '--department'],
    ['tasks', 'list', '--module'],
    ['metrics', '--within'],
    ['policy', 'set', '--before'],
    ['reissue', 'run', '--now'],
    ['reissue', 'status', '--now'],
    ['reissue', 'run', '--module'],
    ['check', 'eNom main', '--wait'],
    ['balance', '--wait'],
    ['sync', '--wait'],
    ['messages', 'department', 'set', 'SSL desk', '--email'],
    ['messages', 'test', '--to'],
    ['debug', '--import'],
    ['config', 'import', 'billmgr.conf', '--today'],
    ['module', 'add', 'enom', '--name'],
    ['plan', '--ordered'],
    ['sandbox', '--port'],
  ].map((words) => [words]))('certops --config-dir D %j (its last flag has no value): "needs a value", exit 2, never the global flag as its value', async (words) => {
    const flag = words.at(-1) as string;
    const before = files();
    for (const args of [['--config-dir', dir, ...words], [...words, '--config-dir', dir], ['--json', ...words]]) {
      const run = await runBin(args, { HOME: home, CERTOPS_CONFIG_DIR: dir });
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(run.stderr, args.join(' ')).toContain(`${flag} needs a value`);
      expect(run.stderr, args.join(' ')).not.toMatch(/--config-dir=|"--json"/);
    }
    expect(files()).toBe(before);
    expect(existsSync(join(home, '.config'))).toBe(false);
  });
});
