/**
 * Issue 13 (review G, I, K): text is not cut where there is room or where it must be read whole
 * (wrapped instead), wrapped lines keep their hanging indent, and the wording is right.
 */
import { describe, expect, it } from 'vitest';
import { help as sandboxHelp } from '../../src/cli/commands/sandbox.js';
import { checkedLine } from '../../src/screens/check.js';
import { wrapHanging } from '../../src/screens/widgets/paragraph.js';
import { provider as leadertelecom } from '../../src/providers/leadertelecom/index.js';
import { KEY, renderConsole, servicesFor } from '../helpers/console.js';
import { workspaceHarness } from '../helpers/workspace.js';
import { addModule } from '../../src/core/modules.js';
import { openTasks } from '../../src/core/tasks.js';

const harness = workspaceHarness();
const flat = (frame: string) => frame.replace(/\s+/g, ' ');

describe('console at 80x24: read whole, with hanging indents', { timeout: 30_000 }, () => {
  it('logs: every level with its meaning whole, and the folder line wrapped, not cut', async () => {
    const { workspace, sandboxes } = await harness.withModules(['ispmanager'], 5);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.press('l');
    await ui.waitFor('pmleadertelecom');
    // Up to 9, one level at a time: each meaning whole on the row.
    const frame = await ui.press('+', '+', '+', '+', '+');
    expect(frame).toMatch(/pmleadertelecom .*9 debug \(whole requests and responses\)/);
    await ui.press('-', '-');
    expect(ui.frame()).toMatch(/pmleadertelecom .*7 remote-service messages /);
    expect(flat(ui.frame())).toContain('(the same as debug.conf\'s "pmglobalsign.* 9"; also: certops debug)');
    ui.unmount();
  });

  it('tasks: the department whole (the module is cut in its middle instead), the summary wrapped', async () => {
    const workspace = harness.fresh();
    const task = (n: number, department: string) => ({
      key: `reissue:1:I-${n}:x`,
      department,
      moduleId: 1,
      module: 'Ispmanager (SSL) sandbox',
      provider: 'ispmanager' as const,
      certificateId: `I-${n}`,
      domain: `www.media24${n}.example.org`,
      what: 'reissue the certificate by hand',
      why: 'Ispmanager (SSL) reissues only issued certificates',
      dueDate: '2026-11-20',
    });
    await addModule(workspace, { provider: 'ispmanager', parameters: { name: 'Ispmanager (SSL) sandbox', department: 'SSL support', sort: 10, minimalBalance: null, dataCenter: 'DC1' }, integration: { url: 'https://billing.example.com/billmgr', username: 'u', password: 'never-shown' }, network: {} }, { notVerified: false });
    await openTasks(workspace, [1, 2, 3].map((n) => task(n, 'SSL support')), new Date('2026-11-23T08:00:00Z'));
    const ui = await renderConsole(servicesFor(workspace));
    await ui.press('o');
    const list = await ui.waitFor(/T-1 /);
    expect(list).toMatch(/T-1 .* SSL support /);
    expect(list).toContain('www.media241.example.org');
    // A department with a long name: its summary (d selects it) is wrapped, today's date whole.
    const long = 'Certificates and SSL support desk of the second floor';
    await openTasks(workspace, [task(4, long)], new Date('2026-11-23T08:00:00Z'));
    await ui.press('r');
    await ui.waitFor(/T-4 /);
    const filtered = await ui.press('d');
    expect(flat(filtered)).toContain(`department: ${long} · today 2026-11-23`);
    ui.unmount();
  });

  it('help: a long line wraps under what the key does, not at column 0', async () => {
    const { workspace, sandboxes } = await harness.withModules(['ispmanager'], 5);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.press('t');
    await ui.waitFor('Domain');
    const help = await ui.press('?');
    const lines = help.split('\n');
    const enter = lines.findIndex((line) => line.startsWith('  Enter  the selected certificate whole'));
    expect(enter).toBeGreaterThan(0);
    expect(lines[enter + 1]).toMatch(/^ {9}\S/);
    const v = lines.findIndex((line) => line.startsWith('  v  validation readiness'));
    expect(lines[v + 1]).toMatch(/^ {5}\S/);
    ui.unmount();
  });

  it('wrapHanging: the lines after the first start under the text, not under the bullet', () => {
    expect(wrapHanging('• ', 'one two three four five six', 12)).toEqual(['• one two', '  three four', '  five six']);
  });
});

describe('wording', () => {
  it('a check with failures says how many failed', () => {
    expect(checkedLine(4, 1)).toBe('Checked 4 modules: 3 ok, 1 failed.');
    expect(checkedLine(2, 0)).toBe('Checked 2 modules.');
  });

  it('certops sandbox --help says "test account" once', () => {
    expect(sandboxHelp.replace(/\s+/g, ' ')).not.toMatch(/\btest test\b/);
    expect(sandboxHelp.replace(/\s+/g, ' ')).toContain('with a test account');
  });

  it("LeaderTelecom's API URL help says certops uses the default address, not the billing platform", () => {
    const apiUrl = leadertelecom.fields.find((field) => field.key === 'apiUrl');
    expect(apiUrl?.help).toContain('certops will use https://');
    expect(apiUrl?.help).not.toContain('billing platform');
  });

  it('the wizard after a failed check names the field e goes to', async () => {
    const workspace = harness.fresh();
    const { sandboxes } = await harness.withModules(['leadertelecom'], 5);
    const ui = await renderConsole(servicesFor(workspace, sandboxes));
    await ui.waitFor('No processing module yet');
    await ui.press('a', KEY.enter);
    await ui.waitFor('Step 2 of 5');
    await ui.press(KEY.enter);
    await ui.waitFor('Step 3 of 5');
    // Wrong password, everything else as prefilled.
    await ui.press(`user${KEY.enter}`, `wrong${KEY.enter}`);
    for (let i = 0; i < 8 && !ui.frame().includes('Step 4 of 5'); i += 1) await ui.press(KEY.enter);
    await ui.press(`lt main${KEY.enter}`, `SSL support${KEY.enter}`, `10${KEY.enter}`, `100${KEY.enter}`);
    const failed = await ui.waitFor('r retry');
    expect(flat(failed)).toMatch(/e fix the (Password|Username|Login)\b/);
    expect(flat(failed)).not.toContain('fix the settings, from');
    ui.unmount();
  });
});
