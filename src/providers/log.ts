/**
 * Per-module logs as BILLmanager keeps them: one file per module kind (pmenomssl.log, …) with a
 * debug level 0–9 set by debug.conf-style lines. Every line passes through redaction, so a secret
 * cannot reach a log even from a careless call. Files are owner-only and rotate at a size limit.
 */
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { redact } from './redact.js';

/** BILLmanager's levels: what each number adds to the log. */
export const LOG_LEVELS = {
  0: 'nothing',
  1: 'notes',
  2: 'critical errors',
  3: 'errors',
  4: 'warnings',
  5: 'request information',
  6: 'extended information',
  7: 'remote-service messages',
  8: 'code tracing',
  9: 'debug (whole requests and responses)',
} as const;
export type LogLevel = keyof typeof LOG_LEVELS;
export const DEFAULT_LOG_LEVEL: LogLevel = 4;

export interface ModuleLog {
  /** The level in force: a message is written when its level is at most this. */
  readonly level: number;
  write(level: LogLevel, message: string): void;
}

export const silentLog: ModuleLog = { level: 0, write: () => {} };

export interface FileLogOptions {
  readonly directory: string;
  readonly logName: string;
  readonly level: number;
  readonly secrets: readonly string[];
  /** Rotate when the file would pass this size (default 10 MiB). */
  readonly maxBytes?: number;
  /** Rotated files kept beside the live one (default 3: name.log.1 … name.log.3). */
  readonly keep?: number;
  readonly now?: () => Date;
}

export function fileLog(options: FileLogOptions): ModuleLog {
  const { directory, logName, level, secrets } = options;
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const keep = options.keep ?? 3;
  const now = options.now ?? (() => new Date());
  const path = join(directory, `${logName}.log`);
  let size: number | null = null;

  const rotate = () => {
    rmSync(`${path}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i -= 1) {
      try {
        renameSync(`${path}.${i}`, `${path}.${i + 1}`);
      } catch {
        // A missing generation is fine.
      }
    }
    renameSync(path, `${path}.1`);
    size = 0;
  };

  return {
    level,
    write(messageLevel, message) {
      if (messageLevel > level || level === 0) return;
      const line = `${now().toISOString()} [${logName}] L${messageLevel} ${redact(message, secrets).replace(/\r?\n/g, '\n    ')}\n`;
      if (size === null) {
        mkdirSync(directory, { recursive: true, mode: 0o700 });
        try {
          size = statSync(path).size;
        } catch {
          size = 0;
        }
      }
      const bytes = Buffer.byteLength(line);
      if (size > 0 && size + bytes > maxBytes) rotate();
      appendFileSync(path, line, { mode: 0o600 });
      size += bytes;
    },
  };
}
