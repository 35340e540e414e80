/**
 * A provider that hangs (a loopback server that accepts and never answers): the screen says what
 * it waits for and for how long, and q leaves at once, cancelling the call rather than waiting
 * out its 30 s timeout. The counter comes from the console's one clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { renderConsole, servicesFor } from '../helpers/console.js';
import { pointAtHang, startHangingServer, type HangingServer } from '../helpers/hanging-server.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();
const servers: HangingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function until(condition: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - started;
}

describe('console: a provider that hangs', { timeout: 30_000 }, () => {
  it('the check names the module it waits for and counts the seconds; q cancels the call at once and records nothing', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom', 'globalsign']);
    const hang = await startHangingServer();
    servers.push(hang);
    await pointAtHang(workspace, 'enom sandbox', hang);
    const services = servicesFor(workspace, sandboxes);
    const ui = await renderConsole(services);
    await ui.press('c');
    expect(await ui.waitFor(/Checking: 1 of 2 answered \(2 s\) · waiting for enom sandbox \(ENOM\)/, 5000)).toContain('globalsign sandbox');
    // Another call to the same provider, in flight when the operator leaves.
    const enom = services.modules().find((module) => module.parameters.name === 'enom sandbox');
    let balance: Awaited<ReturnType<typeof services.balance>> | null = null;
    void services.balance(enom as NonNullable<typeof enom>).then((result) => (balance = result));
    await until(() => hang.accepted() === 2, 2000);

    await ui.press('q');
    expect(services.aborted).toBe(true);
    // Cancelled at once, not after the provider's 30 s timeout.
    expect(await until(() => balance !== null, 1000)).toBeLessThan(1000);
    expect(balance).toMatchObject({ ok: false, detail: expect.stringContaining('was cancelled') });
    // A cancelled call is not the provider's failure: neither the check nor the balance is recorded.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const state = workspace.state.read();
    expect(state.checks[String(enom?.id)]).toBeUndefined();
    expect(JSON.stringify(state)).not.toContain('cancelled');
    ui.unmount();
  });

  it('balances and a sync name what they wait for and count the seconds', async () => {
    const { workspace, sandboxes } = await harness.withModules(['ispmanager', 'leadertelecom']);
    const hang = await startHangingServer();
    servers.push(hang);
    await pointAtHang(workspace, 'leadertelecom sandbox', hang);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.press('b');
    await ui.waitFor(/Querying 1 of 2 \(1 s\) · waiting for leadertelecom sandbox \(LeaderTelecom\)/, 5000);
    await ui.press('\u001B');
    await ui.press('s');
    await ui.waitFor(/Syncing \(1 s\): ispmanager sandbox (40\/40|waiting) · leadertelecom sandbox waiting/, 5000);
    ui.unmount();
  });
});
