/** Renders the console and resolves when the operator quits. Imported only for the console. */
import { render } from 'ink';
import type { ConsoleServices } from '../core/services.js';
import { App } from './app.js';

export async function runConsole(services: ConsoleServices): Promise<void> {
  const instance = render(<App services={services} />, {
    exitOnCtrlC: true,
    patchConsole: false,
    // Over SSH every byte counts: at most 30 frames a second.
    maxFps: 30,
  });
  await instance.waitUntilExit();
}
