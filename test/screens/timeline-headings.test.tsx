import { describe, expect, it } from 'vitest';
import { syncModules } from '../../src/core/sync.js';
import { KEY, renderConsole, servicesFor } from '../helpers/console.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

/** The selected row of a frame: the line the cursor (›) marks. */
const selectedLine = (frame: string) => frame.split('\n').find((line) => line.startsWith('›')) ?? '';

describe('timeline: week and month headings are not rows the cursor stops on', { timeout: 30_000 }, () => {
  it('j k, PgUp PgDn, Home End and a search skip the headings; the detail line and Enter show the selected certificate', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['globalsign'], 60);
    await syncModules(workspace, modules, workspace.runtime());
    const ui = await renderConsole(servicesFor(workspace, sandboxes), { columns: 120, rows: 40 });
    await ui.press('t');
    await ui.waitFor('by month');
    for (const grouping of ['week', 'month']) {
      await ui.press('w');
      const grouped = await ui.waitFor(`by ${grouping}`);
      // Headings as people write them: "week of 2026-11-16", "December 2026" (not "2026-12").
      expect(grouped).toMatch(grouping === 'week' ? /^ week of 20\d\d-\d\d-\d\d$/m : /^ (November|December) 2026$/m);
      const seen = new Set<string>();
      for (const key of [KEY.home, ...Array<string>(12).fill('j'), KEY.pageDown, KEY.pageDown, KEY.pageUp, 'k', 'k', 'k', KEY.end, KEY.home]) {
        const frame = await ui.press(key);
        const line = selectedLine(frame);
        expect(line, `after ${JSON.stringify(key)} by ${grouping}:\n${frame}`).toMatch(/^›[ !]\S+\.\S+ /);
        seen.add(line);
        // The detail line below the list names the selected certificate.
        const domain = line.slice(2).split(' ')[0] as string;
        expect(frame).toContain(` ${domain}: `);
      }
      // j moves one certificate each time: 12 presses, 13 different rows.
      expect(seen.size).toBeGreaterThan(13);
    }
    // Enter on the first row (the top of the list is a heading) opens that certificate's detail.
    await ui.press(KEY.home, KEY.enter);
    const detail = await ui.waitFor('Domain');
    expect(detail).toMatch(/Domain\s+\S+\.\S+/);
    // A search lands on a certificate, and k from the first certificate stays there.
    await ui.press(KEY.escape, KEY.home, 'k');
    expect(selectedLine(ui.frame())).toMatch(/^›[ !]\S+\.\S+ /);
    ui.unmount();
  });
});
