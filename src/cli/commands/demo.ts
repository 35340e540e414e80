/** `certops demo`: the console on the four sandboxes (see console.ts). */
import type { CliIo } from '../io.js';
import { help as consoleHelp, run as runConsole } from './console.js';

export const summary = 'the console on the four providers\' sandboxes, with a fresh demo configuration';
export const help = consoleHelp;

export function run(args: readonly string[], io: CliIo): Promise<number> {
  return runConsole(args, io, true);
}
