import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEffects } from '../../src/core/reissue/effects.js';
import { runReissue } from '../../src/core/reissue/run.js';
import { syncModules } from '../../src/core/sync.js';
import { PROVIDERS } from '../../src/providers/catalog.js';
import { TODAY, workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

describe('the module log of a reissue run', () => {
  it('logs a reissue that succeeded as a note (level 1), not at the warnings level', async () => {
    const { workspace, modules } = await harness.withModules(['ispmanager'], 60);
    await syncModules(workspace, modules, workspace.runtime());
    const report = await runReissue(workspace, { today: TODAY, dryRun: false, runtime: workspace.runtime(), effects: runEffects(workspace) });
    expect(report.actions.some((action) => action.outcome === 'reissued')).toBe(true);
    const log = readFileSync(join(workspace.logDirectory, `${PROVIDERS.ispmanager.logName}.log`), 'utf8');
    const reissued = log.split('\n').filter((line) => / reissued /.test(line));
    expect(reissued.length).toBeGreaterThan(0);
    for (const line of reissued) expect(line).toMatch(/\] L1 /);
  });
});
