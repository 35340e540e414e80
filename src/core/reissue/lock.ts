/**
 * One reissue run at a time per workspace: proper-lockfile's lock (a directory, its mtime kept
 * fresh while the run lives), with the owner's pid and host written beside it. A run killed with
 * SIGKILL cannot release its lock; proper-lockfile would see it stale only after `stale` ms, so a
 * lock whose owner is provably gone (same host, no such process) is aged at once and taken over by
 * proper-lockfile's own stale-lock handling. The owner file names the lock directory it was written
 * for (inode and birth time), so it is never taken for the owner of a newer lock. A lock with no
 * owner for over two seconds was left by a run killed between making it and naming itself.
 */
import { hostname } from 'node:os';
import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class RunLockedError extends Error {
  override readonly name = 'RunLockedError';
}

const STALE_MS = 10_000;
/**
 * A run writes its owner file just after it makes the lock directory. A lock without one is a run
 * that is starting, for a moment; one older than this was made by a run killed in between.
 */
const STARTING_MS = 2_000;

interface Owner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  /** The lock directory it owns: inode and birth time. */
  readonly lock: string;
}

const identity = (lockDirectory: string): string => {
  const stat = statSync(lockDirectory);
  return `${stat.ino}:${stat.birthtimeMs}`;
};

/** When the lock directory was made (its mtime where the file system keeps no birth time). */
function bornAt(lockDirectory: string): number | null {
  try {
    const stat = statSync(lockDirectory);
    return stat.birthtimeMs > 0 ? stat.birthtimeMs : stat.mtimeMs;
  } catch {
    return null;
  }
}

/** The owner of the lock as it is now; null when unknown or written for an earlier lock. */
function readOwner(lockDirectory: string, ownerFile: string): Owner | null {
  try {
    const owner = JSON.parse(readFileSync(ownerFile, 'utf8')) as Partial<Owner>;
    if (typeof owner.pid !== 'number' || typeof owner.host !== 'string' || typeof owner.since !== 'string' || typeof owner.lock !== 'string') return null;
    return owner.lock === identity(lockDirectory) ? (owner as Owner) : null;
  } catch {
    return null;
  }
}

function isGone(owner: Owner): boolean {
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Takes the run lock, waiting up to `waitSeconds` for a live run to finish; resolves with its release. */
export async function acquireRunLock(workspaceDirectory: string, waitSeconds: number): Promise<() => Promise<void>> {
  const { default: lockfile } = await import('proper-lockfile');
  const target = join(workspaceDirectory, 'reissue-run');
  const lockDirectory = `${target}.lock`;
  const ownerFile = `${target}.owner.json`;
  const deadline = Date.now() + waitSeconds * 1000;
  let compromised: Error | null = null;
  for (;;) {
    try {
      const release = await lockfile.lock(target, {
        lockfilePath: lockDirectory,
        realpath: false,
        stale: STALE_MS,
        onCompromised: (error) => {
          // Kept and reported at release: throwing here would kill the run between a journal record and its call.
          compromised = error;
        },
      });
      const owner: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), lock: identity(lockDirectory) };
      writeFileSync(ownerFile, JSON.stringify(owner), { mode: 0o600 });
      return async () => {
        rmSync(ownerFile, { force: true });
        await release().catch(() => {});
        if (compromised) throw new RunLockedError(`the run lock ${lockDirectory} was taken over while this run held it (${(compromised as Error).message}); check the journal`);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      const owner = readOwner(lockDirectory, ownerFile);
      const born = owner ? null : bornAt(lockDirectory);
      const diedStarting = born !== null && Date.now() - born > STARTING_MS;
      if ((owner && isGone(owner)) || diedStarting) {
        // The run that held it died: let proper-lockfile see it stale now rather than in 10 s.
        try {
          const past = new Date(Date.now() - STALE_MS * 2);
          utimesSync(lockDirectory, past, past);
        } catch {
          // Gone meanwhile: the next attempt takes it.
        }
        continue;
      }
      // A starting run names itself within moments (or turns out dead): worth waiting for even without --wait.
      const waitUntil = born !== null ? Math.max(deadline, born + STARTING_MS + 500) : deadline;
      if (Date.now() >= waitUntil) {
        const who = owner ? `pid ${owner.pid} on ${owner.host}, since ${owner.since}` : 'a run that is starting';
        throw new RunLockedError(`another reissue run holds the lock (${who}); wait for it to finish, or use --wait SECONDS`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
