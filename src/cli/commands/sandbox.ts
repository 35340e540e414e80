/** `certops sandbox`: the providers' local sandboxes, for trying certops without real accounts. */
import { dayOfInstant, formatDay, parseDay, type Day } from '../../rules/calendar.js';
import { isProviderId, PROVIDER_IDS, PROVIDERS, type ProviderId } from '../../providers/catalog.js';
import { isSandboxFault, SANDBOX_FAULTS, type SandboxFault } from '../../providers/sandbox-kit/server.js';
import {
  DEFAULT_SANDBOX_CERTIFICATES,
  LARGE_SANDBOX_CERTIFICATES,
  startSandboxes,
  stopSandboxes,
  type SandboxesRequest,
  type StartedSandbox,
} from '../../core/sandboxes.js';
import { noPositionals, parseFlags } from '../args.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';

export const summary = 'run local sandbox servers of the providers (test accounts, faults on demand)';

export const help = `Usage: certops sandbox [options]

Starts a local server per provider that speaks its real API on loopback, with a
test account (credentials, balance, allowed source IPs) and certificates across 2024-2031,
so certops can be tried and tested without real accounts. Runs until Ctrl+C.

Options:
  --provider LIST       providers to start, comma-separated (default: all):
                        ${Object.keys(PROVIDERS).join(', ')}
  --port N              first port; each further provider takes the next (default: free ports)
  --tls                 serve HTTPS with a CA of its own, written to a file (use it with --ca-file)
  --certificates N      certificates per account (default: ${DEFAULT_SANDBOX_CERTIFICATES})
  --large               ${LARGE_SANDBOX_CERTIFICATES.toLocaleString('en-US')} certificates per account, for scale tests
  --latency MS          added latency per request
  --fault LIST          faults to switch on, comma-separated: ${SANDBOX_FAULTS.join(', ')}
  --today YYYY-MM-DD    the sandbox's today, for its certificates (default: today, UTC)
  --json                print {"sandboxes": [...]}: the endpoints and test credentials, then keep running
  -h, --help            show this help

Faults can also be switched while it runs:
  curl -X POST <origin>/__sandbox/faults -d '{"faults":["hang"],"latencyMs":300}'
`;

const FLAGS = {
  provider: { type: 'string' },
  port: { type: 'string' },
  tls: { type: 'boolean' },
  certificates: { type: 'string' },
  large: { type: 'boolean' },
  latency: { type: 'string' },
  fault: { type: 'string' },
  today: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`--${flag}: must be a whole number from ${min} to ${max} (got "${text}")`, 'sandbox');
  return value;
}

function list(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

export function parseSandboxRequest(args: readonly string[]): { request: SandboxesRequest; json: boolean } | 'help' {
  const { flags, positionals } = parseFlags('sandbox', args, FLAGS);
  if (flags.help) return 'help';
  noPositionals('sandbox', positionals);
  let providers: ProviderId[] = [...PROVIDER_IDS];
  if (flags.provider !== undefined) {
    const wanted = list(flags.provider);
    const unknown = wanted.filter((id) => !isProviderId(id));
    if (unknown.length > 0 || wanted.length === 0) {
      throw new UsageError(`--provider: must be among ${Object.keys(PROVIDERS).join(', ')} (got "${flags.provider}")`, 'sandbox');
    }
    providers = [...new Set(wanted as ProviderId[])];
  }
  if (flags.large && flags.certificates !== undefined) throw new UsageError('--large and --certificates cannot be used together', 'sandbox');
  const faults: SandboxFault[] = [];
  for (const fault of list(flags.fault ?? '')) {
    if (!isSandboxFault(fault)) throw new UsageError(`--fault: "${fault}" is not one of ${SANDBOX_FAULTS.join(', ')}`, 'sandbox');
    faults.push(fault);
  }
  let today: Day = dayOfInstant(new Date());
  if (flags.today !== undefined) {
    const parsed = parseDay(flags.today);
    if (!parsed.ok) throw new UsageError(`--today: ${parsed.error}`, 'sandbox');
    today = parsed.value;
  }
  const port = flags.port === undefined ? 0 : wholeNumber('port', flags.port, 1, 65535 - providers.length + 1);
  return {
    request: {
      providers,
      port,
      tls: flags.tls ?? false,
      certificates: flags.large ? LARGE_SANDBOX_CERTIFICATES : flags.certificates === undefined ? DEFAULT_SANDBOX_CERTIFICATES : wholeNumber('certificates', flags.certificates, 0, 1_000_000),
      latencyMs: flags.latency === undefined ? 0 : wholeNumber('latency', flags.latency, 0, 600_000),
      faults,
      today,
    },
    json: flags.json ?? false,
  };
}

export function describeSandboxes(started: readonly StartedSandbox[]) {
  return started.map(({ provider, sandbox, integration, caFile }) => ({
    provider,
    title: PROVIDERS[provider].title,
    url: sandbox.url,
    control: `${sandbox.origin}/__sandbox/faults`,
    // Sandbox test credentials, printed on purpose: they open nothing but this local server.
    username: sandbox.account.username,
    password: sandbox.account.password,
    balance: sandbox.account.balance,
    currency: sandbox.account.currency,
    allowedIps: sandbox.account.allowedIps,
    certificates: sandbox.book.size,
    caFile,
    integration,
  }));
}

function renderText(started: readonly StartedSandbox[], request: SandboxesRequest): string {
  const lines = [`certops sandbox: ${started.length} provider sandbox${started.length === 1 ? '' : 'es'} on loopback (test accounts, not real ones); today is ${formatDay(request.today)}`, ''];
  for (const entry of describeSandboxes(started)) {
    lines.push(`${entry.title.padEnd(18)}${entry.url}`);
    lines.push(`  username ${entry.username}   password ${entry.password}`);
    lines.push(`  balance ${entry.balance.toFixed(2)} ${entry.currency}   allowed IPs ${entry.allowedIps?.join(', ') ?? 'any'}   certificates ${entry.certificates}`);
    if (entry.caFile) lines.push(`  CA file ${entry.caFile}`);
    lines.push(`  faults: curl -X POST ${entry.control} -d '{"faults":["hang"],"latencyMs":300}'`, '');
  }
  if (request.faults.length > 0 || request.latencyMs > 0) {
    lines.push(`Switched on: ${[...request.faults, ...(request.latencyMs > 0 ? [`latency ${request.latencyMs} ms`] : [])].join(', ')}`);
  }
  lines.push('Press Ctrl+C to stop.');
  return `${lines.join('\n')}\n`;
}

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseSandboxRequest(args);
  if (parsed === 'help') {
    io.stdout.write(help);
    return ExitCode.ok;
  }
  const { request, json } = parsed;
  let started: StartedSandbox[];
  try {
    started = await startSandboxes(request);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.stderr.write(`certops sandbox: cannot start: ${code === 'EADDRINUSE' ? `port ${request.port} or a following one is in use; pick another --port` : (error as Error).message}\n`);
    return ExitCode.problem;
  }
  // An object, as every command prints (README, "Output, JSON and pipes").
  io.stdout.write(json ? `${JSON.stringify({ sandboxes: describeSandboxes(started) }, null, 2)}\n` : renderText(started, request));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stopSandboxes(started);
  io.stderr.write('certops sandbox: stopped\n');
  return ExitCode.ok;
}
