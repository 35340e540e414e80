/**
 * The reissue run's journal: one JSON line per step, appended and fsync'd before the run goes on,
 * so a run killed at any moment leaves a record of every provider call it started. An action is
 * written as `intent` before its provider call and `done` (or `task`, `retry`, `in-doubt`) after;
 * an `intent` with nothing after it is a call whose outcome is unknown, looked up on the provider
 * before anything is tried again.
 *
 * Appends are made under the run lock only. A line torn by a crash (no final newline) was never
 * acted on (the call comes after the fsync), so it is cut off before the next append.
 */
import { closeSync, constants, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { InputFileError, readOwnFile } from '../input-file.js';
import { dirname } from 'node:path';
import * as z from '../../providers/zod.js';

const snapshotSchema = z.object({
  certificateId: z.string(),
  mainDomain: z.string(),
  orderDate: z.nullable(z.string()),
  validFrom: z.nullable(z.string()),
  validTo: z.nullable(z.string()),
});

const base = { key: z.string(), at: z.string(), run: z.string() };

export const journalRecordSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('intent'),
    ...base,
    moduleId: z.number(),
    action: z.enum(['reissue', 'notify-client', 'manual-task']),
    snapshot: snapshotSchema,
    /** Where the CSR came from, and the new private key's file when certops made one. */
    csr: z.optional(z.object({ source: z.enum(['original', 'generated', 'reused-key']), keyFile: z.optional(z.string()) })),
    /** For a manual task: why, so a run that stops before opening it opens it with the same reason. */
    why: z.optional(z.string()),
  }),
  /** Finished: the provider reissued, the client was notified, the task exists. */
  z.object({ type: z.literal('done'), ...base, detail: z.string(), certificateId: z.optional(z.string()) }),
  /** Finished as a manual task for the module's department (a refusal, an unknown outcome). */
  z.object({ type: z.literal('task'), ...base, taskId: z.string(), reason: z.string() }),
  /** Not carried out and certainly not applied (the provider could not be reached): a later run tries again. */
  z.object({ type: z.literal('retry'), ...base, cause: z.string(), detail: z.string() }),
  /** Sent, but no answer came: looked up on the provider before anything else. */
  z.object({ type: z.literal('in-doubt'), ...base, cause: z.string(), detail: z.string() }),
  /** The lookup of an in-doubt call found it had not been applied: it may be tried again. */
  z.object({ type: z.literal('not-applied'), ...base, detail: z.string() }),
]);

export type JournalRecord = z.infer<typeof journalRecordSchema>;
export type IntentRecord = Extract<JournalRecord, { type: 'intent' }>;

/** Where an action stands after the records so far. */
export type ActionState =
  | { readonly state: 'finished'; readonly last: JournalRecord }
  | { readonly state: 'in-doubt'; readonly intent: IntentRecord }
  | { readonly state: 'open'; readonly attempts: number };

export class JournalError extends Error {
  override readonly name = 'JournalError';
}

/**
 * An append-only file of JSON lines, each checked against a schema when read: the storage of the
 * journal and of the reissue ledger (ledger.ts). Appends are fsync'd before they return and made
 * under the run lock only; a line torn by a crash (no final newline) was never acted on, so it is
 * left out when read and cut off before the next append. A damaged complete line is an error,
 * never skipped.
 */
/** A journal of years of daily runs is a few MiB; more than this is not certops'. */
const APPEND_LOG_MAX_BYTES = 256 * 1024 * 1024;

export class AppendLog<T> {
  constructor(
    readonly file: string,
    private readonly schema: z.ZodMiniType<T>,
    /** What the file is, for messages ("the reissue journal"). */
    private readonly what: string,
    /** What one line is ("a journal record"). */
    private readonly recordName: string,
  ) {}

  read(): T[] {
    let text: string;
    try {
      // A regular file only, bounded: a FIFO or a device in its place would hang the run holding its lock.
      const bytes = readOwnFile(this.file, APPEND_LOG_MAX_BYTES);
      if (bytes === null) return [];
      text = bytes.toString('utf8');
    } catch (error) {
      if (error instanceof InputFileError) throw new JournalError(`${this.what}: ${error.message}`);
      throw error;
    }
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    const records: T[] = [];
    let lineNumber = 0;
    for (const line of complete.split('\n')) {
      lineNumber += 1;
      if (line === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new JournalError(`${this.what} ${this.file} has a damaged line ${lineNumber}; move the file aside only after checking its actions on the provider`);
      }
      const checked = this.schema.safeParse(parsed);
      if (!checked.success) throw new JournalError(`${this.what} ${this.file} line ${lineNumber} is not ${this.recordName}: ${checked.error.issues[0]?.message ?? ''}`);
      records.push(checked.data);
    }
    return records;
  }

  /** Appends records and makes them durable before returning. */
  append(...records: T[]): void {
    if (records.length === 0) return;
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const fd = openSync(this.file, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK | constants.O_NOCTTY, 0o600);
    try {
      if (!fstatSync(fd).isFile()) throw new JournalError(`${this.what}: ${this.file} is not a regular file; certops keeps its data in regular files only: move it aside`);
      this.cutTornTail(fd);
      writeSync(fd, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** A crash in the middle of an append leaves a line without its newline: cut it off. */
  private cutTornTail(fd: number): void {
    const size = fstatSync(fd).size;
    if (size === 0) return;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] === 0x0a) return;
    const bytes = Buffer.alloc(size);
    readSync(fd, bytes, 0, size, 0);
    ftruncateSync(fd, bytes.lastIndexOf(0x0a) + 1);
  }
}

export class Journal extends AppendLog<JournalRecord> {
  constructor(file: string) {
    super(file, journalRecordSchema as unknown as z.ZodMiniType<JournalRecord>, 'the reissue journal', 'a journal record');
  }
}

/** The state of every action key, folding its records in order. */
export function actionStates(records: readonly JournalRecord[]): Map<string, ActionState> {
  const states = new Map<string, ActionState>();
  for (const record of records) {
    const previous = states.get(record.key);
    switch (record.type) {
      case 'intent':
        states.set(record.key, { state: 'in-doubt', intent: record });
        break;
      case 'done':
      case 'task':
        states.set(record.key, { state: 'finished', last: record });
        break;
      case 'in-doubt':
        // Already in doubt since its intent; the record says why.
        break;
      case 'retry':
      case 'not-applied':
        states.set(record.key, { state: 'open', attempts: (previous?.state === 'open' ? previous.attempts : 0) + 1 });
        break;
    }
  }
  return states;
}
