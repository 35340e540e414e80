/**
 * One rule for what goes where (issue 13 review, items 12 and 13): data on stdout (the table, the
 * JSON document, always complete), notes and failure reports on stderr; and "nothing set up yet"
 * is exit 1 in every command that works on the processing modules, 0 with an empty list in the
 * listings of what certops keeps (README, "Output" and "Exit codes").
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/cli.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

describe('failure reports go to stderr, under a table that stays on stdout', () => {
  it.each([['check'], ['balance'], ['sync']])('certops %s with a provider that refuses the connection', async (command) => {
    const { workspace } = await harness.withModules(['enom', 'globalsign'], 3);
    await workspace.store.update((data) => ({
      data: { ...data, modules: data.modules.map((module) => (module.provider === 'enom' ? { ...module, network: { ...module.network, endpoint: 'http://127.0.0.1:1/' } } : module)) },
      result: undefined,
    }));
    const run = await runMain([command], { CERTOPS_CONFIG_DIR: workspace.directory });
    expect(run.code).toBe(4);
    // stdout: the table only (a header and one row per module).
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(run.stdout).toContain('enom sandbox');
    expect(run.stderr).toMatch(/^\nenom sandbox: /);
    const json = await runMain([command, '--json'], { CERTOPS_CONFIG_DIR: workspace.directory });
    expect(json.code).toBe(4);
    expect((JSON.parse(json.stdout) as { results: unknown[] }).results).toHaveLength(2);
  });
});

describe('nothing set up yet', () => {
  const empty = () => ({ CERTOPS_CONFIG_DIR: join(mkdtempSync(join(tmpdir(), 'certops-empty-')), 'config') });

  it.each([
    [['check'], { ok: false, results: [] }],
    [['balance'], { ok: false, results: [] }],
    [['sync'], { ok: false, results: [] }],
    [['timeline'], null],
    [['reissue', 'run', '--now', '2026-11-23'], null],
    [['metrics', '--today', '2026-11-23'], null],
  ])('%j: exit 1, the note on stderr, and with --json a complete document on stdout', async (args, document) => {
    const env = empty();
    const run = await runMain(args, env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no processing module is set up yet');
    if (args[0] !== 'metrics') {
      const json = await runMain([...args, '--json'], env);
      expect(json.code).toBe(1);
      const parsed = JSON.parse(json.stdout) as Record<string, unknown>;
      if (document) expect(parsed).toEqual(document);
      expect(json.stderr).toContain('no processing module is set up yet');
    }
  });

  it.each([[['module', 'list']], [['tasks']], [['reissue', 'status']], [['messages', 'outbox']]])('%j lists nothing: exit 0, stdout empty, the note on stderr', async (args) => {
    const env = empty();
    const run = await runMain(args, env);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: '' });
    expect(run.stderr).not.toBe('');
    const json = await runMain([...args, '--json'], env);
    expect(json.code).toBe(0);
    expect(typeof JSON.parse(json.stdout)).toBe('object');
  });
});
