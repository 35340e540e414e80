/**
 * Names that look the same (issue 13 review, item 19): zero-width characters are refused in a
 * name, and names are compared in Unicode NFC, so "Café" typed two ways is one name.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/cli.js';

const add = (dir: string, name: string) =>
  runMain(['module', 'add', 'enom', '--config-dir', dir, '--name', name, '--department', 'SSL', '--sort', '1', '--data-center', 'DC1', '--username', 'u'], { CERTOPS_PASSWORD: 'enom-secret-1' });

describe('module names that look alike', () => {
  it.each(['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF'])('a name with U+%s is refused, naming --name', async (character) => {
    const dir = mkdtempSync(join(tmpdir(), 'certops-names-'));
    const run = await add(dir, `eNom${character} main`);
    expect(run.stderr).toContain('--name: the name has an invisible character');
    expect(run.code).toBe(2);
  });

  it('the same name in NFC and NFD is one name: the second add is refused, and either form finds it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certops-names-'));
    expect((await add(dir, 'Caf\u00E9')).code).toBe(0);
    const second = await add(dir, 'Cafe\u0301');
    expect(second.stderr).toMatch(/--name: a processing module named .* already exists/);
    expect(second.code).toBe(2);
    const shown = await runMain(['module', 'show', 'Cafe\u0301', '--json', '--config-dir', dir]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout).name).toBe('Caf\u00E9');
  });
});
