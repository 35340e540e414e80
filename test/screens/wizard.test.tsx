import { describe, expect, it } from 'vitest';
import { PROVIDER_IDS, PROVIDERS, type ProviderId } from '../../src/providers/catalog.js';
import { providerModule } from '../../src/providers/registry.js';
import { listModules } from '../../src/core/modules.js';
import { KEY, renderConsole, servicesFor, type ConsoleDriver } from '../helpers/console.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

/** Types the integration fields: the sandbox's values, the password given, others left as they are. */
async function fillIntegration(ui: ConsoleDriver, provider: ProviderId, integration: Record<string, unknown>, password: string) {
  for (const field of providerModule(provider).fields) {
    if (field.kind === 'secret') await ui.press(`${KEY.ctrlU}${password}${KEY.enter}`);
    else if (field.kind === 'boolean' || field.key === 'ipAddress') await ui.press(KEY.enter);
    else if (field.key === 'apiUrl' || field.key === 'url') await ui.press(`${KEY.ctrlU}${String(integration[field.key])}${KEY.enter}`);
    else await ui.press(`${KEY.ctrlU}${String(integration[field.key] ?? '')}${KEY.enter}`);
  }
  // certops' Endpoint field: prefilled with the sandbox in the demo.
  await ui.press(KEY.enter);
}

describe('console: the add-module wizard, for each provider', { timeout: 30_000 }, () => {
  it.each(PROVIDER_IDS)('%s: a failed check, a fix, a successful check, saved', async (provider) => {
    const workspace = harness.fresh();
    const { sandboxes } = await harness.withModules([provider], 5);
    const [sandbox] = sandboxes;
    if (!sandbox) throw new Error('no sandbox');
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('No processing module yet');
    await ui.press('a');
    expect(await ui.waitFor('Step 1 of 5 · Product type')).toContain('› SSL certificates');
    await ui.press(KEY.enter);
    await ui.waitFor('Step 2 of 5 · Processing module');
    for (let i = 0; i < PROVIDER_IDS.indexOf(provider); i += 1) await ui.press(KEY.down);
    await ui.press(KEY.enter);
    const integrationStep = await ui.waitFor(`Step 3 of 5 · Integration settings — ${PROVIDERS[provider].title}`);
    for (const field of providerModule(provider).fields) expect(integrationStep).toContain(field.label);
    expect(integrationStep).toMatchSnapshot('integration settings');

    await fillIntegration(ui, provider, sandbox.integration, 'not-the-password');
    await ui.waitFor('Step 4 of 5 · Processing module parameters');
    if (PROVIDERS[provider].hasDataCenter) await ui.press(`Main DC${KEY.enter}`);
    await ui.press(`${provider} main${KEY.enter}`, `SSL support${KEY.enter}`, `10${KEY.enter}`, `100${KEY.enter}`);
    const failed = await ui.waitFor(PROVIDERS[provider].connectionFailedMessage);
    expect(failed).toContain('Cause: credentials rejected');
    expect(failed).toContain(PROVIDERS[provider].troubleshooting.parameters);
    expect(failed).not.toContain('not-the-password');
    expect(failed).toMatchSnapshot('failed check');
    expect(listModules(workspace)).toEqual([]);

    // Fix: e goes back to the integration settings on the field the cause points at (credentials
    // rejected: the password); the right password, then on through the check.
    await ui.press('e');
    const editing = await ui.waitFor('Step 3 of 5');
    const passwordIndex = providerModule(provider).fields.findIndex((f) => f.kind === 'secret');
    expect(editing.split('\n').find((line) => line.startsWith('›'))).toMatch(/^› Password/);
    await ui.press(`${KEY.ctrlU}${sandbox.sandbox.account.password}${KEY.enter}`);
    for (let i = passwordIndex + 1; i <= providerModule(provider).fields.length; i += 1) await ui.press(KEY.enter);
    await ui.waitFor('Step 4 of 5');
    for (let i = 0; i < (PROVIDERS[provider].hasDataCenter ? 5 : 4); i += 1) await ui.press(KEY.enter);
    await ui.waitFor('✓ Connected: the provider answered in');
    await ui.press(KEY.enter);
    const saved = await ui.waitFor('certops · Processing module ');
    expect(saved).toContain(`${provider} main (${PROVIDERS[provider].title}`);
    expect(saved).not.toContain(sandbox.sandbox.account.password);
    const [module] = listModules(workspace);
    expect(module).toMatchObject({ provider, notVerified: false, parameters: { name: `${provider} main`, sort: 10, minimalBalance: 100 } });
    expect(module?.integration.password).toBe(sandbox.sandbox.account.password);
    // The password typed never shows; only the demo's hint line names the sandbox's test password.
    const leaks = ui.frames().flatMap((f) => f.split('\n')).filter((line) => line.includes(sandbox.sandbox.account.password) && !line.startsWith('SANDBOX test password'));
    expect(leaks).toEqual([]);
    ui.unmount();
  });
});

describe('console: wizard behaviour', { timeout: 30_000 }, () => {
  it('judges fields as they are left, blocks a step until they are right, and saves nothing on Esc', async () => {
    const workspace = harness.fresh();
    const ui = await renderConsole(servicesFor(workspace));
    await ui.waitFor('No processing module yet');
    await ui.press('a', KEY.enter, KEY.down, KEY.down, KEY.down, KEY.enter);
    await ui.waitFor('Integration settings — ENOM');
    // The placeholder shows the default; the cursor (a bar: the tests run without colour) stands before it.
    expect(ui.frame()).toContain('API URL           ▏blank: https://reseller.enom.com/interface.asp');
    await ui.press(`${KEY.ctrlU}http://reseller.enom.com/interface.asp${KEY.enter}`);
    expect(await ui.waitFor('✗ plain http:// is refused for reseller.enom.com')).toMatchSnapshot('insecure URL refused');
    await ui.press(KEY.up, `${KEY.ctrlU}${KEY.enter}`, `reseller${KEY.enter}`, `pw${KEY.enter}`, KEY.enter);
    await ui.waitFor('Step 4 of 5');
    await ui.press(KEY.enter, `x${KEY.enter}`, `y${KEY.enter}`, `1.5${KEY.enter}`, `-3${KEY.enter}`);
    const blocked = await ui.waitFor('✗ sort must be a whole number');
    expect(blocked).toContain('✗ an ENOM processing module needs a data center');
    expect(blocked).toContain('✗ the minimal balance cannot be negative');
    expect(blocked).toContain('Step 4 of 5');
    expect(blocked).toMatchSnapshot('parameters refused');
    // Esc goes back a step at a time, and out; nothing was saved.
    await ui.press(KEY.escape);
    await ui.waitFor('Step 3 of 5');
    await ui.press(KEY.escape);
    await ui.waitFor('Step 2 of 5');
    // Out of the wizard: what was typed is lost, so it asks first (y discards).
    await ui.press(KEY.escape, KEY.escape);
    await ui.waitFor('Discard the changes? y/n');
    await ui.press('y');
    await ui.waitFor('certops · Dashboard');
    expect(listModules(workspace)).toEqual([]);
    ui.unmount();
  });

  it('judges a field again as it is corrected: a fixed value loses its error before the field is left', async () => {
    const ui = await renderConsole(servicesFor(harness.fresh()));
    await ui.waitFor('No processing module yet');
    await ui.press('a', KEY.enter, KEY.down, KEY.down, KEY.down, KEY.enter);
    await ui.waitFor('Integration settings — ENOM');
    await ui.press(KEY.enter, `reseller${KEY.enter}`, `pw${KEY.enter}`, KEY.enter);
    await ui.waitFor('Step 4 of 5');
    await ui.press(`DC1${KEY.enter}`, `enom main${KEY.enter}`, `SSL${KEY.enter}`, `abc${KEY.enter}`);
    await ui.waitFor('✗ sort must be a whole number');
    await ui.press('-5', KEY.up);
    await ui.waitFor('✗ the minimal balance cannot be negative');
    // Back on Sort: abc erased, 50 typed; the error goes while the field is still being edited.
    await ui.press(KEY.backspace, KEY.backspace, KEY.backspace);
    expect(ui.frame()).toContain('✗ sort must be a whole number');
    const fixed = await ui.press('5', '0');
    expect(fixed).not.toContain('✗ sort must be a whole number');
    expect(fixed).toContain('✗ the minimal balance cannot be negative');
    await ui.press(KEY.down, KEY.ctrlU, '5');
    expect(ui.frame()).not.toContain('✗ the minimal balance cannot be negative');
    ui.unmount();
  });

  it('shows the LeaderSSL registration link with Add New Client', async () => {
    const ui = await renderConsole(servicesFor(harness.fresh()));
    await ui.press('a', KEY.enter, KEY.enter);
    await ui.waitFor('Integration settings — LeaderTelecom');
    expect(ui.frame()).toContain('API URL           blank: https://api.leaderssl.com/api/v1');
    expect(await ui.press('\u000E')).toContain('[x] Add New Client (Ctrl+N) register with LeaderSSL: https://www.leaderssl.com/');
    ui.unmount();
  });

  it('shows one address per provider, says which is used, and e goes to the endpoint when the endpoint is what was refused', async () => {
    const { sandboxes } = await harness.withModules(['ispmanager'], 5);
    const [sandbox] = sandboxes;
    if (!sandbox) throw new Error('no sandbox');
    const workspace = harness.fresh();
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('No processing module yet');
    await ui.press('a', KEY.enter, KEY.down, KEY.enter);
    const step = await ui.waitFor('Integration settings — Ispmanager (SSL)');
    // The demo fills the provider's own address (URL ispmanager), not the endpoint, and says where calls go.
    // (Frames show ports as <port>.)
    expect(step).toContain('URL ispmanager    http://127.0.0.1:<port>/billmgr');
    expect(step).toContain('API calls go to http://127.0.0.1:<port>/billmgr.');
    expect(step).toContain('Advanced network settings');
    await ui.press(KEY.enter, `${sandbox.sandbox.account.username}${KEY.enter}`, `${sandbox.sandbox.account.password}${KEY.enter}`, KEY.enter);
    // An endpoint that overrides it: the step says so.
    await ui.press(`http://127.0.0.1:1/billmgr`);
    expect(ui.frame().replace(/\n/g, ' ')).toContain('API calls go to http://127.0.0.1:<port>/billmgr (the Endpoint, an advanced network setting, overrides the URL ispmanager).');
    await ui.press(KEY.enter);
    await ui.waitFor('Step 4 of 5');
    await ui.press(`DC1${KEY.enter}`, `isp main${KEY.enter}`, `SSL${KEY.enter}`, `1${KEY.enter}`, KEY.enter);
    const failed = await ui.waitFor('Cause: connection refused');
    expect(failed).toContain('e fix the Endpoint (advanced network settings)');
    await ui.press('e');
    const back = await ui.waitFor('Step 3 of 5');
    expect(back.split('\n').find((line) => line.startsWith('›'))).toMatch(/^› Endpoint/);
    ui.unmount();
  });

  it("e goes to GlobalSign's IP address when the address set is not this server's", async () => {
    const { sandboxes } = await harness.withModules(['globalsign'], 5);
    const [sandbox] = sandboxes;
    if (!sandbox) throw new Error('no sandbox');
    const ui = await renderConsole(servicesFor(harness.fresh(), sandboxes));
    await ui.waitFor('No processing module yet');
    await ui.press('a', KEY.enter, KEY.down, KEY.down, KEY.enter);
    await ui.waitFor('Integration settings — GlobalSign');
    // 192.0.2.1 (TEST-NET-1) is no address of this host: the source address cannot be bound.
    await ui.press(`${sandbox.sandbox.account.username}${KEY.enter}`, `${sandbox.sandbox.account.password}${KEY.enter}`, KEY.enter, `192.0.2.1${KEY.enter}`, KEY.enter);
    await ui.waitFor('Step 4 of 5');
    await ui.press(`gs main${KEY.enter}`, `SSL${KEY.enter}`, `1${KEY.enter}`, KEY.enter);
    const failed = await ui.waitFor(/Cause: /);
    expect(failed).toContain('e fix the IP address');
    await ui.press('e');
    const back = await ui.waitFor('Step 3 of 5');
    expect(back.split('\n').find((line) => line.startsWith('›'))).toMatch(/^› IP address/);
    ui.unmount();
  });

  it('shows the new name on the later steps after a rename', async () => {
    const { workspace, sandboxes } = await harness.withModules(['enom'], 5);
    const [module] = listModules(workspace);
    if (!module) throw new Error('no module');
    const ui = await renderConsole(servicesFor(workspace, sandboxes), { initial: { id: 'edit', moduleId: module.id } });
    await ui.waitFor('Integration settings — ENOM');
    for (let i = 0; i <= providerModule('enom').fields.length; i += 1) await ui.press(KEY.enter);
    await ui.waitFor('Step 4 of 5');
    await ui.press(KEY.enter, `${KEY.ctrlU}enom renamed${KEY.enter}`, KEY.enter, KEY.enter, KEY.enter);
    const check = await ui.waitFor('Step 5 of 5');
    expect(check).toContain('enom renamed (was enom sandbox)');
    ui.unmount();
  });

  it('refuses a duplicate name as the field is left', async () => {
    const { workspace, sandboxes } = await harness.withModules(['globalsign'], 5);
    const ui = await renderConsole(servicesFor(workspace, sandboxes), { columns: 120 });
    await ui.press('a', KEY.enter, KEY.down, KEY.down, KEY.enter);
    await ui.waitFor('Integration settings — GlobalSign');
    await ui.press(`u${KEY.enter}`, `p${KEY.enter}`, KEY.enter, KEY.enter, KEY.enter);
    await ui.waitFor('Step 4 of 5');
    await ui.press(`GLOBALSIGN sandbox${KEY.enter}`);
    expect(await ui.waitFor('✗ a processing module named "globalsign sandbox" already exists')).toContain('Step 4 of 5');
    ui.unmount();
  });
});
