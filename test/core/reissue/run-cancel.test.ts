/** A reissue run cancelled (the operator left the console): no new action is begun, nothing is sent. */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runEffects } from '../../../src/core/reissue/effects.js';
import { journalFile, runReissue } from '../../../src/core/reissue/run.js';
import { syncModules } from '../../../src/core/sync.js';
import { TODAY, workspaceHarness } from '../../helpers/workspace.js';

const harness = workspaceHarness();

describe('reissue run: cancelled', { timeout: 30_000 }, () => {
  it('begins no action once its signal is aborted, and sends no reissue to the provider', async () => {
    const { workspace, modules, sandboxes } = await harness.withModules(['ispmanager'], 40);
    await workspace.store.update((data) => ({ data: { ...data, reissuePolicy: { policy: 'auto', beforeDays: 60 } }, result: undefined }));
    await syncModules(workspace, modules, workspace.runtime());
    const leaving = new AbortController();
    leaving.abort();
    const report = await runReissue(workspace, { today: TODAY, runtime: workspace.runtime({ signal: leaving.signal }), signal: leaving.signal, effects: runEffects(workspace) });
    expect(report.actions).toEqual([]);
    const intents = existsSync(journalFile(workspace)) ? readFileSync(journalFile(workspace), 'utf8').split('\n').filter((line) => line.includes('"intent"')) : [];
    expect(intents).toEqual([]);
    const book = sandboxes[0]?.sandbox.book;
    const reissues = Array.from({ length: book?.size ?? 0 }, (_, i) => book?.get(i).reissues ?? 0).reduce((a, b) => a + b, 0);
    expect(reissues).toBe(0);
  });
});
