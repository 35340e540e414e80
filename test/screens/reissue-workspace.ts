/**
 * A workspace with reissues at every stage, made by the real core: two sandboxes (Ispmanager (SSL)
 * and eNom), reissue runs in process, validations completed or failed on the sandboxes, a deploy
 * hook script that installs into a TLS server on loopback (or fails, or installs nothing, per
 * domain), and the TLS probe. The reissues are submitted on TODAY; the later runs happen on the
 * day after the first eNom validation's deadline, which finds it (and any other late one) stuck.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDays, day, formatDay, type Day } from '../../src/rules/calendar.js';
import { setModuleDelivery } from '../../src/core/policy.js';
import { runEffects } from '../../src/core/reissue/effects.js';
import { runReissue, type RunReport } from '../../src/core/reissue/run.js';
import { reissueStatus } from '../../src/core/reissue/status.js';
import type { StartedSandbox } from '../../src/core/sandboxes.js';
import type { StoredModule } from '../../src/core/store.js';
import { syncModules } from '../../src/core/sync.js';
import type { Workspace } from '../../src/core/workspace.js';
import { startTlsServer, type TestTlsServer } from '../helpers/tls-server.js';
import { TODAY, type workspaceHarness } from '../helpers/workspace.js';

/** Run clocks: a fixed day and hour, with the real time elapsed since (hooks wait on real time). */
function clockAt(iso: string): () => Date {
  const base = Date.parse(iso);
  const start = Date.now();
  return () => new Date(base + (Date.now() - start));
}

/** A certbot-style deploy hook: installs each name in the server's folder, except names listed to fail or to skip. */
function hookScript(server: TestTlsServer): { script: string; fail: (domain: string) => void; skip: (domain: string) => void } {
  const control = join(server.folder, 'control');
  mkdirSync(join(control, 'fail'), { recursive: true });
  mkdirSync(join(control, 'skip'), { recursive: true });
  const script = join(server.folder, 'deploy-hook.sh');
  writeFileSync(
    script,
    `#!/bin/sh
set -e
for name in $RENEWED_DOMAINS; do
  if [ -e "${control}/fail/$name" ]; then echo "nginx: [emerg] cannot load certificate for $name" >&2; exit 3; fi
done
for name in $RENEWED_DOMAINS; do
  if [ -e "${control}/skip/$name" ]; then continue; fi
  mkdir -p "${server.folder}/$name"
  cp "$RENEWED_LINEAGE/fullchain.pem" "${server.folder}/$name/fullchain.pem"
  if [ -f "$RENEWED_LINEAGE/privkey.pem" ]; then cp "$RENEWED_LINEAGE/privkey.pem" "${server.folder}/$name/privkey.pem"; fi
done
`,
  );
  chmodSync(script, 0o755);
  return { script, fail: (domain) => writeFileSync(join(control, 'fail', domain), ''), skip: (domain) => writeFileSync(join(control, 'skip', domain), '') };
}

export interface ReissueWorkspace {
  /** The day of the last run: the console's today. */
  readonly today: Day;
  readonly workspace: Workspace;
  readonly modules: StoredModule[];
  readonly sandboxes: StartedSandbox[];
  readonly server: TestTlsServer;
  /** The domain left at each stage (the eNom ones past their deadline: stuck). */
  readonly domains: { readonly validating: string; readonly failed: string; readonly collected: string; readonly delivered: string; readonly served: string; readonly stuck: string };
}

function validatingIndices(sandbox: StartedSandbox): number[] {
  const indices: number[] = [];
  for (let index = 0; index < sandbox.sandbox.book.size; index += 1) if (sandbox.sandbox.book.get(index).pending?.state === 'validating') indices.push(index);
  return indices;
}

export async function reissueWorkspace(harness: ReturnType<typeof workspaceHarness>, servers: TestTlsServer[]): Promise<ReissueWorkspace> {
  const { workspace, modules, sandboxes } = await harness.withModules(['ispmanager', 'enom'], 40);
  await workspace.store.update((data) => ({ data: { ...data, reissuePolicy: { policy: 'auto', beforeDays: 60 } }, result: undefined }));
  await syncModules(workspace, modules, workspace.runtime());
  const server = await startTlsServer();
  servers.push(server);
  const hook = hookScript(server);
  const isp = modules.find((m) => m.provider === 'ispmanager') as StoredModule;
  const enom = modules.find((m) => m.provider === 'enom') as StoredModule;
  await setModuleDelivery(workspace, isp.id, { deployHook: hook.script, probeResolve: [`*:${server.port}:127.0.0.1`] });
  const run = (today: string, hour: string, moduleIds?: number[]): Promise<RunReport> =>
    runReissue(workspace, {
      today: day(today),
      runtime: workspace.runtime(),
      effects: runEffects(workspace, clockAt(`${today}T${hour}:00Z`)),
      now: clockAt(`${today}T${hour}:00Z`),
      probeTimeoutMs: 2000,
      ...(moduleIds ? { moduleIds } : {}),
    });

  // Day one: every due certificate is submitted; each waits for its validation.
  await run(formatDay(TODAY), '03:17');
  const ispSandbox = sandboxes.find((s) => s.provider === 'ispmanager') as StartedSandbox;
  const enomSandbox = sandboxes.find((s) => s.provider === 'enom') as StartedSandbox;
  const ispWaiting = validatingIndices(ispSandbox);
  if (ispWaiting.length < 5 || validatingIndices(enomSandbox).length < 2) throw new Error('too few reissues');
  // eNom's validations are never done: the run on the day after the first deadline finds it stuck.
  const status = reissueStatus(workspace, { today: TODAY, moduleIds: [enom.id] });
  const first = [...status.reissues].sort((a, b) => a.deadline.localeCompare(b.deadline))[0];
  if (!first) throw new Error('no eNom reissue');
  const today = addDays(day(first.deadline), -2);
  await run(formatDay(today), '03:17', [enom.id]);

  // The same day, Ispmanager's domain owners have validated all but one; one validation failed at
  // the CA, the hook fails for one domain and installs nothing for another.
  const domainOf = (sandbox: StartedSandbox, index: number) => sandbox.sandbox.book.get(index).mainDomain;
  const [validating, failed, collected, delivered, ...served] = ispWaiting as [number, number, number, number, ...number[]];
  const refused = ispSandbox.sandbox.failValidation(failed, 'the DNS record was not found after 72 hours');
  if ('refused' in refused) throw new Error(refused.refused);
  hook.fail(domainOf(ispSandbox, collected));
  hook.skip(domainOf(ispSandbox, delivered));
  for (const index of [collected, delivered, ...served]) {
    const done = await ispSandbox.sandbox.validate(index);
    if ('refused' in done) throw new Error(done.refused);
  }
  await run(formatDay(today), '09:05', [isp.id]);
  return {
    today,
    workspace,
    modules,
    sandboxes,
    server,
    domains: {
      validating: domainOf(ispSandbox, validating),
      failed: domainOf(ispSandbox, failed),
      collected: domainOf(ispSandbox, collected),
      delivered: domainOf(ispSandbox, delivered),
      served: domainOf(ispSandbox, served[0] as number),
      stuck: first.domain,
    },
  };
}
