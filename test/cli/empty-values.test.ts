/**
 * An empty value is a usage error on every flag (issue 13 review, item 7): an unset shell
 * variable (`--min-balance "$MIN"`) must never turn off a check or move a module to another
 * address. `none` stays the way to unset.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlags, takeRepeated } from '../../src/cli/args.js';
import { UsageError } from '../../src/cli/exit-codes.js';
import { runMain } from '../helpers/cli.js';

async function withModule(): Promise<{ dir: string; config: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'certops-empty-values-'));
  const config = ['--config-dir', dir];
  const added = await runMain(
    ['module', 'add', 'enom', '--name', 'eNom main', '--department', 'SSL desk', '--sort', '13', '--min-balance', '100', '--data-center', 'DC1', '--username', 'reseller', '--api-url', 'https://resellertest.enom.com/interface.asp', ...config],
    { CERTOPS_PASSWORD: 'enom-secret-1' },
  );
  expect(added.code, added.stderr).toBe(0);
  return { dir, config };
}

describe('empty flag values', () => {
  it.each([
    [['module', 'edit', 'eNom main', '--min-balance', '', '--dry-run'], '--min-balance'],
    [['module', 'edit', 'eNom main', '--min-balance=', '--dry-run'], '--min-balance'],
    [['module', 'edit', 'eNom main', '--api-url', ''], '--api-url'],
    [['module', 'edit', 'eNom main', '--username', ' '], '--username'],
    [['module', 'edit', 'eNom main', '--deploy-hook', ''], '--deploy-hook'],
    [['module', 'edit', 'eNom main', '--probe-resolve', ''], '--probe-resolve'],
    [['module', 'add', 'enom', '--name', 'Other', '--department', 'SSL', '--sort', '1', '--data-center', 'DC1', '--username', 'u', '--min-balance', ''], '--min-balance'],
    [['policy', 'set', '--before', ''], '--before'],
    [['timeline', '--module', ''], '--module'],
    [['sync', '--wait', ''], '--wait'],
  ])('%j: exit 2 naming the flag, nothing changed', async (args, flag) => {
    const { dir, config } = await withModule();
    const before = readFileSync(join(dir, 'config.json'), 'utf8');
    const run = await runMain([...args, ...config], { CERTOPS_PASSWORD: 'enom-secret-1' });
    expect(run.stderr).toContain(`${flag} is empty`);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(before);
  });

  it('none still unsets an optional setting', async () => {
    const { config } = await withModule();
    const run = await runMain(['module', 'edit', 'eNom main', '--min-balance', 'none', '--api-url', 'none', '--json', ...config]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).changes).toEqual([
      { field: 'parameters.minimalBalance', from: 100, to: null },
      // Its default applies again: said out loud with none, never by an empty variable.
      { field: 'integration.apiUrl', from: 'https://resellertest.enom.com/interface.asp', to: 'https://reseller.enom.com/interface.asp' },
    ]);
  });

  it('the rule is in the parser: every string flag of every command, and the repeatable ones', () => {
    expect(() => parseFlags('x', ['--anything', ''], { anything: { type: 'string' } })).toThrow(UsageError);
    expect(() => parseFlags('x', ['--anything=  '], { anything: { type: 'string' } })).toThrow('--anything is empty');
    expect(() => takeRepeated('x', ['--module', ''], ['module'])).toThrow('--module is empty');
    expect(parseFlags('x', ['--anything', 'value'], { anything: { type: 'string' } }).flags.anything).toBe('value');
  });
});
