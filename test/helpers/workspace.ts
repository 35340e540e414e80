/** A temporary workspace with one module per started sandbox, for core and CLI tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { day } from '../../src/rules/calendar.js';
import type { ProviderId } from '../../src/providers/catalog.js';
import { addModule } from '../../src/core/modules.js';
import { startSandboxes, stopSandboxes, type StartedSandbox } from '../../src/core/sandboxes.js';
import type { StoredModule } from '../../src/core/store.js';
import { Workspace } from '../../src/core/workspace.js';

export const TODAY = day('2026-11-23');

export function workspaceHarness() {
  const running: StartedSandbox[] = [];
  afterEach(async () => {
    await stopSandboxes(running.splice(0));
  });
  return {
    running,
    fresh(): Workspace {
      return new Workspace(join(mkdtempSync(join(tmpdir(), 'certops-ws-')), 'config'));
    },
    async withModules(providers: readonly ProviderId[], certificates = 40): Promise<{ workspace: Workspace; modules: StoredModule[]; sandboxes: StartedSandbox[] }> {
      const workspace = this.fresh();
      const sandboxes = await startSandboxes({ providers, port: 0, tls: false, certificates, latencyMs: 0, faults: [], today: TODAY });
      running.push(...sandboxes);
      const modules: StoredModule[] = [];
      for (const [index, sandbox] of sandboxes.entries()) {
        modules.push(
          await addModule(
            workspace,
            {
              provider: sandbox.provider,
              parameters: {
                name: `${sandbox.provider} sandbox`,
                department: 'SSL desk',
                sort: (index + 1) * 10,
                minimalBalance: 100,
                ...(['enom', 'ispmanager'].includes(sandbox.provider) ? { dataCenter: 'DC1' } : {}),
              },
              integration: sandbox.integration,
              network: { totalTimeoutMs: 2000 },
            },
            { notVerified: false },
          ),
        );
      }
      return { workspace, modules, sandboxes };
    },
  };
}
