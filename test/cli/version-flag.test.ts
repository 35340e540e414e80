/** `-v`/`--version` only alone (issue 13 review, item 10): `certops -v module list` once printed the version and ran nothing, exit 0. */
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/cli.js';

describe('certops -v', () => {
  it('prints the version alone', async () => {
    for (const flag of ['-v', '--version']) {
      const run = await runMain([flag]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^certops \S+\n$/);
    }
  });

  it.each([[['-v', 'module', 'list']], [['--version', 'timeline']], [['-v', '--json']]])('%j is a usage error that says -v is --version', async (args) => {
    const run = await runMain(args);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    expect(run.stderr).toContain(`certops: ${args[0]} is --version and stands alone; certops has no verbose flag`);
    expect(run.stderr).toMatch(/Run 'certops --help' for usage\.\n$/);
  });
});

describe('certops metrics --json (item 11)', () => {
  it('says metrics has no JSON form instead of "unknown flag", and --help lists the global flags', async () => {
    const run = await runMain(['--json', 'metrics']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('certops metrics: --json: metrics has no JSON form; it prints the Prometheus text format');
    const help = await runMain(['metrics', '--help']);
    for (const flag of ['--config-dir', '--json', '--no-color', '--help']) expect(help.stdout).toContain(flag);
  });
});

describe('certops config import with no usable file name (item 18)', () => {
  it.each([
    ['', 'certops config import: the file name is empty'],
    ['-', 'certops config import: import reads a file, not stdin ("-")'],
  ])('%j names what is wrong, not "does not exist"', async (file, message) => {
    const run = await runMain(['config', 'import', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain('does not exist');
    expect(run.stderr).toMatch(/Run 'certops config import --help' for usage\.\n$/);
  });
});
