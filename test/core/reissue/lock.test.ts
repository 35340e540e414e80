import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
    // This test's own process: alive, on this host.
    writeFileSync(
      join(directory, 'reissue-run.owner.json'),
      JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-11-23T08:00:00.000Z', lock: `${stat.ino}:${stat.birthtimeMs}` }),
    );
    await expect(acquireRunLock(directory, 0)).rejects.toThrow(RunLockedError);
    await expect(acquireRunLock(directory, 0)).rejects.toThrow(`pid ${process.pid} on ${hostname()}, since 2026-11-23T08:00:00.000Z`);
  });
});
