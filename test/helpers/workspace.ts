/** A temporary workspace with one module per started sandbox, for core and CLI tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { day } from '../../src/rules/calendar.js';
import type { ProviderId } from '../../src/providers/catalog.js';
import { addSandboxModules, startSandboxes, stopSandboxes, type StartedSandbox } from '../../src/core/sandboxes.js';
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
      const modules = await addSandboxModules(workspace, sandboxes, {
        name: (_title, provider) => `${provider} sandbox`,
        department: 'SSL desk',
        dataCenter: 'DC1',
        network: { totalTimeoutMs: 2000 },
      });
      return { workspace, modules, sandboxes };
    },
  };
}
