/**
 * A JSON document of certops' own (operational state, the certificate inventory) that is not
 * conf's business: validated with zod on read, replaced atomically (atomically writes a temporary
 * file and renames it, so a crash leaves the old or the new file, never half of one), and changed
 * under a lock. Like the configuration, a file that fails validation is never overwritten.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import * as z from '../providers/zod.js';
import type { $ZodType } from 'zod/v4/core';
import { ConfigError } from './store.js';

export class JsonFile<T> {
  constructor(
    readonly file: string,
    private readonly schema: $ZodType<T>,
    private readonly empty: () => T,
  ) {}

  read(): T {
    let text: string | null;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.empty();
      throw new ConfigError(this.file, `${this.file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
      // The text of a big inventory is tens of megabytes: let it go before validation allocates more.
      text = null;
    } catch (error) {
      throw new ConfigError(this.file, `${this.file} is not valid JSON (${(error as Error).message}); fix or move it: certops will not write to it meanwhile`);
    }
    const parsed = z.safeParse(this.schema, json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigError(this.file, `${this.file} is not valid: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}; fix or move it: certops will not write to it meanwhile`);
    }
    return parsed.data;
  }

  async update<R>(change: (current: T) => { data: T; result: R }): Promise<R> {
    // Loaded for changes only: reading the state or the inventory needs neither.
    const [{ default: lockfile }, { writeFile }] = await Promise.all([import('proper-lockfile'), import('atomically')]);
    // proper-lockfile retries every error, not only a held lock: on a read-only or missing folder
    // its 200 retries would hang for a minute and a half before failing. Said at once instead.
    try {
      accessSync(dirname(this.file), constants.W_OK);
    } catch (error) {
      throw new ConfigError(this.file, `${this.file} cannot be written: its folder is not writable (${(error as NodeJS.ErrnoException).code ?? 'error'}); it is unchanged`);
    }
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(this.file, {
        lockfilePath: `${this.file}.lock`,
        realpath: false,
        stale: 30_000,
        retries: { retries: 200, factor: 1.2, minTimeout: 10, maxTimeout: 500, randomize: true },
      });
    } catch (error) {
      throw new ConfigError(this.file, `${this.file} cannot be locked (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): another certops process may hold ${this.file}.lock; it is unchanged`);
    }
    try {
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
}
