/**
 * Starts the providers' sandboxes on loopback, with their test accounts; used by `certops sandbox`,
 * by the demo, and by benchmarks.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Day } from '../rules/calendar.js';
import { PROVIDERS, type ProviderId } from '../providers/catalog.js';
import { addModule } from './modules.js';
import type { SandboxAccountHint } from './services.js';
import type { StoredModule } from './store.js';
import type { Workspace } from './workspace.js';
import { providerModule } from '../providers/registry.js';
import { CertificateBook } from '../providers/sandbox-kit/dataset.js';
import { startSandbox, type RunningSandbox, type SandboxFault } from '../providers/sandbox-kit/server.js';

export const DEFAULT_SANDBOX_CERTIFICATES = 300;
export const LARGE_SANDBOX_CERTIFICATES = 100_000;

export interface SandboxesRequest {
  readonly providers: readonly ProviderId[];
  /** First port; each further provider takes the next one. 0 picks free ports. */
  readonly port: number;
  readonly tls: boolean;
  readonly certificates: number;
  readonly latencyMs: number;
  readonly faults: readonly SandboxFault[];
  readonly today: Day;
  readonly seed?: number;
}

export interface StartedSandbox {
  readonly provider: ProviderId;
  readonly sandbox: RunningSandbox;
  /** Integration settings that point a module at this sandbox. */
  readonly integration: Record<string, unknown>;
  /** Where the sandbox CA was written (HTTPS only). */
  readonly caFile: string | null;
}

export async function startSandboxes(request: SandboxesRequest): Promise<StartedSandbox[]> {
  const started: StartedSandbox[] = [];
  let caDirectory: string | null = null;
  try {
    for (const [offset, provider] of request.providers.entries()) {
      const kit = await providerModule(provider).loadSandbox();
      const sandbox = await startSandbox(kit.protocol, {
        account: kit.account,
        // Each provider gets its own certificates, as real accounts would have.
        book: new CertificateBook({ count: request.certificates, seed: (request.seed ?? 1) + offset, today: request.today }),
        port: request.port === 0 ? 0 : request.port + offset,
        tls: request.tls,
        latencyMs: request.latencyMs,
        faults: request.faults,
      });
      let caFile: string | null = null;
      if (sandbox.caPem) {
        caDirectory ??= mkdtempSync(join(tmpdir(), 'certops-sandbox-'));
        caFile = join(caDirectory, `${provider}-ca.pem`);
        writeFileSync(caFile, sandbox.caPem, { mode: 0o600 });
      }
      started.push({ provider, sandbox, integration: kit.integrationFor(sandbox), caFile });
    }
  } catch (error) {
    await stopSandboxes(started);
    throw error;
  }
  return started;
}

export async function stopSandboxes(sandboxes: readonly StartedSandbox[]): Promise<void> {
  await Promise.all(sandboxes.map(({ sandbox }) => sandbox.stop()));
}

export interface SandboxModuleOptions {
  /** The module's name from its provider's title and id. */
  readonly name: (title: string, provider: ProviderId) => string;
  readonly department: string;
  /** Used for the providers whose modules have a data center. */
  readonly dataCenter: string;
  readonly minimalBalance?: (index: number) => number | null;
  readonly network?: Readonly<Record<string, unknown>>;
}

/** One processing module per started sandbox, pointing at it (the demo, benchmarks and tests). */
export async function addSandboxModules(workspace: Workspace, sandboxes: readonly StartedSandbox[], options: SandboxModuleOptions): Promise<StoredModule[]> {
  const added: StoredModule[] = [];
  for (const [index, { provider, integration }] of sandboxes.entries()) {
    added.push(
      await addModule(
        workspace,
        {
          provider,
          parameters: {
            name: options.name(PROVIDERS[provider].title, provider),
            department: options.department,
            sort: (index + 1) * 10,
            minimalBalance: options.minimalBalance ? options.minimalBalance(index) : 100,
            ...(PROVIDERS[provider].hasDataCenter ? { dataCenter: options.dataCenter } : {}),
          },
          integration,
          network: options.network ?? {},
        },
        { notVerified: false },
      ),
    );
  }
  return added;
}

/** Each sandbox's address and test account, for the demo's wizard hints. */
export function sandboxAccountsOf(sandboxes: readonly StartedSandbox[]): Partial<Record<ProviderId, SandboxAccountHint>> {
  return Object.fromEntries(
    sandboxes.map(({ provider, sandbox }) => [provider, { endpoint: sandbox.url, username: sandbox.account.username, password: sandbox.account.password }]),
  );
}
