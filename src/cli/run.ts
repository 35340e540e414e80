/** Process entry of the bundle: run the command, set the exit code, report crashes plainly. */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { combinedExitCode, ExitCode } from './exit-codes.js';
import { failedOutputLine, processIo, watchOutput } from './io.js';
import { commandLabel, main } from './main.js';

const output = watchOutput();
const args = process.argv.slice(2);
try {
  // A reader that went away (| head) leaves the command's own code: a problem found (a stuck
  // reissue, a failed check) stays reported; a command that only printed ends 0, as gh and kubectl.
  process.exitCode = await main(args, processIo());
} catch (error) {
  if (output.pipeClosed() || output.failure() !== null) {
    // What failed was writing the output: said below (a full disk) or nothing to say (a closed pipe).
    process.exitCode = 0;
  } else {
    // An unexpected failure is a bug: say so in one line, with the stack only when asked for.
    const detail = error instanceof Error ? (process.env.CERTOPS_DEBUG ? error.stack : error.message) : String(error);
    process.stderr.write(`certops: internal error: ${detail}\n`);
    process.exitCode = 1;
  }
}
// A write error is reported by the stream a turn after the write that met it.
await nextTurn();
const failure = output.failure();
if (failure !== null) {
  // Output that never arrived (a full disk) is a problem for a person to fix: exit 1 (README,
  // "Exit codes"), unless the command found one of its own; what it changed stays changed.
  process.stderr.write(`certops ${commandLabel(args)}: ${failedOutputLine(failure)}\n`);
  process.exitCode = combinedExitCode([Number(process.exitCode ?? 0), ExitCode.problem]);
}
