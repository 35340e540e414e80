/** Process entry of the bundle: run the command, set the exit code, report crashes plainly. */
import { processIo, quietOnClosedPipe } from './io.js';
import { main } from './main.js';

const pipeClosed = quietOnClosedPipe();
try {
  // A reader that went away (| head) leaves the command's own code: a problem found (a stuck
  // reissue, a failed check) stays reported; a command that only printed ends 0, as gh and kubectl.
  process.exitCode = await main(process.argv.slice(2), processIo());
} catch (error) {
  if (pipeClosed()) {
    // What failed was writing to a reader that had read all it wanted: not a bug, nothing to say.
    process.exitCode = 0;
  } else {
    // An unexpected failure is a bug: say so in one line, with the stack only when asked for.
    const detail = error instanceof Error ? (process.env.CERTOPS_DEBUG ? error.stack : error.message) : String(error);
    process.stderr.write(`certops: internal error: ${detail}\n`);
    process.exitCode = 1;
  }
}
