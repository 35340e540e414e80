/**
 * The console's view of the core: every screen reads and changes state only through this object,
 * so the Ink screens hold no business rules and make no HTTP calls, and tests hand them the real
 * core over a temporary workspace and the providers' sandboxes.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dayOfInstant, type Day } from '../rules/calendar.js';
import { PROVIDERS, type ProviderId } from '../providers/catalog.js';
import { LOG_LEVELS } from '../providers/log.js';
import { moduleBalance, type BalanceResult } from './balance.js';
import { checkModule, type CheckResult } from './check.js';
import { addModule, draftModule, editModule, fieldError, listModules, recordBalance, recordCheck, removeModule, validateModule } from './modules.js';
import type { ModuleChange, ModuleDraft, ModuleSection, ValidModule } from './modules.js';
import { previewPolicy, readPolicy, setPolicy } from './policy.js';
import { removalImpact, type RemovalImpact } from './module-removal.js';
import type { Readiness } from './readiness.js';
import type { StoredModule } from './store.js';
import { syncModules, type SyncProgress, type SyncResult } from './sync.js';
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

  permissionWarnings(): string[] {
    return this.workspace.store.permissionWarnings();
  }

  modules(): StoredModule[] {
    return listModules(this.workspace);
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
    return checkModule(draftModule(valid), this.runtime());
  }

  async addModule(draft: ModuleDraft, check: CheckResult | null): Promise<StoredModule> {
    const module = await addModule(this.workspace, draft, { notVerified: check !== null && !check.ok });
    if (check) await recordCheck(this.workspace, module.id, check);
    return module;
  }

  async editModule(module: StoredModule, change: ModuleChange, check: CheckResult | null): Promise<StoredModule> {
    const { after } = await editModule(this.workspace, module.parameters.name, { ...change, ...(check ? { notVerified: !check.ok } : {}) });
    if (check) await recordCheck(this.workspace, after.id, check);
    return after;
  }

  /** What removing the module would leave behind: its open manual tasks and reissues in flight. */
  removalImpact(module: StoredModule): RemovalImpact {
    return removalImpact(this.workspace, module.id);
  }

  removeModule(module: StoredModule): Promise<StoredModule> {
    return removeModule(this.workspace, module.parameters.name);
  }

  async check(module: StoredModule): Promise<CheckResult> {
    const result = await checkModule(module, this.runtime());
    if (!this.aborted) await recordCheck(this.workspace, module.id, result);
    return result;
  }

  async balance(module: StoredModule): Promise<BalanceResult> {
    const result = await moduleBalance(module, this.runtime());
    if (!this.aborted) await recordBalance(this.workspace, module.id, result);
    return result;
  }

  sync(modules: readonly StoredModule[], onProgress?: (progress: SyncProgress) => void): Promise<SyncResult[]> {
    return syncModules(this.workspace, modules, this.runtime(), onProgress, this.leaving.signal);
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
    const report = await timelineReadiness(this.workspace, [entry], { today: this.today(), ...(this.options.dnsServers ? { servers: this.options.dnsServers } : {}) });
    return { days: report.days, readiness: report.entries.get(readinessKey(entry)) ?? null };
  }

  /**
   * The reissue run for today (core/reissue/run.ts): with `dryRun`, what it would do. Each action is
   * reported as it is done. `scope` limits it to some modules and kinds of action (the timeline's filters). Rejects with RunLockedError when another run holds the lock.
   */
  async reissueRun(dryRun: boolean, onAction?: (action: ActionReport) => void, scope: { readonly moduleIds?: readonly number[]; readonly actions?: readonly RunAction[] } = {}): Promise<RunReport> {
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
    return closeTask(this.workspace, id, note);
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
    return setPolicy(this.workspace, next);
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
      fd = openSync(file, 'r');
    } catch {
      return [];
    }
    try {
      const size = statSync(file).size;
      const length = Math.min(size, 256 * 1024);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      return buffer.toString('utf8').split('\n').filter(Boolean).slice(-lines);
    } finally {
      closeSync(fd);
    }
  }

  async setLogLevel(logName: string, level: number): Promise<void> {
    await this.workspace.store.update((data) => ({ data: { ...data, debugLevels: { ...data.debugLevels, [logName]: level } }, result: undefined }));
  }
}
