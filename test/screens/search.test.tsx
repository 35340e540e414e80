/** / on the timeline finds a domain, as in less and vim (the tasks' search: tasks.test.tsx). */
import { describe, expect, it } from 'vitest';
import { syncModules } from '../../src/core/sync.js';
import { KEY, renderConsole, servicesFor } from '../helpers/console.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();
const selected = (frame: string) => frame.split('\n').find((line) => line.startsWith('›')) ?? '';

describe('console: search on the timeline', { timeout: 30_000 }, () => {
  it('jumps to the first match from the cursor on with Enter, goes round with n and N, cancels with Esc', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['ispmanager', 'enom'], 40);
    await syncModules(workspace, modules, workspace.runtime());
    const services = servicesFor(workspace, sandboxes);
    const entries = services.timeline().entries;
    // A word in several domains, and the order the timeline lists them in.
    const word = 'shop';
    const hits = entries.filter((entry) => entry.domain.includes(word)).map((entry) => entry.domain);
    expect(hits.length).toBeGreaterThan(2);
    const ui = await renderConsole(services, { initial: { id: 'timeline' } });
    await ui.waitFor('today 2026-11-23');
    // From the top: Home, then the search.
    await ui.press(KEY.home);
    const typing = await ui.press('/', word.toUpperCase());
    expect(typing).toContain(`/${word.toUpperCase()}_`);
    const found = await ui.press(KEY.enter);
    const domainOf = (frame: string) => hits.find((domain) => selected(frame).includes(domain.slice(0, 14)));
    expect(domainOf(found)).toBe(hits[0]);
    expect(found).toContain(`match 1 of ${hits.length}`);
    expect(domainOf(await ui.press('n'))).toBe(hits[1]);
    expect(domainOf(await ui.press('N'))).toBe(hits[0]);
    const round = await ui.press('N');
    expect(domainOf(round)).toBe(hits.at(-1));
    expect(round).toContain(`match ${hits.length} of ${hits.length} · from the bottom again`);
    // The list stays a window of the terminal's height.
    expect(round.split('\n').length).toBeLessThanOrEqual(23);
    // Esc while typing cancels: the cursor stays, the screen too.
    await ui.press('/', 'zzz');
    const cancelled = await ui.press(KEY.escape);
    expect(domainOf(cancelled)).toBe(hits.at(-1));
    expect(cancelled).toContain('certops · Reissue timeline');
    ui.unmount();
  });
});
