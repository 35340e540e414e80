/**
 * A JSON document of certops' own (operational state, the certificate inventory) that is not
 * conf's business: validated with zod on read, replaced atomically (atomically writes a temporary
 * file and renames it, so a crash leaves the old or the new file, never half of one), and changed
 * under a lock (file-lock.ts). The temporary file of a writer killed before its rename is removed
 * by the next change, or at the next start (Workspace.removeLeftovers). Like the configuration, a
 * file that fails validation is never overwritten.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import * as z from '../providers/zod.js';
import type { $ZodType } from 'zod/v4/core';
import { removeTemporaryFiles, type Release } from './file-lock.js';
import { ConfigError, lockForChange } from './store.js';
import { InputFileError, readOwnFile } from './input-file.js';
import { printable } from '../rules/control-characters.js';

/** How long a change waits for another certops process's by default (a change takes milliseconds). */
export const JSON_LOCK_WAIT_MS = 30_000;

/** The inventory of thousands of certificates is tens of MiB; more than this is not a file of certops'. */
const JSON_MAX_BYTES = 512 * 1024 * 1024;

/** Where the lock of a JsonFile's `file` lives, and who holds it. */
export const jsonFileLock = (file: string) => ({ lockDirectory: `${file}.lock`, ownerFile: `${file}.owner.json` });

export class JsonFile<T> {
  constructor(
    readonly file: string,
    private readonly schema: $ZodType<T>,
    private readonly empty: () => T,
    /** How long a change waits for another certops process's (--wait); null: JSON_LOCK_WAIT_MS. */
    private readonly lockWaitMs: number | null = null,
  ) {}

  read(): T {
    let text: string | null;
    try {
      // A regular file only, bounded: a FIFO or /dev/urandom in its place would hang the read (and its lock).
      text = readOwnFile(this.file, JSON_MAX_BYTES)?.toString('utf8') ?? null;
    } catch (error) {
      if (error instanceof InputFileError) throw new ConfigError(this.file, printable(error.message));
      throw error;
    }
    if (text === null) return this.empty();
    let json: unknown;
    try {
      json = JSON.parse(text);
      // The text of a big inventory is tens of megabytes: let it go before validation allocates more.
      text = null;
    } catch (error) {
      throw new ConfigError(this.file, `${this.file} is not valid JSON (${printable((error as Error).message)}); fix or move it: certops will not write to it meanwhile`);
    }
    const parsed = z.safeParse(this.schema, json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigError(this.file, `${this.file} is not valid: ${printable(issue?.path.join('.') ?? '')}: ${printable(issue?.message ?? '')}; fix or move it: certops will not write to it meanwhile`);
    }
    return parsed.data;
  }

  async update<R>(change: (current: T) => { data: T; result: R }): Promise<R> {
    // Loaded for changes only: reading the state or the inventory needs neither.
    const { writeFile } = await import('atomically');
    // A change makes the folder (owner-only) if it is not there yet; reading never does.
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    } catch {
      // Said just below, by the folder's check.
    }
    // A read-only or missing folder is said at once, not after waiting for a lock that cannot be made.
    try {
      accessSync(dirname(this.file), constants.W_OK);
    } catch (error) {
      throw new ConfigError(this.file, `${this.file} cannot be written: its folder is not writable (${(error as NodeJS.ErrnoException).code ?? 'error'}); it is unchanged`);
    }
    const release = await this.lock(this.lockWaitMs ?? JSON_LOCK_WAIT_MS);
    try {
      // A writer killed before its rename left a temporary copy (tasks.json, messages.json: secrets too).
      removeTemporaryFiles(this.file);
      const { data, result } = change(this.read());
      const text = JSON.stringify(z.parse(this.schema, data));
      try {
        // A stream, not the string: atomically writes a string with one write() and renames the
        // temporary file without checking that every byte went (a full disk or a file-size limit
        // makes that write short), which would replace a good file with a cut one. The stream
        // writes until done or fails, and a failure leaves the previous file in place.
        await writeFile(this.file, Readable.from([text]), { mode: 0o600 });
      } catch (error) {
        throw new ConfigError(this.file, `${this.file} cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); it is unchanged`);
      }
      return result;
    } finally {
      await release();
    }
  }

  /** This file's lock: a LockBusyError when a live certops holds it longer than `waitMs`. */
  private async lock(waitMs: number): Promise<Release> {
    return await lockForChange(this.file, this.file, { ...jsonFileLock(this.file), waitMs, staleMs: 30_000 }, (cause) => `${this.file}.lock cannot be made (${cause}); ${this.file} is unchanged`);
  }
}
