import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, runMain } from '../helpers/cli.js';

describe('certops sandbox', () => {
  it.each([
    [['--fault', 'hang,nope'], '--fault: "nope" is not one of wrong-credentials, ip-not-allowed, locked, http-500, malformed, hang, oversized'],
    [['--provider', 'digicert'], '--provider: must be among leadertelecom, ispmanager, globalsign, enom (got "digicert")'],
    [['--port', '0'], '--port: must be a whole number from 1 to'],
    [['--large', '--certificates', '10'], '--large and --certificates cannot be used together'],
    [['--today', '2026-02-30'], '--today: 2026-02-30 is not a calendar date'],
    [['--latency', '-5'], '--latency: must be a whole number from 0 to 600000 (got "-5")'],
  ])('refuses %j with exit 2', async (args, message) => {
    const run = await runMain(['sandbox', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('starts, prints its endpoints as JSON, answers the real protocol, and stops on SIGTERM', async () => {
    const proc = spawn(process.execPath, [BIN, 'sandbox', '--provider', 'enom', '--certificates', '3', '--json', '--today', '2026-11-23'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const endpoints = await new Promise<{ provider: string; url: string; username: string; password: string; certificates: number }[]>((resolve, reject) => {
      proc.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        try {
          resolve((JSON.parse(out) as { sandboxes: { provider: string; url: string; username: string; password: string; certificates: number }[] }).sandboxes);
        } catch {
          // Not complete yet.
        }
      });
      proc.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    expect(endpoints).toHaveLength(1);
    const [enom] = endpoints;
    expect(enom).toMatchObject({ provider: 'enom', certificates: 3, username: 'sandbox-reseller' });
    const body = new URLSearchParams({ command: 'GetBalance', uid: enom?.username ?? '', pw: enom?.password ?? '', responsetype: 'xml' });
    const answer = await fetch(enom?.url ?? '', { method: 'POST', body });
    expect(await answer.text()).toContain('<Balance>1,204.10</Balance>');
    const exit = new Promise<number | null>((resolve) => proc.on('exit', resolve));
    proc.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(err).toContain('certops sandbox: stopped');
  });
});
