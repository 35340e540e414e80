/**
 * Every command's errors begin "certops <command>:" (issue 13, item 4's class): a refused
 * configuration folder or --wait, found while the workspace is opened, named the command nowhere
 * ("certops: --config-dir: /proc/self is on /proc") for most commands.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/cli.js';

const file = join(mkdtempSync(join(tmpdir(), 'certops-name-')), 'policy.txt');
writeFileSync(file, 'SSLSubscriptionPolicy manual\n');

describe('a refused configuration folder names the command', () => {
  it.each([
    ['module list', ['module', 'list']],
    ['module remove', ['module', 'remove', 'x', '--yes']],
    ['policy', ['policy']],
    ['policy', ['policy', 'set', '--policy', 'manual']],
    ['config', ['config', 'export']],
    ['config', ['config', 'import', file]],
    ['check', ['check']],
    ['balance', ['balance']],
    ['sync', ['sync']],
    ['timeline', ['timeline']],
    ['tasks', ['tasks']],
    ['tasks', ['tasks', 'close', 'T-1']],
    ['debug', ['debug']],
    ['debug', ['debug', 'pmglobalsign', '9']],
    ['metrics', ['metrics']],
    ['messages show', ['messages', 'show']],
    ['messages department set', ['messages', 'department', 'set', 'SSL desk', '--email', 'ssl@example.com']],
    ['messages smtp remove', ['messages', 'smtp', 'remove', '--yes']],
    ['messages outbox', ['messages', 'outbox']],
    ['reissue status', ['reissue', 'status']],
    ['reissue run', ['reissue', 'run', '--dry-run']],
  ])('certops %s', async (name, args) => {
    const run = await runMain([...args, '--config-dir', '/proc/self'], {});
    expect(run.code).toBe(2);
    const first = run.stderr.split('\n')[0] as string;
    // The command as its other errors name it (with the subcommand where they do).
    expect(first).toBe(`certops ${name}: --config-dir: /proc/self is on /proc, a kernel file system that holds no files; give a folder on a disk`);
  });

  it('a bad --wait names the command too', async () => {
    const run = await runMain(['policy', 'set', '--policy', 'manual', '--wait', 'soon', '--config-dir', mkdtempSync(join(tmpdir(), 'certops-name-'))], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^certops policy: --wait: must be a whole number/);
  });
});
