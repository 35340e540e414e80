/** Process entry of the bundle: run the command, set the exit code, report crashes plainly. */
import { processIo } from './io.js';
import { main } from './main.js';

try {
  process.exitCode = await main(process.argv.slice(2), processIo());
} catch (error) {
  // An unexpected failure is a bug: say so in one line, with the stack only when asked for.
  const detail = error instanceof Error ? (process.env.CERTOPS_DEBUG ? error.stack : error.message) : String(error);
  process.stderr.write(`certops: internal error: ${detail}\n`);
  process.exitCode = 1;
}
