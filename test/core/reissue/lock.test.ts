import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { LockBusyError } from '../../../src/core/file-lock.js';
import { acquireRunLock, RunLockedError } from '../../../src/core/reissue/lock.js';

const workspace = () => mkdtempSync(join(tmpdir(), 'certops-lock-'));

describe('the reissue run lock', () => {
  it('takes over a lock left by a run killed before it wrote its owner, even without --wait', async () => {
    const directory = workspace();
    // What a run killed between making the lock and naming itself leaves: a lock and no owner.
    mkdirSync(join(directory, 'reissue-run.lock'));
    const release = await acquireRunLock(directory, 0);
    const owner = JSON.parse(readFileSync(join(directory, 'reissue-run.owner.json'), 'utf8')) as { pid: number };
    expect(owner.pid).toBe(process.pid);
    await release();
  });

  it('names a live owner and does not wait without --wait', async () => {
    const directory = workspace();
    const lock = join(directory, 'reissue-run.lock');
    mkdirSync(lock);
    const stat = statSync(lock);
    // A live process on this host (not this one: an owner with this process's pid named before it
    // started is an earlier process that had the same pid, and is gone).
    const holder = spawn('sleep', ['30']);
    try {
      writeFileSync(
        join(directory, 'reissue-run.owner.json'),
        JSON.stringify({ pid: holder.pid, host: hostname(), since: '2026-11-23T08:00:00.000Z', lock: `${stat.ino}:${stat.birthtimeMs}` }),
      );
      await expect(acquireRunLock(directory, 0)).rejects.toThrow(RunLockedError);
      await expect(acquireRunLock(directory, 0)).rejects.toThrow(`pid ${holder.pid}, since 2026-11-23T08:00:00.000Z`);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes over a lock named by an earlier process that had this pid (a container restarted)', async () => {
    const directory = workspace();
    const lock = join(directory, 'reissue-run.lock');
    mkdirSync(lock);
    const stat = statSync(lock);
    writeFileSync(
      join(directory, 'reissue-run.owner.json'),
      JSON.stringify({ pid: process.pid, host: hostname(), since: new Date(Date.now() - process.uptime() * 1000 - 60_000).toISOString(), lock: `${stat.ino}:${stat.birthtimeMs}` }),
    );
    const started = Date.now();
    const release = await acquireRunLock(directory, 0);
    expect(Date.now() - started).toBeLessThan(1000);
    await release();
  });

  it('a run that waits is a RunLockedError, a LockBusyError (exit 5), naming the lock and how long it waited', async () => {
    const directory = workspace();
    const first = await acquireRunLock(directory, 0);
    try {
      const error = await acquireRunLock(directory, 1).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(LockBusyError);
      expect((error as Error).message).toMatch(new RegExp(`another reissue run holds the lock ${join(directory, 'reissue-run.lock').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(pid ${process.pid}`));
    } finally {
      await first();
    }
  });
});
