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

/**
 * A reader that closed the pipe (`certops timeline | head -1`) has read all it wanted: the rest of
 * the output is dropped instead of crashing on EPIPE, and the command still finishes what it
 * changes (a journal, a state file), never cut halfway. Returns whether a pipe was closed, for the
 * process entry to exit 0, as gh and kubectl do.
 */
export function quietOnClosedPipe(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): () => boolean {
  let closed = false;
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      closed = true;
    });
  }
  return () => closed;
}
