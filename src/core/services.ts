/**
 * The console's view of the core: every screen reads and changes state only through this object,
 * so the Ink screens hold no business rules and make no HTTP calls, and tests hand them the real
 * core over a temporary workspace and the providers' sandboxes.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dayOfInstant, type Day } from '../rules/calendar.js';
import { PROVIDERS, type ProviderId } from '../providers/catalog.js';
import { providerModule } from '../providers/registry.js';
import { LOG_LEVELS } from '../providers/log.js';
import { moduleBalance, type BalanceResult } from './balance.js';
import { checkModule, type CheckResult } from './check.js';
import { addModule, draftModule, editModule, fieldError, listModules, recordBalance, recordCheck, removeModule, validateModule } from './modules.js';
import type { ModuleChange, ModuleDraft, ModuleSection, ValidModule } from './modules.js';
import { previewPolicy, readPolicy, setPolicy } from './policy.js';
import { removalImpact, type RemovalImpact } from './module-removal.js';
import type { Readiness } from './readiness.js';
import type { StoredModule } from './store.js';
import { syncModules, type SyncOptions, type SyncProgress, type SyncResult } from './sync.js';
import { closeTask, findTask, listTasks, pendingCounts, TaskNotFoundError, type ManualTask, type PendingCount, type TaskFilter } from './tasks.js';
import type { ActionReport, RunAction, RunReport } from './reissue/run.js';
import { type TimelineEntry, buildTimeline, type ReissuePolicySettings, type Timeline } from './timeline.js';
import type { Workspace, WorkspaceState } from './workspace.js';
import type { ModuleRuntime } from './module.js';

export interface SandboxAccountHint {
  readonly endpoint: string;
  readonly username: string;
  readonly password: string;
}

export interface LogInfo {
  readonly logName: string;
  readonly title: string;
  readonly level: number;
  readonly meaning: string;
  readonly file: string;
  readonly bytes: number | null;
}

export class ConsoleServices {
  /** Cancels every provider call in flight when the operator leaves (q, Ctrl+C). */
  private readonly leaving = new AbortController();
  /** The work under way (provider calls and the writes after them), for settle(). */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    readonly workspace: Workspace,
    private readonly options: {
      readonly sandbox?: boolean;
      /** In the demo: where each provider's sandbox answers, and its test account. */
      readonly sandboxAccounts?: Partial<Record<ProviderId, SandboxAccountHint>>;
      readonly today?: Day;
      readonly runtime?: Partial<ModuleRuntime>;
      /** DNS servers for the validation readiness check; the system's resolvers when absent. */
      readonly dnsServers?: readonly string[];
    } = {},
  ) {}

  sandboxAccount(provider: ProviderId): SandboxAccountHint | null {
    return this.options.sandboxAccounts?.[provider] ?? null;
  }

  get sandbox(): boolean {
    return this.options.sandbox ?? false;
  }

  get configDirectory(): string {
    return this.workspace.directory;
  }

  today(): Day {
    return this.options.today ?? dayOfInstant(new Date());
  }

  private runtime(): ModuleRuntime {
    return this.workspace.runtime({ ...this.options.runtime, signal: this.leaving.signal });
  }

  /**
   * Cancels the provider calls in flight, at once: the operator is leaving. Safe for a reissue run,
   * whose journal records a reissue before it is asked for; a cancelled check, balance or sync
   * records nothing (it is not the provider's failure).
   */
  abort(): void {
    this.leaving.abort();
  }

  get aborted(): boolean {
    return this.leaving.signal.aborted;
  }

  /**
   * Counts `work` as under way until it settles. Once the operator has left, its failure has no
   * screen to go to: it is dropped (the promise stays pending) rather than thrown at nobody, which
   * would end the process with a stack trace after the demo removed its folder.
   */
  private track<T>(work: Promise<T>): Promise<T> {
    const tracked = work.catch((error: unknown) => (this.aborted ? new Promise<T>(() => {}) : Promise.reject(error)));
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return tracked;
  }

  /**
   * Resolves when the work under way has settled (its calls aborted, its records written), or after
   * `ms`: the console waits for it before the process ends and before the demo removes its
   * configuration, so nothing is written into a folder that is gone. True when everything settled.
   */
  async settle(ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      // Work that settles may have started more (a check's record): wait until none is left.
      while (this.inFlight.size > 0) {
        if ((await Promise.race([Promise.all([...this.inFlight]).then(() => true), timeout])) === false) return false;
      }
      return true;
    } finally {
      clearTimeout(timer);
    }
  }

  permissionWarnings(): string[] {
    return this.workspace.store.permissionWarnings();
  }

  modules(): StoredModule[] {
    return listModules(this.workspace);
  }

  /**
   * What the providers of the modules set up cannot reissue by themselves (each provider's own
   * description, as `certops plan --help` says it), once per provider: those reissues become manual tasks.
   */
  reissueLimits(): { readonly provider: string; readonly limits: string }[] {
    const providers = [...new Set(this.modules().map((module) => module.provider))].sort();
    return providers.flatMap((id) => {
      const limits = providerModule(id).reissueLimits;
      return limits === null ? [] : [{ provider: PROVIDERS[id].title, limits }];
    });
  }

  state(): WorkspaceState {
    return this.workspace.state.read();
  }

  /** One field's error; the module being edited does not clash with its own name. */
  fieldError(draft: ModuleDraft, section: ModuleSection, field: string, editing?: StoredModule): string | null {
    return fieldError(draft, section, field, this.modules().filter((module) => module.id !== editing?.id));
  }

  validate(draft: ModuleDraft, editing?: StoredModule): ValidModule {
    return validateModule(draft, this.modules().filter((module) => module.id !== editing?.id), editing);
  }

  checkDraft(valid: ValidModule): Promise<CheckResult> {
    return this.track(checkModule(draftModule(valid), this.runtime()));
  }

  addModule(draft: ModuleDraft, check: CheckResult | null): Promise<StoredModule> {
    return this.track(
      (async () => {
        const module = await addModule(this.workspace, draft, { notVerified: check !== null && !check.ok });
        if (check) await recordCheck(this.workspace, module.id, check);
        return module;
      })(),
    );
  }

  editModule(module: StoredModule, change: ModuleChange, check: CheckResult | null): Promise<StoredModule> {
    return this.track(
      (async () => {
        const { after } = await editModule(this.workspace, module.parameters.name, { ...change, ...(check ? { notVerified: !check.ok } : {}) });
        if (check) await recordCheck(this.workspace, after.id, check);
        return after;
      })(),
    );
  }

  /** What removing the module would leave behind: its open manual tasks and reissues in flight. */
  removalImpact(module: StoredModule): RemovalImpact {
    return removalImpact(this.workspace, module.id);
  }

  removeModule(module: StoredModule): Promise<StoredModule> {
    return this.track(removeModule(this.workspace, module.parameters.name));
  }

  check(module: StoredModule): Promise<CheckResult> {
    return this.track(
      (async () => {
        const result = await checkModule(module, this.runtime());
        if (!this.aborted) await recordCheck(this.workspace, module.id, result);
        return result;
      })(),
    );
  }

  balance(module: StoredModule): Promise<BalanceResult> {
    return this.track(
      (async () => {
        const result = await moduleBalance(module, this.runtime());
        if (!this.aborted) await recordBalance(this.workspace, module.id, result);
        return result;
      })(),
    );
  }

  /** `acceptShrink`: the operator confirmed a list that loses most of the module's certificates. */
  sync(modules: readonly StoredModule[], onProgress?: (progress: SyncProgress) => void, options: SyncOptions = {}): Promise<SyncResult[]> {
    return this.track(syncModules(this.workspace, modules, this.runtime(), onProgress, this.leaving.signal, options));
  }

  /** Per module id: its last good sync and a later failed one (the inventory's record of them). */
  syncs(): Map<number, { readonly syncedAt: string | null; readonly failedSync: { readonly at: string; readonly cause: string } | null }> {
    const inventory = this.workspace.inventory.read();
    return new Map(
      this.modules().map((module) => {
        const failure = inventory.failures[String(module.id)];
        return [module.id, { syncedAt: inventory.modules[String(module.id)]?.syncedAt ?? null, failedSync: failure ? { at: failure.at, cause: failure.cause } : null }] as const;
      }),
    );
  }

  timeline(settings?: ReissuePolicySettings): Timeline {
    return buildTimeline(this.workspace, this.today(), settings);
  }

  /** Whether an entry's next validation is ready (core/readiness.ts); null when it has none to redo soon. DNS is loaded on first need. */
  async readiness(entry: TimelineEntry): Promise<{ readonly days: number; readonly readiness: Readiness | null }> {
    const { timelineReadiness, readinessKey } = await import('./readiness.js');
    const report = await this.track(timelineReadiness(this.workspace, [entry], { today: this.today(), ...(this.options.dnsServers ? { servers: this.options.dnsServers } : {}) }));
    return { days: report.days, readiness: report.entries.get(readinessKey(entry)) ?? null };
  }

  /**
   * The reissue run for today (core/reissue/run.ts): with `dryRun`, what it would do. Each action is
   * reported as it is done. `scope` limits it to some modules and kinds of action (the timeline's filters). Rejects with RunLockedError when another run holds the lock.
   */
  reissueRun(dryRun: boolean, onAction?: (action: ActionReport) => void, scope: { readonly moduleIds?: readonly number[]; readonly actions?: readonly RunAction[] } = {}): Promise<RunReport> {
    return this.track(this.startReissueRun(dryRun, onAction, scope));
  }

  private async startReissueRun(dryRun: boolean, onAction: ((action: ActionReport) => void) | undefined, scope: { readonly moduleIds?: readonly number[]; readonly actions?: readonly RunAction[] }): Promise<RunReport> {
    // Loaded on first use: the run and the messages it sends are not needed to show the dashboard.
    const [{ runReissue }, { runEffects }] = await Promise.all([import('./reissue/run.js'), import('./reissue/effects.js')]);
    return runReissue(this.workspace, {
      today: this.today(),
      dryRun,
      ...(scope.moduleIds ? { moduleIds: scope.moduleIds } : {}),
      ...(scope.actions ? { actions: scope.actions } : {}),
      runtime: this.runtime(),
      signal: this.leaving.signal,
      effects: runEffects(this.workspace),
      ...(onAction ? { onAction } : {}),
    });
  }

  /** Asks for a failed reissue to be sent again by the next run (core/reissue/retry.ts); rejects with RetryRefusedError or RunLockedError. */
  retryReissue(recordId: string) {
    // On the console's day (the demo's --today), as the runs' own records are.
    const day = this.options.today;
    const now = day === undefined ? undefined : () => new Date(day * 86_400_000 + (Date.now() % 86_400_000));
    return this.track(import('./reissue/retry.js').then(({ askRetry }) => askRetry(this.workspace, recordId, { waitSeconds: 2, ...(now ? { now } : {}) })));
  }

  /** Manual tasks, open ones by default (see listTasks). */
  tasks(filter?: TaskFilter): ManualTask[] {
    return listTasks(this.workspace, filter);
  }

  /** One task by id, or null when there is none. */
  task(id: string): ManualTask | null {
    try {
      return findTask(this.workspace, id);
    } catch (error) {
      if (error instanceof TaskNotFoundError) return null;
      throw error;
    }
  }

  closeTask(id: string, note?: string): Promise<ManualTask> {
    return this.track(closeTask(this.workspace, id, note));
  }

  pendingTasks(): PendingCount[] {
    return pendingCounts(this.workspace);
  }

  policy(): ReissuePolicySettings {
    return readPolicy(this.workspace);
  }

  previewPolicy(candidate: ReissuePolicySettings) {
    return previewPolicy(this.workspace, candidate, this.today());
  }

  setPolicy(next: ReissuePolicySettings) {
    return this.track(setPolicy(this.workspace, next));
  }

  logs(): LogInfo[] {
    const levels = this.workspace.store.read().debugLevels;
    return Object.values(PROVIDERS).map((provider) => {
      const file = join(this.workspace.logDirectory, `${provider.logName}.log`);
      let bytes: number | null = null;
      try {
        bytes = statSync(file).size;
      } catch {
        bytes = null;
      }
      const level = levels[provider.logName] ?? 4;
      return { logName: provider.logName, title: provider.title, level, meaning: LOG_LEVELS[level as keyof typeof LOG_LEVELS], file, bytes };
    });
  }

  /** The last `lines` lines of a module log (read from its end, whatever its size). */
  tail(logName: string, lines: number): string[] {
    const file = join(this.workspace.logDirectory, `${logName}.log`);
    let fd: number;
    try {
      // Non-blocking and judged by fstat: a FIFO in a log's place would otherwise hang the console.
      fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    } catch {
      return [];
    }
    try {
      const stats = fstatSync(fd);
      if (!stats.isFile()) return [`${file} is not a regular file; move it aside`];
      const size = stats.size;
      const length = Math.min(size, 256 * 1024);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      return buffer.toString('utf8').split('\n').filter(Boolean).slice(-lines);
    } finally {
      closeSync(fd);
    }
  }

  async setLogLevel(logName: string, level: number): Promise<void> {
    await this.track(this.workspace.store.update((data) => ({ data: { ...data, debugLevels: { ...data.debugLevels, [logName]: level } }, result: undefined })));
  }
}
