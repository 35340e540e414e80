/** `certops sync`: placeholder until the command lands (issue 5). */
import { UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';

export const summary = 'sync';
export const help = 'Usage: certops sync (not available yet)\n';

export async function run(_args: readonly string[], _io: CliIo): Promise<number> {
  throw new UsageError('this command is not available yet', 'sync');
}
