/**
 * `certops demo` (the README's first command) as a newcomer runs it, on a real pseudo-terminal
 * (util-linux `script`): the four sandboxes, the console marked SANDBOX, and the demo's temporary
 * configuration (with the sandboxes' test passwords) gone afterwards, whether the operator quits or
 * the terminal goes away. Before the console opens, the demo has made reissues at several stages
 * through the real reissue run, which `certops reissue status` reads from its configuration.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runBin } from '../helpers/cli.js';

/** Starts the demo on a terminal of its own, with its own TMPDIR, and waits for the dashboard. */
const temporary: string[] = [];
afterAll(() => {
  for (const folder of temporary) rmSync(folder, { recursive: true, force: true });
});

function demoOnTerminal(): Promise<{ child: ChildProcess; temp: string; screen: () => string; exited: Promise<number | null> }> {
  const temp = mkdtempSync(join(tmpdir(), 'certops-demo-test-'));
  temporary.push(temp);
  const command = `stty cols 100 rows 30; exec '${process.execPath}' '${BIN}' demo --today 2026-11-23`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: temp, XDG_CACHE_HOME: temp, TMPDIR: temp, TERM: 'xterm-256color' },
  });
  let screen = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8');
  });
  child.stdin?.on('error', () => {});
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    const poll = setInterval(() => {
      if (screen.includes('SANDBOX') && screen.includes('in 7 days')) {
        clearInterval(poll);
        resolve({ child, temp, screen: () => screen, exited });
      } else if (Date.now() > deadline) {
        clearInterval(poll);
        child.kill('SIGKILL');
        reject(new Error(`no dashboard within 60 s:\n${screen.slice(-800)}`));
      }
    }, 50);
  });
}

const demoFolders = (temp: string) => readdirSync(temp).filter((name) => name.startsWith('certops-demo-'));

describe('certops demo on a terminal', { timeout: 120_000 }, () => {
  it('shows the four sandbox modules, and q stops the sandboxes and removes the demo configuration', async () => {
    const demo = await demoOnTerminal();
    expect(demoFolders(demo.temp)).toHaveLength(1);
    for (const name of ['LeaderTelecom sandbox', 'Ispmanager (SSL) sandbox', 'GlobalSign sandbox', 'ENOM sandbox']) expect(demo.screen()).toContain(name);
    expect(demo.screen()).toMatch(/certops demo: following reissues on the sandboxes… \d+ served, \d+ collected, \d+ validating, 1 failed/);

    // The reissues the demo made, as the scripted twin reads them from the demo's configuration.
    const env = { CERTOPS_CONFIG_DIR: join(demo.temp, demoFolders(demo.temp)[0] as string, 'config') };
    const status = await runBin(['reissue', 'status', '--now', '2026-11-23', '--json'], env);
    expect(status.code, status.stderr).toBe(0);
    const reissues = (JSON.parse(status.stdout) as { reissues: { module: string; stage: string; detail: string; files: { key: string | null } | null }[] }).reissues;
    const of = (stage: string) => reissues.filter((entry) => entry.stage === stage);
    // Ispmanager (SSL) has the demo's deploy hook: its validated reissues are served by the demo's web server.
    expect(of('served').length).toBeGreaterThan(0);
    expect(of('served').every((entry) => entry.module === 'Ispmanager (SSL) sandbox' && entry.files?.key !== null)).toBe(true);
    // The other modules have none: collected, with a task to install them.
    expect(new Set(of('collected').map((entry) => entry.module))).toEqual(new Set(['GlobalSign sandbox', 'ENOM sandbox']));
    expect(of('failed')).toHaveLength(1);
    expect(of('failed')[0]?.detail).toMatch(/domain control validation failed/);
    expect(of('validating').length).toBeGreaterThan(of('served').length);
    // The reissue begun in LeaderTelecom's panel joined the ledger at the sync.
    expect(of('validating').some((entry) => entry.module === 'LeaderTelecom sandbox')).toBe(true);
    const tasks = await runBin(['tasks', '--json'], env);
    const whats = (JSON.parse(tasks.stdout) as { tasks: { what: string }[] }).tasks.map((task) => task.what);
    expect(whats.filter((what) => what.startsWith('install the new certificate'))).toHaveLength(of('collected').length);
    expect(whats.filter((what) => what === 'reissue the certificate by hand').length).toBeGreaterThan(0);

    demo.child.stdin?.write('q');
    expect(await demo.exited).toBe(0);
    expect(demo.screen()).toContain('certops demo: stopped the sandboxes and removed the demo configuration');
    expect(demoFolders(demo.temp)).toEqual([]);
  });

  // Leaving while a check or a sync is under way: the cancelled calls settle before the demo removes
  // its folder, nothing is written (or logged) after, and the exit code is the operator's (0 for q,
  // 130 for Ctrl+C), with no stack trace.
  for (const [start, leave, code] of [
    ['c', 'q', 0],
    ['s', '\u0003', 130],
    ['c', '\u0003', 130],
  ] as const) {
    it(`${start} then ${leave === 'q' ? 'q' : 'Ctrl+C'} at once exits ${code} and leaves nothing behind`, async () => {
      const demo = await demoOnTerminal();
      demo.child.stdin?.write(start);
      await new Promise((resolve) => setTimeout(resolve, 30));
      demo.child.stdin?.write(leave);
      expect(await demo.exited, demo.screen().slice(-1500)).toBe(code);
      expect(demo.screen()).not.toMatch(/Error|\bat async\b|file:\/\//);
      // Whatever was still under way had until the exit to write; a little more for good measure.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(demoFolders(demo.temp)).toEqual([]);
    });
  }

  it('removes the demo configuration when the terminal goes away (hang-up)', async () => {
    const demo = await demoOnTerminal();
    expect(demoFolders(demo.temp)).toHaveLength(1);
    // The terminal closes: the kernel hangs up the console's session.
    demo.child.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    while (demoFolders(demo.temp).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(demoFolders(demo.temp)).toEqual([]);
  });
});
