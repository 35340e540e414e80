/**
 * Files an operator names on the command line (a billmgr.conf, a password file, a CA file, a
 * message body), read with a size limit: a device such as /dev/urandom, or a huge file, would
 * otherwise be read until memory runs out. Regular files and pipes are read (`… | certops config
 * import /dev/stdin`); folders, devices and sockets are refused by name.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

export const MIB = 1024 * 1024;

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
    if (stats.isFIFO()) {
      // A pipe is read as it comes: blocking again, as `cat … |` writes at its own pace.
      closeSync(fd);
      fd = openSync(path, constants.O_RDONLY);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.alloc(64 * 1024);
    for (;;) {
      let read: number;
      try {
        read = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
          // A pipe left non-blocking by its writer's side: wait a moment rather than spin.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
          continue;
        }
        const code = (error as NodeJS.ErrnoException).code;
        throw new InputFileError(path, code === 'EISDIR' ? 'not-a-file' : 'unreadable', code === 'EISDIR' ? `${path} is a folder, not a file` : `${path} cannot be read (${code ?? 'error'})`);
      }
      if (read === 0) break;
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
