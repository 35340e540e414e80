/**
 * What a command's failure becomes: a usage error's message and hint (exit 2), a known problem's
 * own exit code, or, for anything else, the error itself for the process entry to report.
 */
import { ExitCode, UsageError } from './exit-codes.js';
import type { CliIo } from './io.js';
import { printableMessage } from '../rules/control-characters.js';

export async function exitCodeOfFailure(error: unknown, io: CliIo, command: string): Promise<number> {
  if (error instanceof UsageError) {
    const help = error.command ? `certops ${error.command} --help` : 'certops --help';
    // Input quoted in the message never acts on the terminal (an escape sequence given as a name).
    io.stderr.write(`certops${error.command ? ` ${error.command}` : ''}: ${printableMessage(error.message)}\nRun '${help}' for usage.\n`);
    return ExitCode.usage;
  }
  // Loaded only on an error: it reaches into the core, which --version must not load.
  const { exitCodeFor } = await import('./context.js');
  const code = exitCodeFor(error, io, command);
  if (code !== null) return code;
  throw error;
}
