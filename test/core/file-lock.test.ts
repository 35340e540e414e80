/**
 * certops' file locks (issue 13 review, item 15): a release, or a kill at any point of it, never
 * leaves a lock without its owner (the next command would wait it out for two seconds); SIGTERM
 * leaves neither the lock nor its owner file; lock directories are owner-only.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/core/file-lock.js';

const folder = () => mkdtempSync(join(tmpdir(), 'certops-file-lock-'));
const optionsIn = (dir: string) => ({ lockDirectory: join(dir, 'x.lock'), ownerFile: join(dir, 'x.owner.json'), waitMs: 0, staleMs: 10_000 });

describe('file locks', () => {
  it('a release removes the lock directory before its owner file, so no moment shows a lock without owner', async () => {
    const dir = folder();
    const options = optionsIn(dir);
    const release = await acquireLock(join(dir, 'x'), options);
    expect(existsSync(options.ownerFile)).toBe(true);
    const events: string[] = [];
    const watcher = watch(dir, (_event, name) => {
      if (name === 'x.lock' && !existsSync(options.lockDirectory) && !events.includes('lock')) events.push('lock');
      if (name === 'x.owner.json' && !existsSync(options.ownerFile) && !events.includes('owner')) events.push('owner');
    });
    // What a watcher sees at each step, as another process polling would.
    const seen: string[] = [];
    const poll = setInterval(() => {
      if (existsSync(options.lockDirectory) && !existsSync(options.ownerFile)) seen.push('ownerless');
    }, 0);
    await release();
    await new Promise((resolve) => setTimeout(resolve, 100));
    clearInterval(poll);
    watcher.close();
    expect(existsSync(options.lockDirectory)).toBe(false);
    expect(existsSync(options.ownerFile)).toBe(false);
    expect(events).toEqual(['lock', 'owner']);
    expect(seen).toEqual([]);
  });

  it('an owner file left by a kill after the lock directory went does not make the next taker wait', async () => {
    const dir = folder();
    const options = optionsIn(dir);
    // What a kill between the two steps of a release leaves: the owner of a lock that is gone.
    writeFileSync(options.ownerFile, JSON.stringify({ pid: 1, host: 'elsewhere', since: new Date().toISOString(), lock: '1:1' }));
    const started = Date.now();
    const release = await acquireLock(join(dir, 'x'), options);
    expect(Date.now() - started).toBeLessThan(500);
    await release();
  });

  it('the lock directory is owner-only (0700)', async () => {
    const dir = folder();
    const options = optionsIn(dir);
    const release = await acquireLock(join(dir, 'x'), options);
    expect(statSync(options.lockDirectory).mode & 0o777).toBe(0o700);
    await release();
  });

  it('SIGTERM: the process leaves neither its lock nor the lock\'s owner file', { timeout: 30_000 }, async () => {
    const dir = folder();
    const options = optionsIn(dir);
    const script = join(dir, 'holder.mjs');
    await build({
      stdin: {
        contents: `import { acquireLock } from ${JSON.stringify(fileURLToPath(new URL('../../src/core/file-lock.ts', import.meta.url)))};
await acquireLock(${JSON.stringify(join(dir, 'x'))}, ${JSON.stringify(options)});
process.stdout.write('held\\n');
setInterval(() => {}, 1000);`,
        resolveDir: dir,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: script,
      logLevel: 'silent',
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    });
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => String(chunk).includes('held') && resolve()));
    expect(existsSync(options.lockDirectory)).toBe(true);
    expect(existsSync(options.ownerFile)).toBe(true);
    const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
    child.kill('SIGTERM');
    expect(await exit).toBe('SIGTERM');
    expect(existsSync(options.lockDirectory)).toBe(false);
    expect(existsSync(options.ownerFile)).toBe(false);
  });
});
