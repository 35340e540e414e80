import { getSystemErrorMap } from 'node:util';

/** The process streams and environment a command may use; tests pass their own. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** What became of the process's output: a reader that closed the pipe, or another write error. */
export interface OutputWatch {
  /** A reader closed the pipe (`certops timeline | head -1`): it had read all it wanted. */
  pipeClosed(): boolean;
  /** The first other write error of stdout (a full disk: ENOSPC; EIO), or null. */
  failure(): NodeJS.ErrnoException | null;
}

/**
 * A failed write never crashes the command: the rest of the output is dropped (a stream that
 * failed takes no more writes) and the command still finishes what it changes (a journal, a
 * state file), never cut halfway. A closed pipe is the reader's choice, as gh and kubectl treat
 * it; any other error is reported by the process entry (see failedOutputLine).
 */
export function watchOutput(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): OutputWatch {
  let closed = false;
  let failure: NodeJS.ErrnoException | null = null;
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') closed = true;
      else failure ??= error;
    });
  }
  return { pipeClosed: () => closed, failure: () => failure };
}

/** "cannot write the output: no space left on device (ENOSPC)", in the system's own words. */
export function failedOutputLine(error: NodeJS.ErrnoException): string {
  const known = typeof error.errno === 'number' ? getSystemErrorMap().get(error.errno) : undefined;
  const reason = known ? `${known[1]} (${known[0]})` : error.code ?? error.message;
  return `cannot write the output: ${reason}`;
}
