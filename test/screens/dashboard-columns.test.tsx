import stringWidth from 'string-width';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { syncModules } from '../../src/core/sync.js';
import { recordCheck } from '../../src/core/modules.js';
import { addSandboxModules, startSandboxes } from '../../src/core/sandboxes.js';
import { renderConsole, servicesFor } from '../helpers/console.js';
import { TODAY, workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

/** The demo's four modules, named as the demo names them ("Ispmanager (SSL) sandbox"), synced. */
async function demoLike() {
  const workspace = harness.fresh();
  const sandboxes = await startSandboxes({ providers: ['leadertelecom', 'ispmanager', 'globalsign', 'enom'], port: 0, tls: false, certificates: 40, latencyMs: 0, faults: [], today: TODAY });
  harness.running.push(...sandboxes);
  const modules = await addSandboxModules(workspace, sandboxes, {
    name: (title) => `${title} sandbox`,
    department: 'SSL support',
    dataCenter: 'DC1',
    minimalBalance: (index) => (index === 1 ? 20_000 : 100),
  });
  await syncModules(workspace, modules, workspace.runtime());
  return { workspace, sandboxes, modules };
}

afterEach(() => {
  vi.useRealTimers();
});
/** Where each header word starts: the columns' places. */
const places = (frame: string) => {
  const header = frame.split('\n').find((line) => line.startsWith(' Name')) ?? '';
  return ['Last check', 'Balance/minimal', '7/30/90'].map((word) => header.indexOf(word));
};

describe('dashboard: columns that stay put and values that stay whole', { timeout: 30_000 }, () => {
  it('at 80x24 the age does not move the columns, names and ages are whole; at 160 the width is used', async () => {
    const { workspace, sandboxes, modules } = await demoLike();
    const globalsign = modules.find((m) => m.provider === 'globalsign');
    if (!globalsign) throw new Error('no module');
    // A check after the sync: the newest word from GlobalSign is the refusal.
    await recordCheck(workspace, globalsign.id, { ok: false, module: globalsign.parameters.name, provider: 'globalsign', message: 'x', cause: 'ip-not-allowed', detail: 'x', steps: [], checkedAt: new Date().toISOString() });
    let ui = await renderConsole(servicesFor(workspace, sandboxes));
    const fresh = ui.rawFrame().includes('Due: ') ? ui.rawFrame() : (await ui.waitFor(/Due: \d/), ui.rawFrame());
    ui.unmount();
    for (const name of ['LeaderTelecom sandbox', 'Ispmanager (SSL) sandbox', 'GlobalSign sandbox', 'ENOM sandbox']) expect(fresh).toMatch(new RegExp(`^[ ›]${name.replace(/[()]/g, '\\$&')} `, 'm'));
    expect(fresh).toMatch(/✗ IP refused \d+s ago/);

    // 45 minutes on: every age is longer ("45m ago"), the columns stay where they were.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 45 * 60_000);
    ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor(/Due: \d/);
    const older = ui.rawFrame();
    ui.unmount();
    expect(older).toMatch(/✗ IP refused 45m ago/);
    expect(places(older)).toEqual(places(fresh));
    expect(older.split('\n').filter((line) => stringWidth(line) > 80)).toEqual([]);

    // 160 columns: the rows spread over the width rather than stop at about 100.
    ui = await renderConsole(servicesFor(workspace, sandboxes), { columns: 160, rows: 45 });
    await ui.waitFor(/Due: \d/);
    const wide = ui.rawFrame().split('\n');
    ui.unmount();
    const header = wide.find((line) => line.startsWith(' Name')) ?? '';
    expect(header.trimEnd().length).toBeGreaterThan(140);
    expect(wide.filter((line) => stringWidth(line) > 160)).toEqual([]);
  });

  it('balances: the wording and the * of the balances screen on the dashboard, and a failed read said as such', async () => {
    const { workspace, sandboxes } = await demoLike();
    const globalsign = sandboxes.find((s) => s.provider === 'globalsign');
    if (!globalsign) throw new Error('no sandbox');
    globalsign.sandbox.faults.add('ip-not-allowed');
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.press('b');
    const balances = await ui.waitFor('Balances as of');
    // The status is whole at 80 columns, in BILLmanager's words; the provider column goes first.
    expect(balances).toMatch(/Ispmanager \(SSL\) sandbox +15,000 RUB +20,000 ▼ under the minimal balance/);
    expect(balances).toMatch(/ENOM sandbox +1,150 USD\* /);
    await ui.press('\u001B');
    const dashboard = await ui.waitFor(/Due: \d/);
    expect(dashboard).toMatch(/ENOM sandbox .*1,150 USD\*\/100/);
    expect(dashboard).toMatch(/GlobalSign sandbox .*✗ read failed\/100/);
    ui.unmount();
  });
});
