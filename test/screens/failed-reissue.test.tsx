/**
 * A reissue that failed on the provider, in the console: the dashboard counts it, the timeline's
 * stage filter has "failed" and the row says why, and `a` on its record asks the next run to retry.
 */
import { describe, expect, it } from 'vitest';
import { runEffects } from '../../src/core/reissue/effects.js';
import { Ledger, ledgerFile } from '../../src/core/reissue/ledger.js';
import { runReissue } from '../../src/core/reissue/run.js';
import { syncModules } from '../../src/core/sync.js';
import { KEY, renderConsole, servicesFor } from '../helpers/console.js';
import { TODAY, workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();
const REASON = 'domain control validation failed: admin@example.test declined the request';

describe('console: a failed reissue', { timeout: 30_000 }, () => {
  it('is counted on the dashboard, found by the stage filter with its reason, and retried with a on its record', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['ispmanager'], 40);
    await workspace.store.update((data) => ({ data: { ...data, reissuePolicy: { policy: 'auto', beforeDays: 60 } }, result: undefined }));
    await syncModules(workspace, modules, workspace.runtime());
    const run = () => runReissue(workspace, { today: TODAY, runtime: workspace.runtime(), effects: runEffects(workspace) });
    await run();
    const sandbox = (sandboxes[0] as (typeof sandboxes)[number]).sandbox;
    const index = Array.from({ length: sandbox.book.size }, (_, i) => i).find((i) => sandbox.book.get(i).pending?.state === 'validating') as number;
    sandbox.failValidation(index, REASON);
    await run();
    await syncModules(workspace, modules, workspace.runtime());
    const failed = new Ledger(ledgerFile(workspace)).records().find((record) => record.stage === 'failed');
    expect(failed).toBeDefined();

    const ui = await renderConsole(servicesFor(workspace, sandboxes), { columns: 120, rows: 40 });
    await ui.waitFor('(! 1 failed)');
    await ui.press('t');
    await ui.waitFor('today 2026-11-23');
    // i goes round the stages to "failed": one row, which says why.
    let frame = ui.frame();
    for (let i = 0; i < 12 && !frame.includes('stage: failed'); i += 1) frame = await ui.press('i');
    expect(frame).toContain('1 certificate · ');
    expect(frame).toContain(`${failed?.domain}: reissue failed: Certificate issue failed: domain control validation failed`);
    // Enter: the certificate whole, the provider's reason to its end.
    await ui.press(KEY.enter);
    await ui.waitFor(/Reissue +reissue failed: Certificate issue failed: domain control validation failed/);
    expect(ui.frame().replace(/\s+/g, ' ')).toContain('admin@example.test declined the request');
    await ui.press(KEY.enter);
    await ui.waitFor('a retry');
    await ui.press('a');
    await ui.waitFor('Retry asked: the next reissue run');
    expect(new Ledger(ledgerFile(workspace)).records().find((record) => record.id === failed?.id)?.retryAskedAt).not.toBeNull();
    ui.unmount();
  });
});
