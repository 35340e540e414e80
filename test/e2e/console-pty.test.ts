/**
 * The built console on a real pseudo-terminal (util-linux `script`): what users run, with the
 * UI bundle and its V8 code cache (src/screens/vendor/load.ts), which the in-process screen tests
 * do not load.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { pointAtHang, startHangingServer } from '../helpers/hanging-server.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

interface Session {
  readonly screen: string;
  readonly code: number | null;
}

/** Starts the console on a terminal, waits for `text`, presses q and waits for the exit. */
function consoleOnTerminal(configDirectory: string, cacheHome: string, text: string, today = '2026-11-23'): Promise<Session> {
  return new Promise((resolve, reject) => {
    const command = `stty cols 100 rows 30; exec '${process.execPath}' '${BIN}' --config-dir '${configDirectory}' --today ${today}`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: cacheHome, XDG_CACHE_HOME: cacheHome, TERM: 'xterm-256color' },
    });
    let screen = '';
    let quit = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "${text}" within 20 s:\n${screen.slice(-800)}`));
    }, 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8');
      if (!quit && screen.includes(text)) {
        quit = true;
        child.stdin.write('q');
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ screen, code });
    });
  });
}

/**
 * Starts the console at a size, then plays `steps`: each waits for its text on the screen (since
 * the step before), then writes its keys. Resolves with the screen, the exit code and how long the
 * exit took after the last keys.
 */
function scriptedConsole(
  configDirectory: string,
  size: string,
  steps: readonly { readonly waitFor: string | RegExp; readonly keys: string }[],
): Promise<Session & { readonly exitMs: number }> {
  return new Promise((resolve, reject) => {
    const cacheHome = mkdtempSync(join(tmpdir(), 'certops-cache-'));
    const command = `stty ${size}; exec '${process.execPath}' '${BIN}' --config-dir '${configDirectory}' --today 2026-11-23`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: cacheHome, XDG_CACHE_HOME: cacheHome, TERM: 'xterm-256color' },
    });
    let screen = '';
    let seen = 0;
    let step = 0;
    let lastKeys = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`stuck at step ${step}:\n${screen.slice(-1500)}`));
    }, 40_000);
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8');
      const current = steps[step];
      if (!current) return;
      const fresh = screen.slice(seen);
      if (typeof current.waitFor === 'string' ? fresh.includes(current.waitFor) : current.waitFor.test(fresh)) {
        seen = screen.length;
        step += 1;
        lastKeys = Date.now();
        child.stdin.write(current.keys);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ screen, code, exitMs: Date.now() - lastKeys });
    });
  });
}

describe('the console on a terminal, leaving while a provider hangs', { timeout: 90_000 }, () => {
  it('Ctrl+C leaves at once, cancelling the call, and exits 130; the check said what it waited for', async () => {
    const { workspace } = await harness.withModules(['enom', 'globalsign']);
    const hang = await startHangingServer();
    try {
      await pointAtHang(workspace, 'enom sandbox', hang);
      const session = await scriptedConsole(workspace.directory, 'cols 100 rows 30', [
        { waitFor: 'globalsign sandbox', keys: 'c' },
        { waitFor: /answered \(2 s\) · waiting for enom sandbox/, keys: '\u0003' },
      ]);
      expect(session.code).toBe(130);
      expect(session.exitMs).toBeLessThan(2500);
    } finally {
      await hang.close();
    }
  });

  it('q leaves at once too, and exits 0', async () => {
    const { workspace } = await harness.withModules(['enom']);
    const hang = await startHangingServer();
    try {
      await pointAtHang(workspace, 'enom sandbox', hang);
      const session = await scriptedConsole(workspace.directory, 'cols 100 rows 30', [
        { waitFor: 'enom sandbox', keys: 'b' },
        { waitFor: /\(1 s\) · waiting for enom sandbox/, keys: 'q' },
      ]);
      expect(session.code).toBe(0);
      expect(session.exitMs).toBeLessThan(2500);
    } finally {
      await hang.close();
    }
  });
});

describe('the console on a terminal smaller than 80x24', { timeout: 60_000 }, () => {
  it('says what it needs instead of drawing the screen, and q still quits', async () => {
    const { workspace } = await harness.withModules(['enom']);
    const session = await scriptedConsole(workspace.directory, 'cols 60 rows 18', [{ waitFor: 'certops needs at least 80x24; this terminal is 60x18', keys: 'q' }]);
    expect(session.code).toBe(0);
    expect(session.screen).not.toContain('certops · Dashboard');
  });
});

const cacheFiles = (cacheHome: string) => readdirSync(join(cacheHome, 'certops')).filter((name) => name.endsWith('.v8cache'));

describe('the console on a terminal', { timeout: 90_000 }, () => {
  it('draws the dashboard, keeps a code cache owner-only, and uses it on the next start', async () => {
    const { workspace } = await harness.withModules(['globalsign']);
    const cacheHome = mkdtempSync(join(tmpdir(), 'certops-cache-'));
    // An earlier build's cache: replaced, not kept beside the new one.
    mkdirSync(join(cacheHome, 'certops'), { mode: 0o700 });
    writeFileSync(join(cacheHome, 'certops', 'ui-0123456789abcdef.v8cache'), 'old');

    const first = await consoleOnTerminal(workspace.directory, cacheHome, 'globalsign sandbox');
    expect(first.code).toBe(0);
    expect(first.screen).toContain('certops · Dashboard');
    expect(cacheFiles(cacheHome)).toHaveLength(1);
    const [name] = cacheFiles(cacheHome);
    // Named by the bundle's hash, the Node that compiled it and the arch.
    expect(name).toBe(`ui-${name?.slice(3, 19)}-node${process.versions.node}-${process.arch}.v8cache`);
    expect(name).toMatch(/^ui-[0-9a-f]{16}-/);
    const file = join(cacheHome, 'certops', name as string);
    expect(statSync(join(cacheHome, 'certops')).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const written = readFileSync(file);
    const { ino } = statSync(file);

    // Accepted by V8: drawn again, and the cache is not written a second time.
    const second = await consoleOnTerminal(workspace.directory, cacheHome, 'globalsign sandbox');
    expect(second.code).toBe(0);
    expect(second.screen).toContain('certops · Dashboard');
    expect(readFileSync(file).equals(written)).toBe(true);
    // A rewrite would be a new file renamed over it.
    expect(statSync(file).ino).toBe(ino);
    expect(cacheFiles(cacheHome)).toHaveLength(1);
  });

  it('starts as usual with a damaged cache, and replaces it', async () => {
    const { workspace } = await harness.withModules(['enom']);
    const cacheHome = mkdtempSync(join(tmpdir(), 'certops-cache-'));
    await consoleOnTerminal(workspace.directory, cacheHome, 'enom sandbox');
    const file = join(cacheHome, 'certops', cacheFiles(cacheHome)[0] as string);
    const garbage = Buffer.alloc(statSync(file).size, 0x5a);
    writeFileSync(file, garbage);

    const session = await consoleOnTerminal(workspace.directory, cacheHome, 'enom sandbox');
    expect(session.code).toBe(0);
    expect(session.screen).toContain('certops · Dashboard');
    expect(readFileSync(file).equals(garbage)).toBe(false);
  });

  it('starts as usual when the cache folder cannot be made', async () => {
    const { workspace } = await harness.withModules(['ispmanager']);
    const parent = mkdtempSync(join(tmpdir(), 'certops-cache-'));
    // $XDG_CACHE_HOME is a file: no folder can be made inside it.
    const notAFolder = join(parent, 'file');
    writeFileSync(notAFolder, '');
    const session = await consoleOnTerminal(workspace.directory, notAFolder, 'ispmanager sandbox');
    expect(session.code).toBe(0);
    expect(session.screen).toContain('certops · Dashboard');
  });

  // On a terminal the console runs from its own bundle (dist/console-main.js): its errors are
  // still told apart and worded as everywhere else.
  it('refuses a bad flag with the usual usage error and exit code 2', async () => {
    const { workspace } = await harness.withModules(['globalsign']);
    const session = await consoleOnTerminal(workspace.directory, mkdtempSync(join(tmpdir(), 'certops-cache-')), 'for usage', '2026-13-45');
    expect(session.code).toBe(2);
    expect(session.screen).toContain("certops console: --today: 2026-13-45 is not a calendar date");
    expect(session.screen).toContain("Run 'certops console --help' for usage.");
  });

  it('names a corrupt configuration file and exits with code 3', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'certops-config-'));
    writeFileSync(join(directory, 'config.json'), '{not json');
    const session = await consoleOnTerminal(directory, mkdtempSync(join(tmpdir(), 'certops-cache-')), 'will not write to it');
    expect(session.code).toBe(3);
    expect(session.screen).toContain(`certops console: ${join(directory, 'config.json')} is not valid JSON`);
  });
});

/** Runs certops with `args` on a terminal whose TERM is `term`; resolves with all it wrote and its exit code. */
function onTerminalAs(term: string, args: readonly string[]): Promise<Session> {
  return new Promise((resolve, reject) => {
    const cacheHome = mkdtempSync(join(tmpdir(), 'certops-cache-'));
    const command = `stty cols 100 rows 30; exec '${process.execPath}' '${BIN}' ${args.map((arg) => `'${arg}'`).join(' ')}`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: cacheHome, XDG_CACHE_HOME: cacheHome, TMPDIR: cacheHome, TERM: term },
    });
    let screen = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit within 20 s:\n${screen.slice(-800)}`));
    }, 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8');
      // Were the console to start anyway, q ends it (and the assertions below say what it drew).
      if (screen.includes('certops ·')) child.stdin.write('q');
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ screen, code });
    });
  });
}

// A dumb terminal (Emacs' shell, a serial console) cannot move the cursor: the console's frames
// would arrive as garbage. certops refuses as it does without a terminal, and names the scripted commands.
describe('the console on a dumb terminal (TERM=dumb)', { timeout: 60_000 }, () => {
  for (const args of [[], ['console'], ['demo']]) {
    it(`${['certops', ...args].join(' ')} refuses with exit code 2 and draws nothing`, async () => {
      const directory = mkdtempSync(join(tmpdir(), 'certops-config-'));
      const session = await onTerminalAs('dumb', [...args, '--config-dir', directory]);
      expect(session.code, session.screen).toBe(2);
      expect(session.screen).toContain('certops: this terminal (TERM=dumb) cannot draw the console; use the scripted commands:');
      expect(session.screen).toContain('certops timeline --within 30d');
      // Not one escape sequence, not one character a dumb terminal may not show.
      expect(session.screen).not.toMatch(/\u001B/);
      expect(session.screen).toMatch(/^[\x20-\x7E\r\n]*$/);
    });
  }
});
