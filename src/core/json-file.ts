/**
 * A JSON document of certops' own (operational state, the certificate inventory) that is not
 * conf's business: validated with zod on read, replaced atomically (atomically writes a temporary
 * file and renames it, so a crash leaves the old or the new file, never half of one), and changed
 * under a lock. Like the configuration, a file that fails validation is never overwritten.
 */
import { readFileSync } from 'node:fs';
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
    const release = await lockfile.lock(this.file, {
      lockfilePath: `${this.file}.lock`,
      realpath: false,
      stale: 30_000,
      retries: { retries: 200, factor: 1.2, minTimeout: 10, maxTimeout: 500, randomize: true },
    });
    try {
      const { data, result } = change(this.read());
      await writeFile(this.file, JSON.stringify(z.parse(this.schema, data)), { mode: 0o600 });
      return result;
    } finally {
      await release();
    }
  }
}
