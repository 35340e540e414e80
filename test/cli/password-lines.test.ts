/**
 * A password from stdin, a file or the environment with a line break inside (issue 13 review,
 * item 17): the rest of a multi-line `pass` entry, or a CRLF line end, is refused with a hint
 * (exit 2) rather than stored and then "credentials rejected" by the provider.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

async function run(args: readonly string[], env: Record<string, string>, input?: string) {
  let stdout = '';
  let stderr = '';
  const io: CliIo & { stdin?: NodeJS.ReadableStream } = {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    env,
    ...(input === undefined ? {} : { stdin: Readable.from([Buffer.from(input)]) }),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const addArgs = (dir: string, ...extra: string[]) => ['module', 'add', 'enom', '--config-dir', dir, '--name', 'eNom main', '--department', 'SSL', '--sort', '1', '--data-center', 'DC1', '--username', 'u', ...extra];

describe('a password with a line break inside', () => {
  it.each([
    ['a multi-line pass entry on stdin', 'secret-1\nurl: https://example.com\n'],
    ['two lines on stdin', 'a\nb\n'],
    ['a CRLF line end on stdin', 'secret-1\r\n\r\n'],
    ['a lone CR', 'secret-1\r'],
  ])('%s: exit 2 with the hint, nothing saved', async (_what, input) => {
    const dir = mkdtempSync(join(tmpdir(), 'certops-password-lines-'));
    const result = await run(addArgs(dir, '--password-stdin'), {}, input);
    expect(result.stderr).toContain('--password-stdin: the password has a line break inside');
    expect(result.stderr).toContain('head -1');
    expect(result.code).toBe(2);
    const list = await run(['module', 'list', '--json', '--config-dir', dir], {});
    expect(JSON.parse(list.stdout).modules).toEqual([]);
  });

  it('from a file or CERTOPS_PASSWORD too; one trailing LF or CRLF is dropped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certops-password-lines-'));
    const file = join(dir, 'password');
    writeFileSync(file, 'a\r\nb\r\n', { mode: 0o600 });
    expect((await run(addArgs(dir, '--password-file', file), {})).code).toBe(2);
    expect((await run(addArgs(dir), { CERTOPS_PASSWORD: 'a\nb' })).stderr).toContain('CERTOPS_PASSWORD: the password has a line break inside');
    writeFileSync(file, 'secret-1\r\n', { mode: 0o600 });
    const ok = await run(addArgs(dir, '--password-file', file), {});
    expect(ok.code, ok.stderr).toBe(0);
  });
});

describe('a password too short to be masked in free text (issue 13 review, item 16)', () => {
  it('module add warns, and saves it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certops-password-short-'));
    const result = await run(addArgs(dir), { CERTOPS_PASSWORD: 'ab1' });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: the password is shorter than 4 characters/);
    expect(result.stderr).not.toContain('ab1');
  });
});
