/**
 * Renders the console with ink-testing-library at a given size, over the real core (a temporary
 * workspace and the providers' sandboxes), and drives it with keys.
 */
import { render } from 'ink-testing-library';
import { App } from '../../src/screens/app.js';
import type { ScreenSpec } from '../../src/screens/context.js';
import { ConsoleServices } from '../../src/core/services.js';
import { sandboxAccountsOf, type StartedSandbox } from '../../src/core/sandboxes.js';
import type { Workspace } from '../../src/core/workspace.js';
import type { Day } from '../../src/rules/calendar.js';
import { TODAY } from './workspace.js';

export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  left: '\u001B[D',
  right: '\u001B[C',
  pageDown: '\u001B[6~',
  pageUp: '\u001B[5~',
  home: '\u001B[H',
  end: '\u001B[F',
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  backspace: '\u007F',
  ctrlU: '\u0015',
} as const;

const tick = () => new Promise((resolve) => setTimeout(resolve, 15));

/** Frame text with what changes from run to run replaced (paths, ports, times). */
export function normalize(frame: string): string {
  return frame
    .replace(/\/tmp\/certops-[\w-]+\/config/g, '<config>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
    .replace(/(SANDBOX test password: )\S+/g, '$1<sandbox password>')
    .replace(/\b\d+[smhd] ago\b/g, '<ago>')
    .replace(/\bas of \d\d:\d\d:\d\d UTC\b/g, 'as of <time> UTC')
    .replace(/(\d+ ms|✗ [\w-]+) \d+[smhd]\b/g, '$1 <ago>')
    .replace(/\b(in|ok,?) \d+ ms\b/g, '$1 <n> ms')
    .replace(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/g, '⠋');
}

export function servicesFor(workspace: Workspace, sandboxes: readonly StartedSandbox[] = [], today: Day = TODAY): ConsoleServices {
  return new ConsoleServices(workspace, { today, sandbox: sandboxes.length > 0, sandboxAccounts: sandboxAccountsOf(sandboxes), runtime: { readRetries: 0 } });
}

export interface ConsoleDriver {
  frame(): string;
  /** The frame as written, for width checks. */
  rawFrame(): string;
  frames(): readonly string[];
  /** Writes keys (one chunk), then waits for the console to settle. */
  press(...keys: string[]): Promise<string>;
  /** Waits until the frame contains `text` (or matches), failing with the last frame after a timeout. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  unmount(): void;
}

export async function renderConsole(services: ConsoleServices, options: { columns?: number; rows?: number; initial?: ScreenSpec } = {}): Promise<ConsoleDriver> {
  const instance = render(
    <App services={services} size={{ columns: options.columns ?? 80, rows: options.rows ?? 24 }} {...(options.initial ? { initial: options.initial } : {})} />,
  );
  // useInput subscribes in an effect: a key written before it is lost.
  await tick();
  await tick();
  const frame = () => normalize(instance.lastFrame() ?? '');
  const waitFor = async (text: string | RegExp, timeoutMs = 4000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = frame();
      if (typeof text === 'string' ? current.includes(text) : text.test(current)) return current;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; the last frame was:\n${current}`);
      await tick();
    }
  };
  return {
    frame,
    rawFrame: () => instance.lastFrame() ?? '',
    frames: () => instance.frames.map(normalize),
    async press(...keys) {
      for (const key of keys) {
        instance.stdin.write(key);
        await tick();
      }
      await tick();
      return frame();
    },
    waitFor,
    unmount: () => instance.unmount(),
  };
}
