/** `certops balance --notify`: the processing module low balance message, once per module and day. */
import { describe, expect, it } from 'vitest';
import { setDepartment, setSmtp } from '../../src/core/messages/settings.js';
import { runBin } from '../helpers/cli.js';
import { smtpHarness } from '../helpers/smtp.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();
const smtp = smtpHarness();

describe('certops balance --notify', { timeout: 60_000 }, () => {
  it("sends the low balance message to the module's department once a day, and nothing for a module above its minimum", async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom', 'ispmanager']);
    const env = { CERTOPS_CONFIG_DIR: workspace.directory };
    const enom = sandboxes.find((s) => s.provider === 'enom');
    const low = 'enom sandbox';
    expect((await runBin(['module', 'edit', low, '--min-balance', String((enom?.sandbox.account.balance ?? 0) + 1000)], env)).code).toBe(0);
    expect((await runBin(['module', 'edit', 'ispmanager sandbox', '--min-balance', '1'], env)).code).toBe(0);
    const server = await smtp.start();
    await setSmtp(workspace, { host: '127.0.0.1', port: server.port, security: 'none', from: 'certops <certops@example.com>' });
    await setDepartment(workspace, 'SSL desk', ['ssl-desk@example.com']);

    const first = await runBin(['balance', '--all', '--notify', '--json'], env);
    expect(first.code).toBe(1);
    const results = JSON.parse(first.stdout).results as { module: string; status: string; notified?: string }[];
    expect(results.find((r) => r.module === low)).toMatchObject({ status: 'under-minimum', notified: 'smtp' });
    expect(results.find((r) => r.module === 'ispmanager sandbox')?.notified).toBeUndefined();
    expect(server.received).toHaveLength(1);
    expect(server.received[0]?.envelope.to).toEqual(['ssl-desk@example.com']);
    expect(server.received[0]?.parsed.text).toContain(low);

    const second = await runBin(['balance', '--all', '--notify', '--json'], env);
    expect((JSON.parse(second.stdout).results as { module: string; notified?: string }[]).find((r) => r.module === low)?.notified).toBe('already-sent');
    expect(server.received).toHaveLength(1);

    // Without --notify, nothing is sent.
    await runBin(['balance', '--all'], env);
    expect(server.received).toHaveLength(1);
  });
});
