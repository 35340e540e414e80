/**
 * One reissue run at a time per workspace: certops' file lock (file-lock.ts) on `reissue-run`,
 * its owner written beside it in reissue-run.owner.json. A run killed with SIGKILL cannot release
 * it; a lock whose owner is provably gone (same host, no such process) is taken over at once, and
 * one left by a run killed between making it and naming itself after two seconds.
 */
import { join } from 'node:path';
import { acquireLock, describeHolder, LockBusyError } from '../file-lock.js';

/** Another reissue run holds the lock (or took it over from this one). */
export class RunLockedError extends LockBusyError {
  override readonly name = 'RunLockedError';
}

const STALE_MS = 10_000;

/** Takes the run lock, waiting up to `waitSeconds` for a live run to finish; resolves with its release. */
export async function acquireRunLock(workspaceDirectory: string, waitSeconds: number): Promise<() => Promise<void>> {
  const target = join(workspaceDirectory, 'reissue-run');
  const lockDirectory = `${target}.lock`;
  let release: () => Promise<void>;
  try {
    release = await acquireLock(target, {
      lockDirectory,
      ownerFile: `${target}.owner.json`,
      waitMs: waitSeconds * 1000,
      staleMs: STALE_MS,
      inProcessTurns: false,
      busyMessage: (owner, waitedMs) => {
        const who = owner ? `${describeHolder(owner)}, since ${owner.since}` : 'a run that is starting';
        return `another reissue run holds the lock ${lockDirectory} (${who}); waited ${Math.round(waitedMs / 1000)} s; wait for it to finish, or use --wait SECONDS`;
      },
    });
  } catch (error) {
    if (error instanceof LockBusyError) throw new RunLockedError(error.lockFile, error.holder, error.waitedMs, error.message);
    throw error;
  }
  return async () => {
    try {
      await release();
    } catch (error) {
      if (error instanceof LockBusyError) throw new RunLockedError(lockDirectory, null, 0, `the run lock ${lockDirectory} was taken over while this run held it (${error.message}); check the journal`);
      throw error;
    }
  };
}

