/**
 * The console's own entry, built by scripts/build.mjs into a bundle of its own
 * (dist/console-main.js), which main() hands the console to on a terminal. In the scripted
 * commands' bundle the console's code is cut into the chunks it shares with the commands (36 files
 * before the first frame), and Node 20 spends ~0.6 ms on each ES module it loads (resolve, read,
 * link); here they are 27, and adding a command does not add to them. Everything the console runs
 * comes from this bundle, so no class (an error's `instanceof`) is met in two copies.
 */
import { run } from './commands/console.js';
import { exitCodeOfFailure } from './failure.js';
import type { CliIo } from './io.js';
import { applyColourPolicy, loadScreens } from './screens-loader.js';

export async function consoleMain(args: readonly string[], io: CliIo): Promise<number> {
  // Ink and yoga start loading now, alongside the console's own code; colour is decided first,
  // because chalk reads FORCE_COLOR once, when it loads.
  applyColourPolicy(args.includes('--no-color'));
  loadScreens().catch(() => {});
  try {
    return await run(args, io);
  } catch (error) {
    return await exitCodeOfFailure(error, io, 'console');
  }
}
