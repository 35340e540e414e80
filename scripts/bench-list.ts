/**
 * Benchmark: list every certificate of a 100 000-certificate sandbox account, per provider, through
 * the real client over HTTP on loopback. The sandbox runs in this process; the client runs in a
 * child process so its time and peak memory are its own. Run: npm run bench [-- --certificates N]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { day } from '../src/rules/calendar.js';
import type { ProviderId } from '../src/providers/catalog.js';
import { silentLog } from '../src/providers/log.js';
import { providerModule } from '../src/providers/registry.js';
import { networkSettingsSchema } from '../src/providers/settings.js';
import type { CertificateRecord } from '../src/providers/types.js';
import { PROVIDER_IDS } from '../src/providers/catalog.js';
import { LARGE_SANDBOX_CERTIFICATES, startSandboxes, stopSandboxes } from '../src/core/sandboxes.js';

interface ChildReport {
  readonly listed: number;
  readonly seconds: number;
  readonly peakRssMiB: number;
  readonly pages: number;
  /** The client's own CPU time (user + system): the wall time also waits on the sandbox. */
  readonly cpuSeconds: number;
}

async function child(): Promise<void> {
  const { provider, integration } = JSON.parse(process.env.CERTOPS_BENCH_CHILD ?? '{}') as { provider: ProviderId; integration: Record<string, unknown> };
  const module = providerModule(provider);
  const client = module.createClient({
    integration: module.integrationSchema.parse(integration),
    network: networkSettingsSchema.parse({ totalTimeoutMs: 120_000 }),
    log: silentLog,
  });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const records: CertificateRecord[] = [];
  let pages = 0;
  for await (const page of client.listCertificates()) {
    records.push(...page);
    pages += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await client.close();
  const report: ChildReport = { listed: records.length, seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024, pages, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  process.stdout.write(JSON.stringify(report));
}

function runChild(provider: ProviderId, integration: Record<string, unknown>): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const script = fileURLToPath(import.meta.url);
    const proc = spawn(process.execPath, [script], { env: { ...process.env, CERTOPS_BENCH_CHILD: JSON.stringify({ provider, integration }) }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildReport) : reject(new Error(`${provider}: child exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const countFlag = process.argv.indexOf('--certificates');
  const certificates = countFlag > 0 ? Number(process.argv[countFlag + 1]) : LARGE_SANDBOX_CERTIFICATES;
  const providers = PROVIDER_IDS;
  process.stdout.write(`node ${process.version}; ${certificates} certificates per account; client in its own process\n`);
  process.stdout.write(`${'provider'.padEnd(16)}${'listed'.padStart(8)}${'pages'.padStart(7)}${'seconds'.padStart(9)}${'cert/s'.padStart(9)}${'client CPU s'.padStart(14)}${'peak RSS'.padStart(11)}\n`);
  for (const provider of providers) {
    const [sandbox] = await startSandboxes({ providers: [provider], port: 0, tls: false, certificates, latencyMs: 0, faults: [], today: day('2026-11-23') });
    if (!sandbox) continue;
    try {
      const report = await runChild(provider, sandbox.integration);
      if (report.listed !== certificates) throw new Error(`${provider}: listed ${report.listed} of ${certificates}`);
      process.stdout.write(
        `${provider.padEnd(16)}${String(report.listed).padStart(8)}${String(report.pages).padStart(7)}${report.seconds.toFixed(2).padStart(9)}` +
          `${Math.round(report.listed / report.seconds).toString().padStart(9)}${report.cpuSeconds.toFixed(2).padStart(14)}${`${report.peakRssMiB.toFixed(0)} MiB`.padStart(11)}\n`,
      );
    } finally {
      await stopSandboxes([sandbox]);
    }
  }
}

await (process.env.CERTOPS_BENCH_CHILD ? child() : main());
