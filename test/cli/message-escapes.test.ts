/**
 * Input quoted in a message never reaches the terminal raw (issue 13 review, item 8): an escape
 * sequence given as a name, a flag's value or a line of an imported file is shown escaped (\e),
 * in every message that quotes what was given.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/cli.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();
/** Any character that acts on a terminal: C0 but the newline ending a line, DEL, C1, bidi overrides. */
const RAW = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/;

describe('control characters in messages that quote input', () => {
  it.each([
    [['module', 'show', '\u001b]0;pwned\u0007'], '"\\e]0;pwned\\a"'],
    [['module', 'remove', '\u001b[2J', '--yes'], '"\\e[2J"'],
    [['tasks', '--department', 'a\u001b[2Jb'], '"a\\e[2Jb"'],
    [['timeline', '--module', '\u001b[31mX'], '"\\e[31mX"'],
    [['timeline', '--format', '\u001b[31mcsv'], '"\\e[31mcsv"'],
    [['reissue', 'status', '--now', '2026-11-23\u001b[31m'], '"2026-11-23\\e[31m"'],
    [['modul\u001b[31me', 'list'], '"modul\\e[31me"'],
    [['check', 'x\u202ey'], '"x\\u202ey"'],
  ])('%j: the message shows %s', async (args, shown) => {
    const { workspace } = await harness.withModules(['enom'], 1);
    const run = await runMain(args, { CERTOPS_CONFIG_DIR: workspace.directory });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(shown);
    expect(run.stderr).not.toMatch(RAW);
    expect(run.stdout).not.toMatch(RAW);
  });

  it('escapes a line of an imported billmgr.conf', async () => {
    const { workspace } = await harness.withModules(['enom'], 1);
    const file = join(mkdtempSync(join(tmpdir(), 'certops-conf-')), 'billmgr.conf');
    writeFileSync(file, 'Option SSLSubscriptionPolicy auto\u001b[31m\n');
    const run = await runMain(['config', 'import', file], { CERTOPS_CONFIG_DIR: workspace.directory });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('(got "auto\\e[31m")');
    expect(run.stderr).not.toMatch(RAW);
  });
});
