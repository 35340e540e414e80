/**
 * Use case: the demo's world (`certops demo`). The four providers' sandboxes on loopback, one
 * processing module per sandbox in a fresh configuration, their certificates synced, the manual
 * tasks of the next 30 days, and reissues at several stages made by the real code paths: a web
 * server of the demo's own (a TLS server on loopback) that every module's probe looks at and one
 * module's deploy hook installs into, one reissue run, some validations completed on the sandboxes
 * and one failed there, a reissue begun in LeaderTelecom's panel, and a second run that follows
 * them all.
 */
import { join } from 'node:path';
import { formatDay, type Day } from '../rules/calendar.js';
import { PROVIDER_IDS, type ProviderId } from '../providers/catalog.js';
import { deployHookCommand, startDemoWebServer, writeDeployHook, type DemoWebServer } from './demo-web.js';
import { setModuleDelivery } from './policy.js';
import { runEffects } from './reissue/effects.js';
import { runReissue } from './reissue/run.js';
import { reissueCounts, reissueStatus } from './reissue/status.js';
import { addSandboxModules, sandboxAccountsOf, startSandboxes, stopSandboxes, type StartedSandbox } from './sandboxes.js';
import type { SandboxAccountHint } from './services.js';
import type { StoredModule } from './store.js';
import { syncModules } from './sync.js';
import { openTasks, reissueTaskInput } from './tasks.js';
import { buildTimeline, dueDate } from './timeline.js';
import type { Workspace } from './workspace.js';

export const DEMO_CERTIFICATES = 300;

export interface DemoOptions {
  readonly today: Day;
  /** The clock of the demo's reissue runs: on `today`, when the demo was given a day. */
  readonly now: () => Date;
  /** A folder of the demo's own for its web servers and deploy hook; the caller removes it. */
  readonly scratch: string;
  /** Called when the reissues are being made, and when they are done (with their stages). */
  readonly onReissues?: (event: { readonly phase: 'start' } | ({ readonly phase: 'done'; readonly seconds: number } & DemoReissues)) => void;
}

export interface DemoReissues {
  /** Reissues the first run sent through the providers' APIs. */
  readonly submitted: number;
  /** Validations completed on the sandboxes, failed there, and reissues begun in a provider's panel. */
  readonly validated: number;
  readonly failed: number;
  readonly fromPanel: number;
  /** Ledger records per shown stage after the second run. */
  readonly perStage: Readonly<Record<string, number>>;
}

export interface RunningDemo {
  readonly sandboxes: readonly StartedSandbox[];
  readonly modules: readonly StoredModule[];
  readonly sandboxAccounts: Partial<Record<ProviderId, SandboxAccountHint>>;
  readonly reissues: DemoReissues;
  /** Stops the sandboxes and the web server. */
  stop(): Promise<void>;
}

/** What a CA says when a domain-control check fails, in the words of the check it asked for. */
function validationFailure(validation: { method: string; dnsName: string | null; approverEmail: string | null; httpPath: string | null }): string {
  if (validation.method === 'dns') return `domain control validation failed: no TXT record ${validation.dnsName ?? ''} was found`;
  if (validation.method === 'email') return `domain control validation failed: ${validation.approverEmail ?? 'the approver'} declined the request`;
  return `domain control validation failed: ${validation.httpPath ?? 'the validation file'} was not found on the site`;
}

const waitingIndexes = (sandbox: StartedSandbox['sandbox']): number[] => {
  const found: number[] = [];
  for (let index = 0; index < sandbox.book.size; index += 1) if (sandbox.book.get(index).pending?.state === 'validating') found.push(index);
  return found;
};

export async function startDemo(workspace: Workspace, options: DemoOptions): Promise<RunningDemo> {
  const sandboxes = await startSandboxes({ providers: PROVIDER_IDS, port: 0, tls: false, certificates: DEMO_CERTIFICATES, latencyMs: 0, faults: [], today: options.today });
  const servers: DemoWebServer[] = [];
  const stop = async () => {
    await Promise.all([stopSandboxes(sandboxes), ...servers.map((server) => server.stop())]);
  };
  try {
    const modules = await addSandboxModules(workspace, sandboxes, {
      name: (title) => `${title} sandbox`,
      department: 'SSL support',
      dataCenter: 'Main DC',
      // The second module's minimal balance is above its balance, so the demo shows the ▼ warning.
      minimalBalance: (index) => (index === 1 ? 20000 : 100),
      network: { connectTimeoutMs: 3000, totalTimeoutMs: 10000 },
    });
    // The timeline and the dashboard's due counts have real data from the first screen on.
    await syncModules(workspace, modules, workspace.runtime());
    options.onReissues?.({ phase: 'start' });
    const started = performance.now();
    const reissues = await demoReissues(workspace, sandboxes, modules, servers, options);
    options.onReissues?.({ phase: 'done', seconds: (performance.now() - started) / 1000, ...reissues });
    // The manual tasks a reissue run would open for the next 30 days, so the Tasks screen has some
    // (LeaderTelecom's reissues are all manual: its API has no confirmed reissue call). The run
    // opened those of today already; their keys make opening them again harmless.
    const horizon = formatDay((options.today + 30) as Day);
    await openTasks(
      workspace,
      buildTimeline(workspace, options.today)
        .entries.filter((entry) => entry.action === 'manual-task' && dueDate(entry) <= horizon)
        .map(reissueTaskInput),
    );
    return { sandboxes, modules, sandboxAccounts: sandboxAccountsOf(sandboxes), reissues, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The module whose reissues are delivered by a deploy hook and served (certops made their keys);
 * the others have none, so theirs stop at collected with a task to install them. One is enough to
 * show it, and each module's first hook costs the run about two seconds (lifecycle.ts waits
 * HOOK_START_GRACE_MS for the pid of a hook it has not started yet).
 */
const WITH_HOOK: ProviderId = 'ispmanager';
/** Validations completed per module: a few show each stage; the rest stay validating. */
const VALIDATED_PER_MODULE = 3;

/**
 * Reissues at several stages, through the same run as `certops reissue run`: submitted by a first
 * run; a few validated on each sandbox (one other failed by its CA); one begun in LeaderTelecom's
 * panel and found by a sync; then a second run collects the validated ones, delivers and serves
 * them where the module has a deploy hook (else opens a task to install them), records the
 * failure and joins the panel's reissue.
 */
async function demoReissues(workspace: Workspace, sandboxes: readonly StartedSandbox[], modules: readonly StoredModule[], servers: DemoWebServer[], options: DemoOptions): Promise<DemoReissues> {
  const hook = writeDeployHook(join(options.scratch, 'deploy-hook.sh'));
  // Every module probes the demo's web server, so no probe leaves the machine; only one installs there.
  const server = await startDemoWebServer(join(options.scratch, 'web'));
  servers.push(server);
  for (const module of modules) {
    // The module's own settings: a demo added to a kept --config-dir leaves the policy's defaults
    // alone. ECDSA keys where certops makes one: an RSA key takes a tenth to half a second to make.
    await setModuleDelivery(workspace, module.id, {
      deployHook: module.provider === WITH_HOOK ? deployHookCommand(hook, server) : null,
      probeResolve: [`*:${server.port}:127.0.0.1`],
      keyType: 'ecdsa-p256',
    });
  }
  const run = () => runReissue(workspace, { today: options.today, runtime: workspace.runtime(), effects: runEffects(workspace, options.now), now: options.now });

  const first = await run();
  const submitted = first.actions.filter((action) => action.outcome === 'reissued').length;

  let validated = 0;
  let failed = 0;
  for (const { sandbox } of sandboxes) {
    let validatedHere = 0;
    for (const [position, index] of waitingIndexes(sandbox).entries()) {
      if (position % 2 === 0 && validatedHere < VALIDATED_PER_MODULE) {
        const done = await sandbox.validate(index);
        if (!('refused' in done)) validatedHere += 1;
      } else if (position % 2 === 1 && failed === 0) {
        const pending = sandbox.book.get(index).pending;
        if (pending && !('refused' in sandbox.failValidation(index, validationFailure(pending.validation)))) failed += 1;
      }
    }
    validated += validatedHere;
  }

  // LeaderTelecom's API has no confirmed reissue call: its department does one of the run's tasks in
  // the panel, and the next sync finds that reissue under way.
  let fromPanel = 0;
  const leader = sandboxes.find((s) => s.provider === 'leadertelecom');
  const leaderModule = modules.find((m) => m.provider === 'leadertelecom');
  const task = first.actions.find((action) => action.outcome === 'task' && action.moduleId === leaderModule?.id);
  if (leader && leaderModule && task) {
    const index = leader.sandbox.indexOf(task.certificateId);
    if (index !== null && !('refused' in (await leader.sandbox.panelReissue(index)))) {
      fromPanel += 1;
      await syncModules(workspace, [leaderModule], workspace.runtime());
    }
  }

  await run();
  const { perStage } = reissueCounts(reissueStatus(workspace, { today: options.today }), options.today);
  return { submitted, validated, failed, fromPanel, perStage };
}
