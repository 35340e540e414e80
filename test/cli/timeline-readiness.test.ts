/**
 * `certops timeline --readiness`: the JSON field and the table column of validation readiness, with
 * a DNS server on loopback standing in for the domains of a synced GlobalSign sandbox.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runBin, runMain } from '../helpers/cli.js';
import { startDnsServer, startSilentDnsServer } from '../helpers/dns-server.js';
import { workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

interface Check {
  readonly name: string;
  readonly kind: string;
  readonly ok: boolean | null;
  readonly detail: string;
}
interface EntryJson {
  readonly domain: string;
  readonly certificateId: string;
  readonly dueDate: string;
  readonly revalidate: string[];
  readonly readiness: { ready: boolean | null; method: string | null; summary: string; checks: Check[] } | null;
}
interface TimelineJson {
  readonly entries: EntryJson[];
  readonly readiness?: { days: number; checked: number; ready: number; notReady: number; unknown: number };
}

const TODAY = ['--today', '2026-11-23'];

async function synced() {
  const { workspace } = await harness.withModules(['globalsign'], 40);
  const dir = ['--config-dir', workspace.directory];
  expect((await runMain(['sync', ...dir])).code).toBe(0);
  return { workspace, dir };
}

/** The GlobalSign sandbox's book at 40 certificates has these due within 14 days of 2026-11-23, domain validation to redo. */
const FORBIDDEN = 'blog13.example.net';
const ALLOWED = 'portal27.example.org';

async function zone() {
  const dns = await startDnsServer({
    [FORBIDDEN]: [{ type: 'SOA' }, { type: 'CAA', tag: 'issue', value: 'letsencrypt.org' }],
    [ALLOWED]: [{ type: 'SOA' }, { type: 'CAA', tag: 'issue', value: 'globalsign.com' }, { type: 'MX', preference: 10, exchange: `mx.${ALLOWED}` }],
  });
  stops.push(dns.stop);
  return dns;
}

describe('certops timeline --readiness', { timeout: 60_000 }, () => {
  it('adds readiness to the JSON entries due within 14 days that redo domain validation, and counts', async () => {
    const { dir } = await synced();
    const dns = await zone();
    const run = await runMain(['timeline', ...dir, ...TODAY, '--json', '--readiness', '--dns-server', dns.address]);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as TimelineJson;
    const judged = json.entries.filter((entry) => entry.readiness !== null);
    expect(judged.length).toBeGreaterThanOrEqual(3);
    for (const entry of judged) {
      expect(entry.dueDate <= '2026-12-07').toBe(true);
      expect(entry.revalidate.length).toBeGreaterThan(0);
    }
    for (const entry of json.entries.filter((entry) => entry.readiness === null)) {
      expect(entry.dueDate > '2026-12-07' || entry.revalidate.length === 0).toBe(true);
    }
    expect(json.readiness).toEqual({
      days: 14,
      checked: judged.length,
      ready: judged.filter((entry) => entry.readiness?.ready === true).length,
      notReady: judged.filter((entry) => entry.readiness?.ready === false).length,
      unknown: judged.filter((entry) => entry.readiness?.ready === null).length,
    });

    const forbidden = judged.find((entry) => entry.domain === FORBIDDEN);
    expect(forbidden?.readiness).toEqual({
      ready: false,
      method: null,
      summary: 'not ready: CAA forbids GlobalSign: CAA at blog13.example.net allows only letsencrypt.org (issue)',
      checks: [
        { name: FORBIDDEN, kind: 'caa', ok: false, detail: 'CAA forbids GlobalSign: CAA at blog13.example.net allows only letsencrypt.org (issue)' },
        { name: FORBIDDEN, kind: 'dns-record', ok: null, detail: 'if DNS validation is chosen, the record is given at submission' },
        // The sandbox's zone has no MX for it: mail falls back to its address, so not a failure.
        { name: `admin@${FORBIDDEN}`, kind: 'approver', ok: null, detail: `admin@${FORBIDDEN} (the CA asks admin@ the registered domain by default; confirm that someone reads it)` },
      ],
    });
    const allowed = judged.find((entry) => entry.domain === ALLOWED);
    expect(allowed?.readiness).toMatchObject({
      ready: null,
      summary: expect.stringMatching(/^not known yet: if DNS validation is chosen, the record is given at submission; admin@portal27\.example\.org /),
    });
    expect(allowed?.readiness?.checks[0]).toEqual({ name: ALLOWED, kind: 'caa', ok: true, detail: 'CAA allows GlobalSign: CAA at portal27.example.org: issue "globalsign.com"' });
  });

  it('shows a Ready column and the checks under the table; --readiness-days narrows what is judged', async () => {
    const { dir } = await synced();
    const dns = await zone();
    const run = await runMain(['timeline', ...dir, ...TODAY, '--within', '30d', '--dns-server', dns.address]);
    expect(run.code, run.stderr).toBe(0);
    const [header] = run.stdout.split('\n');
    expect(header).toMatch(/Revalidate\s+Ready$/);
    expect(run.stdout).toMatch(new RegExp(`^${FORBIDDEN.replaceAll('.', '\\.')}\\s.*\\sNOT READY$`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^${ALLOWED.replaceAll('.', '\\.')}\\s.*\\sunknown$`, 'm'));
    expect(run.stdout).toMatch(/\nValidation readiness of what is due within 14 days with domain validation to redo: \d+ checked, 0 ready, 2 not ready, \d+ not known yet\.\n/);
    expect(run.stdout).toContain(
      `  ${FORBIDDEN} (globalsign sandbox, due 2026-11-19): NOT READY\n` +
        `    FAIL  CAA forbids GlobalSign: CAA at ${FORBIDDEN} allows only letsencrypt.org (issue)\n` +
        `    ?     if DNS validation is chosen, the record is given at submission\n`,
    );
    // A name that does not exist in DNS cannot be validated by e-mail (nor any other way).
    expect(run.stdout).toContain('  docs0.example.io (globalsign sandbox, due 2026-12-02): NOT READY\n');
    expect(run.stdout).toContain('    FAIL  docs0.example.io does not exist in DNS (NXDOMAIN): the certificate names a host DNS does not know, which no validation can confirm\n');
    // The summary line stays last.
    expect(run.stdout).toMatch(/\nDue within 7 days: \d+, within 30 days: \d+, within 90 days: \d+; overdue: \d+\. Today is 2026-11-23; dates are UTC calendar days\.\n$/);

    const narrow = JSON.parse((await runMain(['timeline', ...dir, ...TODAY, '--json', '--readiness-days', '3', '--dns-server', dns.address])).stdout) as TimelineJson;
    const wide = JSON.parse((await runMain(['timeline', ...dir, ...TODAY, '--json', '--readiness', '--dns-server', dns.address])).stdout) as TimelineJson;
    expect(narrow.readiness?.days).toBe(3);
    expect(narrow.readiness?.checked).toBeGreaterThan(0);
    expect(narrow.readiness?.checked).toBeLessThan(wide.readiness?.checked ?? 0);
    for (const entry of narrow.entries) if (entry.readiness) expect(entry.dueDate <= '2026-11-26').toBe(true);
  });

  it('without --readiness asks no DNS server: no readiness field, and the table keeps its columns', async () => {
    const { dir } = await synced();
    const json = JSON.parse((await runMain(['timeline', ...dir, ...TODAY, '--json'])).stdout) as TimelineJson;
    expect(json).not.toHaveProperty('readiness');
    expect(json.entries.some((entry) => 'readiness' in entry)).toBe(false);
    const table = await runMain(['timeline', ...dir, ...TODAY]);
    expect(table.stdout.split('\n')[0]).toMatch(/Revalidate$/);
    expect(table.stdout).not.toContain('Validation readiness');
  });

  it('a DNS server that does not answer leaves readiness unknown, exit 0', async () => {
    const { dir } = await synced();
    const silent = await startSilentDnsServer();
    stops.push(silent.stop);
    const started = Date.now();
    const run = await runMain(['timeline', ...dir, ...TODAY, '--json', '--dns-server', silent.address, '--dns-timeout', '0.3']);
    const elapsed = Date.now() - started;
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as TimelineJson;
    expect(json.readiness?.checked).toBeGreaterThan(0);
    expect(json.readiness?.unknown).toBe(json.readiness?.checked);
    const checks = json.entries.flatMap((entry) => entry.readiness?.checks ?? []);
    expect(checks.filter((check) => check.kind === 'caa').every((check) => check.ok === null && /timed out|do not answer/.test(check.detail))).toBe(true);
    expect(elapsed).toBeLessThan(5000);
  });

  it.each([
    [['--dns-server', 'ns1.example.com'], '--dns-server: "ns1.example.com" is not an IP address, or ADDR:PORT ([ADDR]:PORT for IPv6)'],
    [['--readiness', '--format', 'csv'], 'readiness (--readiness, --readiness-days, --dns-server, --dns-timeout) is shown in the table and JSON only, not --format csv'],
    [['--readiness-days', 'soon'], '--readiness-days: must be a whole number of days from 0 to 366, written N or Nd (got "soon")'],
    [['--dns-timeout', '0'], '--dns-timeout: must be a number of seconds from 0.1 to 60 (got "0")'],
    [['--readiness=yes'], '--readiness takes no value'],
  ])('exits 2 on %j, naming the flag', async (args, message) => {
    const run = await runMain(['timeline', ...args]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`certops timeline: ${message}\nRun 'certops timeline --help' for usage.\n`);
  });

  it('works through the real binary', async () => {
    const { workspace } = await synced();
    const dns = await zone();
    const run = await runBin(['timeline', ...TODAY, '--json', '--readiness', '--dns-server', dns.address], { CERTOPS_CONFIG_DIR: workspace.directory });
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as TimelineJson;
    expect(json.entries.find((entry) => entry.domain === FORBIDDEN)?.readiness?.ready).toBe(false);
    expect(dns.queries).toContain(`CAA ${FORBIDDEN}`);
  });
});
