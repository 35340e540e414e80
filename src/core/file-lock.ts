/**
 * certops' file locks: proper-lockfile's lock (a directory whose mtime its holder keeps fresh),
 * with the holder's pid and host written beside it. proper-lockfile alone sees a lock left by a
 * killed process only once it is `staleMs` old, so a lock whose owner is provably gone (same host,
 * no such process) is aged at once and taken over by proper-lockfile's own stale-lock handling.
 * The owner file names the lock directory it was written for (inode and birth time), so it is
 * never taken for the owner of a newer lock. A lock seen without an owner for two seconds was left
 * by a process killed between making it and naming itself (or by a certops without owner files).
 *
 * A release removes the lock directory first and its owner file after: a kill in between leaves an
 * owner file naming a lock that is gone (ignored, and replaced by the next taker), never a lock
 * without owner that the next command would wait out. A process ended by a signal (SIGTERM,
 * SIGHUP) removes both on its way out, in the same order.
 *
 * Waiting is done here, not by proper-lockfile's retries: so that a dead owner is noticed on every
 * try, and so that a lock held too long is a LockBusyError naming its holder (exit 5), never a
 * configuration problem.
 */
import { hostname } from 'node:os';
import { chmodSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import onExit from 'signal-exit';

export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  /** The lock directory it owns: inode and birth time. */
  readonly lock: string;
}

/** Another certops process held the lock longer than this one would wait. */
export class LockBusyError extends Error {
  override readonly name: string = 'LockBusyError';
  constructor(
    /** The lock directory. */
    readonly lockFile: string,
    /** Who holds it, when it says so. */
    readonly holder: LockOwner | null,
    readonly waitedMs: number,
    message?: string,
  ) {
    super(message ?? `another certops process (${describeHolder(holder)}) holds ${lockFile}; waited ${formatSeconds(waitedMs)} s; try again, or wait longer with --wait SECONDS`);
  }
}

export const describeHolder = (holder: LockOwner | null): string =>
  holder === null ? 'one that is starting' : `pid ${holder.pid}${holder.host === hostname() ? '' : ` on ${holder.host}`}`;

const formatSeconds = (ms: number): string => (ms < 10_000 ? (Math.round(ms / 100) / 10).toString() : Math.round(ms / 1000).toString());

/**
 * A process makes the lock directory and names itself a moment later. A lock seen without an owner
 * for this long was made by a process killed in between.
 */
const OWNERLESS_MS = 2_000;

export interface LockOptions {
  /** proper-lockfile's lock directory. */
  readonly lockDirectory: string;
  /** Beside it: who holds the lock. */
  readonly ownerFile: string;
  /** How long to wait for a live holder; 0: try once (a lock without owner is still waited out). */
  readonly waitMs: number;
  /** When a lock not refreshed is stale (a holder on another host, where its pid tells nothing). */
  readonly staleMs: number;
  /**
   * false: a second taker in this process is refused like another process's (the run lock: one run
   * at a time, the console's too); default true: this process's changes take turns first.
   */
  readonly inProcessTurns?: boolean;
  /** The message of the LockBusyError, given how long this process waited (default: the generic one). */
  readonly busyMessage?: (holder: LockOwner | null, waitedMs: number) => string;
}

export type Release = () => Promise<void>;

const identity = (lockDirectory: string): string | null => {
  try {
    const stat = statSync(lockDirectory);
    return `${stat.ino}:${stat.birthtimeMs}`;
  } catch {
    return null;
  }
};

/** The owner of the lock as it is now; null when unknown or written for an earlier lock. */
function readOwner(ownerFile: string, lock: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(ownerFile, 'utf8')) as Partial<LockOwner>;
    if (typeof owner.pid !== 'number' || typeof owner.host !== 'string' || typeof owner.since !== 'string' || typeof owner.lock !== 'string') return null;
    return owner.lock === lock ? (owner as LockOwner) : null;
  } catch {
    return null;
  }
}

/** When this process started: an owner with its pid but named before then was an earlier process (a pid used again). */
const startedAt = Date.now() - process.uptime() * 1000;

function isGone(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return Date.parse(owner.since) < startedAt - 1000;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Lets proper-lockfile see the lock stale now, if it is still the one judged abandoned. */
function age(lockDirectory: string, lock: string, staleMs: number): void {
  if (identity(lockDirectory) !== lock) return;
  try {
    const past = new Date(Date.now() - staleMs * 2);
    utimesSync(lockDirectory, past, past);
  } catch {
    // Gone meanwhile: the next attempt takes it.
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Removes the owner file if it still names `lock` and this process. Moved aside before it is read,
 * so an owner file another process wrote meanwhile (it took the lock just released) is never
 * removed: it is put back.
 */
function removeOwnFile(ownerFile: string, lock: string): void {
  const aside = `${ownerFile}.released-${process.pid}`;
  try {
    renameSync(ownerFile, aside);
  } catch {
    return; // Gone already.
  }
  const owner = readOwner(aside, lock);
  if (owner?.pid === process.pid) rmSync(aside, { force: true });
  else renameSync(aside, ownerFile);
}

/** The owner files of the locks this process holds, removed if it ends on a signal (proper-lockfile removes the directories, before). */
const held = new Map<string, string>();
let exitHookSet = false;
function removeOwnFilesOnExit(): void {
  if (exitHookSet) return;
  exitHookSet = true;
  onExit(() => {
    for (const [ownerFile, lock] of held) {
      try {
        removeOwnFile(ownerFile, lock);
      } catch {
        // Exiting: what is left is an owner file naming a lock that is gone, which nothing waits on.
      }
    }
  });
}

/**
 * The changes of one process take turns before they try the file lock: a sync writing the
 * inventory of four modules at once, or the console's parallel checks, wait for each other here,
 * never against --wait (which is for other processes).
 */
const turns = new Map<string, Promise<void>>();

/** Takes the lock of `target`, waiting up to `waitMs` for a live holder in another process; resolves with its release. */
export async function acquireLock(target: string, options: LockOptions): Promise<Release> {
  if (options.inProcessTurns === false) return acquireFileLock(target, options);
  const previous = turns.get(options.lockDirectory) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((resolve) => {
    done = resolve;
  });
  const queued = previous.then(() => mine);
  turns.set(options.lockDirectory, queued);
  const leave = () => {
    done();
    if (turns.get(options.lockDirectory) === queued) turns.delete(options.lockDirectory);
  };
  await previous;
  try {
    const release = await acquireFileLock(target, options);
    return async () => {
      try {
        await release();
      } finally {
        leave();
      }
    };
  } catch (error) {
    leave();
    throw error;
  }
}

async function acquireFileLock(target: string, options: LockOptions): Promise<Release> {
  const { default: lockfile } = await import('proper-lockfile');
  const { lockDirectory, ownerFile, staleMs } = options;
  const started = Date.now();
  let ownerless = null as { lock: string; since: number } | null;
  let compromised: Error | null = null;
  for (let attempt = 0; ; attempt += 1) {
    let release: (() => Promise<void>) | null = null;
    try {
      release = await lockfile.lock(target, {
        lockfilePath: lockDirectory,
        realpath: false,
        stale: staleMs,
        retries: 0,
        onCompromised: (error) => {
          // Kept and reported at release: throwing here would stop the holder half-way through its change.
          compromised = error;
        },
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    }
    if (release !== null) {
      const unlock = release;
      const lock = identity(lockDirectory) ?? '';
      writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString(), lock } satisfies LockOwner), { mode: 0o600 });
      // proper-lockfile makes it with the umask's mode (0755): nothing of certops is for other users to list.
      chmodSync(lockDirectory, 0o700);
      removeOwnFilesOnExit();
      // Registered after proper-lockfile's own exit hook (set when it was loaded), so it runs after it: the directory goes first.
      held.set(ownerFile, lock);
      return async () => {
        // The lock directory first, then its owner file (see the top of this file).
        await unlock().catch(() => {});
        held.delete(ownerFile);
        removeOwnFile(ownerFile, lock);
        if (compromised) throw new LockBusyError(lockDirectory, null, 0, `the lock ${lockDirectory} was taken over while this process held it (${(compromised as Error).message})`);
      };
    }
    const lock = identity(lockDirectory);
    if (lock === null) continue; // Released meanwhile.
    const owner = readOwner(ownerFile, lock);
    if (owner) {
      ownerless = null;
      if (isGone(owner)) {
        // Its holder died (SIGKILL, a power cut): take it now rather than in `staleMs`.
        age(lockDirectory, lock, staleMs);
        continue;
      }
    } else if (ownerless?.lock !== lock) {
      ownerless = { lock, since: Date.now() };
    } else if (Date.now() - ownerless.since > OWNERLESS_MS) {
      age(lockDirectory, lock, staleMs);
      continue;
    }
    const waited = Date.now() - started;
    // A lock without owner names one within moments (or turns out abandoned): waited out even past waitMs.
    if (waited >= options.waitMs && ownerless === null) {
      throw new LockBusyError(lockDirectory, owner, waited, options.busyMessage?.(owner, waited));
    }
    // Short at first (a change takes milliseconds), then no more than a quarter of a second apart.
    const pause = Math.min(250, 5 * 1.5 ** attempt) * (0.5 + Math.random());
    await sleep(options.waitMs > 0 && ownerless === null ? Math.min(pause, Math.max(1, options.waitMs - waited)) : pause);
  }
}

/** The temporary files atomically (and conf, through it) names `<file>.tmp-<10 digits><6 hex>`. */
const isTemporaryOf = (name: string, file: string): boolean => name.startsWith(`${file}.tmp-`) && /^\d{10}[0-9a-f]{6}$/.test(name.slice(file.length + 5));

/**
 * Removes the temporary files a writer of `file` killed before its rename left beside it: they
 * hold what the file holds (every password, for the configuration). Called under the file's lock
 * only, where no live writer of it can be half-way.
 */
export function removeTemporaryFiles(file: string): void {
  const name = basename(file);
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return;
  }
  for (const entry of names) if (isTemporaryOf(entry, name)) rmSync(join(dirname(file), entry), { force: true });
}

/**
 * Removes the temporary files of `files` (names in `directory`, each with its lock) whose writer is
 * gone, without taking a lock: a live writer holds its file's lock from before it makes its
 * temporary file until after the rename. So a temporary file listed first, whose lock is then found
 * free or held by a process that is gone, was left by a writer killed before its rename (or is
 * renamed already). One read of the folder when there are none; a file whose lock a live process
 * holds is left to its next change.
 */
export function removeAbandonedTemporaryFiles(directory: string, files: readonly { readonly file: string; readonly lockDirectory: string; readonly ownerFile: string }[]): string[] {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const { file, lockDirectory, ownerFile } of files) {
    const temporary = names.filter((entry) => isTemporaryOf(entry, file));
    if (temporary.length === 0) continue;
    const lock = identity(lockDirectory);
    if (lock !== null) {
      // Held: by the writer killed half-way, or by a live one (or one naming itself), whose files these may be.
      const owner = readOwner(ownerFile, lock);
      if (owner === null || !isGone(owner)) continue;
    }
    for (const entry of temporary) {
      try {
        rmSync(join(directory, entry), { force: true });
        removed.push(entry);
      } catch {
        // Not ours to remove (another owner, a read-only folder): the next change under the lock says so.
      }
    }
  }
  return removed;
}

/**
 * Removes every temporary file atomically left in `directory` and the folders under it (to
 * `depth`): the outbox, the keys and the live lineages, whose writers all hold one lock (the
 * delivery lock, the run lock) that the caller holds now.
 */
export function removeTemporaryFilesIn(directory: string, depth = 0): void {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (depth > 0) removeTemporaryFilesIn(path, depth - 1);
    } else if (/\.tmp-\d{10}[0-9a-f]{6}$/.test(entry.name)) {
      rmSync(path, { force: true });
    }
  }
}
