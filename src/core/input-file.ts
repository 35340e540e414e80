/**
 * Files an operator names on the command line (a billmgr.conf, a password file, a CA file, a
 * message body), read with a size limit: a device such as /dev/urandom, or a huge file, would
 * otherwise be read until memory runs out. Regular files and pipes are read (`… | certops config
 * import /dev/stdin`); folders, devices and sockets are refused by name.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

export const MIB = 1024 * 1024;

/** How long a FIFO may go without a writer, and a writer without writing, before it is refused. */
const FIFO_WRITER_WAIT_MS = 5_000;
const FIFO_QUIET_MS = 60_000;

/** What can go wrong, in words that follow the file's name. Each caller adds the flag it came from. */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
  constructor(
    readonly path: string,
    readonly reason: 'missing' | 'not-a-file' | 'too-large' | 'unreadable' | 'not-pem',
    message: string,
  ) {
    super(message);
  }
}

function sizeText(bytes: number): string {
  return bytes >= MIB ? `${bytes / MIB} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

function kindOf(stats: Stats): string | null {
  if (stats.isFile() || stats.isFIFO()) return null;
  if (stats.isDirectory()) return 'a folder';
  if (stats.isCharacterDevice()) return 'a device (or a terminal)';
  if (stats.isBlockDevice()) return 'a disk device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

/** The bytes of a file, at most `maxBytes`; throws InputFileError naming the file and the limit. */
export function readInputBytes(path: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    // Non-blocking, so opening a pipe nobody writes to does not wait before fstat can judge it.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputFileError(path, 'missing', `${path} does not exist`);
    if (code === 'EISDIR') throw new InputFileError(path, 'not-a-file', `${path} is a folder, not a file`);
    throw new InputFileError(path, 'unreadable', `${path} cannot be read (${code ?? 'error'})`);
  }
  try {
    const stats = fstatSync(fd);
    const kind = kindOf(stats);
    if (kind !== null) throw new InputFileError(path, 'not-a-file', `${path} is ${kind}, not a file`);
    if (stats.isFile() && stats.size > maxBytes) {
      throw new InputFileError(path, 'too-large', `${path} is larger than the ${sizeText(maxBytes)} certops reads from such a file (${stats.size} bytes)`);
    }
    // A pipe stays non-blocking and is read as it comes, within limits: a FIFO no process writes to
    // (or one whose writer went quiet) is refused rather than waited on forever by a read that not
    // even SIGTERM interrupts.
    const fifo = stats.isFIFO();
    const opened = Date.now();
    let lastData = opened;
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.alloc(64 * 1024);
    for (;;) {
      let read: number;
      try {
        read = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
          // A writer is there but has not written yet: wait a moment rather than spin.
          if (Date.now() - lastData > FIFO_QUIET_MS) throw new InputFileError(path, 'unreadable', `${path} is a pipe whose writer sent nothing for ${FIFO_QUIET_MS / 1000} s`);
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
          continue;
        }
        const code = (error as NodeJS.ErrnoException).code;
        throw new InputFileError(path, code === 'EISDIR' ? 'not-a-file' : 'unreadable', code === 'EISDIR' ? `${path} is a folder, not a file` : `${path} cannot be read (${code ?? 'error'})`);
      }
      if (read === 0 && fifo && total === 0) {
        // No writer yet (a named FIFO whose writer opens it a moment later), or none at all.
        if (Date.now() - opened > FIFO_WRITER_WAIT_MS) throw new InputFileError(path, 'not-a-file', `${path} is a pipe (FIFO) that no process writes to (waited ${FIFO_WRITER_WAIT_MS / 1000} s)`);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (read === 0) break;
      lastData = Date.now();
      total += read;
      // /proc files and pipes say nothing of their size up front: the limit is checked as they come.
      if (total > maxBytes) throw new InputFileError(path, 'too-large', `${path} is larger than the ${sizeText(maxBytes)} certops reads from such a file`);
      chunks.push(Buffer.from(chunk.subarray(0, read)));
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** A text file named on the command line (UTF-8), at most `maxBytes`. */
export function readInputFile(path: string, maxBytes: number): string {
  return readInputBytes(path, maxBytes).toString('utf8');
}

/** A stream (stdin) read to its end, at most `maxBytes`; `what` names it in the error. */
export async function readInputStream(stream: NodeJS.ReadableStream, maxBytes: number, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = Buffer.from(chunk as Buffer);
    total += bytes.length;
    if (total > maxBytes) {
      (stream as { destroy?: () => void }).destroy?.();
      throw new InputFileError(what, 'too-large', `${what} is larger than the ${sizeText(maxBytes)} certops reads from it`);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

/**
 * A file certops keeps itself (config.json, state.json, inventory.json, the journal, ...), at most
 * `maxBytes`; null when it does not exist. Only a regular file is read (a symlink to one is fine):
 * a FIFO, a device (/dev/zero, /dev/urandom) or a folder in its place is refused at once by fstat
 * after a non-blocking open, so no read can hang and hold a lock past SIGTERM. The InputFileError
 * names the file; callers make it their configuration problem.
 */
export function readOwnFile(path: string, maxBytes: number): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new InputFileError(path, 'unreadable', `${path} cannot be read (${code ?? 'error'})`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      const kind = stats.isFIFO() ? 'a pipe (FIFO)' : (kindOf(stats) ?? 'not a file');
      throw new InputFileError(path, 'not-a-file', `${path} is ${kind}, not a regular file; certops keeps its data in regular files only: move it aside`);
    }
    if (stats.size > maxBytes) throw new InputFileError(path, 'too-large', `${path} is larger than the ${sizeText(maxBytes)} certops reads from it (${stats.size} bytes)`);
    const buffer = Buffer.alloc(stats.size);
    let total = 0;
    // A regular file: reads end at its size; one that grows meanwhile is read as it was.
    while (total < buffer.length) {
      const read = readSync(fd, buffer, total, buffer.length - total, null);
      if (read === 0) break;
      total += read;
    }
    return buffer.subarray(0, total);
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw new InputFileError(path, 'unreadable', `${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  } finally {
    closeSync(fd);
  }
}
