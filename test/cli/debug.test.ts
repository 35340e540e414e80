import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Workspace } from '../../src/core/workspace.js';
import { runMain } from '../helpers/cli.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'certops-debug-'));
  const configDir = join(dir, 'config');
  return {
    dir,
    configDir,
    config: ['--config-dir', configDir],
    file(name: string, text: string): string {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}

describe('certops debug', () => {
  it('lists each module log with its level and the level’s meaning', async () => {
    const { config, configDir } = scratch();
    const run = await runMain(['debug', ...config]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        'Log              Provider          Level  Meaning',
        'pmleadertelecom  LeaderTelecom         4  warnings (default)',
        'pmispmgrssl      Ispmanager (SSL)      4  warnings (default)',
        'pmglobalsign     GlobalSign            4  warnings (default)',
        'pmenomssl        ENOM                  4  warnings (default)',
        '',
        `Log files: ${join(configDir, 'logs', '<log>.log')}`,
        '',
      ].join('\n'),
    );
  });

  it('sets one level, as pmglobalsign, pmglobalsign.* or the provider, and lists it', async () => {
    const { config, configDir } = scratch();
    const set = await runMain(['debug', 'pmglobalsign.*', '9', ...config]);
    expect(set.code).toBe(0);
    expect(set.stdout).toBe('pmglobalsign: 4 -> 9: debug (whole requests and responses)\n');
    expect(set.stderr).toContain('note: level 9 writes whole requests and responses');
    expect(new Workspace(configDir).store.read().debugLevels).toEqual({ pmglobalsign: 9 });
    expect((await runMain(['debug', 'enom', '0', ...config])).stdout).toBe('pmenomssl: 4 -> 0: nothing\n');
    expect((await runMain(['debug', 'PMENOMSSL', '0', ...config])).stdout).toBe('pmenomssl: 0 (unchanged): nothing\n');
    const list = JSON.parse((await runMain(['debug', '--json', ...config])).stdout);
    expect(list).toEqual({
      logDirectory: join(configDir, 'logs'),
      logs: [
        { log: 'pmleadertelecom', provider: 'leadertelecom', level: 4, meaning: 'warnings', default: true, file: join(configDir, 'logs', 'pmleadertelecom.log') },
        { log: 'pmispmgrssl', provider: 'ispmanager', level: 4, meaning: 'warnings', default: true, file: join(configDir, 'logs', 'pmispmgrssl.log') },
        { log: 'pmglobalsign', provider: 'globalsign', level: 9, meaning: 'debug (whole requests and responses)', default: false, file: join(configDir, 'logs', 'pmglobalsign.log') },
        { log: 'pmenomssl', provider: 'enom', level: 0, meaning: 'nothing', default: false, file: join(configDir, 'logs', 'pmenomssl.log') },
      ],
    });
    expect((await runMain(['debug', '--export', ...config])).stdout).toBe('pmglobalsign.* 9\npmenomssl.* 0\n');
  });

  it('a level set here is the level the module log is written at', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom']);
    expect((await runMain(['debug', 'pmenomssl', '9', '--config-dir', workspace.directory])).code).toBe(0);
    expect((await runMain(['check', '--config-dir', workspace.directory])).code).toBe(0);
    const log = readFileSync(join(workspace.logDirectory, 'pmenomssl.log'), 'utf8');
    expect(log).toContain('<Command>CHECKLOGIN</Command>');
    expect(log).not.toContain(sandboxes[0]?.sandbox.account.password);
  });

  it('imports debug.conf lines, reporting and skipping unknown logs', async () => {
    const { config, configDir, file } = scratch();
    const conf = file('debug.conf', '# debug.conf\nSET stderr 1\nbillmgr 4\npmglobalsign.* 9\npmenomssl.pmenomssl 6\nprocessing.* 7\n');
    const dry = await runMain(['debug', '--import', conf, '--dry-run', '--json', ...config]);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({
      saved: false,
      changes: [
        { log: 'pmglobalsign', provider: 'globalsign', from: 4, to: 9, meaning: 'debug (whole requests and responses)' },
        { log: 'pmenomssl', provider: 'enom', from: 4, to: 6, meaning: 'extended information' },
      ],
      skipped: [
        { log: 'billmgr', level: 4, reason: 'not a processing module log (pmleadertelecom, pmispmgrssl, pmglobalsign, pmenomssl)' },
        { log: 'processing', level: 7, reason: 'not a processing module log (pmleadertelecom, pmispmgrssl, pmglobalsign, pmenomssl)' },
      ],
    });
    expect(new Workspace(configDir).store.read().debugLevels).toEqual({});
    const run = await runMain(['debug', '--import', conf, ...config]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('pmglobalsign: 4 -> 9: debug (whole requests and responses)\npmenomssl: 4 -> 6: extended information\n');
    expect(run.stderr).toContain('certops debug: skipped "billmgr": not a processing module log');
    expect(run.stderr).toContain('certops debug: skipped "processing": not a processing module log');
    expect(new Workspace(configDir).store.read().debugLevels).toEqual({ pmglobalsign: 9, pmenomssl: 6 });
  });

  it.each([
    [['pmfoo', '3'], '<log>: "pmfoo" is not a module log; the logs are pmleadertelecom, pmispmgrssl, pmglobalsign, pmenomssl'],
    [['pmglobalsign', '10'], '<level>: must be a whole number from 0 to 9 (got "10")'],
    [['pmglobalsign'], 'give a log and a level, e.g. certops debug pmglobalsign 9'],
    [['pmglobalsign', '9', '--export'], 'give one of: <log> <level>, --import FILE or --export'],
    [['--dry-run'], '--dry-run goes with <log> <level> or --import'],
  ])('exits 2 on %j and changes nothing', async (args, message) => {
    const { config, configDir } = scratch();
    const run = await runMain(['debug', ...args, ...config]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`certops debug: ${message}\nRun 'certops debug --help' for usage.\n`);
    expect(new Workspace(configDir).store.read().debugLevels).toEqual({});
  });

  it('exits 2 on a bad debug.conf line with its number, a missing file, or a file with no module log', async () => {
    const { config, file, dir } = scratch();
    const bad = file('bad.conf', 'pmglobalsign.* 9\npmenomssl.* loud\n');
    const badRun = await runMain(['debug', '--import', bad, ...config]);
    expect(badRun.code).toBe(2);
    expect(badRun.stderr).toContain(`certops debug: --import: ${bad}: line 2: "pmenomssl.* loud" is not "<log>.* <level>"`);
    const missing = await runMain(['debug', '--import', join(dir, 'none.conf'), ...config]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`--import: ${join(dir, 'none.conf')} does not exist`);
    const other = file('other.conf', 'billmgr 9\n');
    const otherRun = await runMain(['debug', '--import', other, ...config]);
    expect(otherRun.code).toBe(2);
    expect(otherRun.stderr).toContain('certops debug: skipped "billmgr"');
    expect(otherRun.stderr).toContain('sets no processing module log');
  });
});
