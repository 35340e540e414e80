import { describe, expect, it } from 'vitest';
import { runBin, runMain } from '../helpers/cli.js';

describe('certops plan', () => {
  it('prints the seed 000 subscription as a table', async () => {
    const run = await runMain(['plan', '--ordered', '2026-04-02', '--years', '5']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(
      'Subscription ordered 2026-04-02 for 5 years · DV · SSLSubscriptionPolicy auto (Automatic certificate reissue) · SSLSubscriptionBefore 10',
    );
    expect(lines[1]).toBe('Paid until: 2031-04-02');
    expect(lines[3]).toBe(' #  Issued      Expires     Days  Limited by    Action date  Action          Revalidate');
    expect(lines[4]).toBe(' 1  2026-04-02  2026-10-19   200  CA/B maximum  2026-10-09   reissue         -');
    expect(lines[33]).toBe('30  2031-03-10  2031-04-02    23  paid until    -            paid term ends  -');
    expect(lines.at(-2)).toBe('30 certificates, 29 action dates; domain validation at 24 of them. Dates are UTC calendar days.');
  });

  it('prints the documented JSON shape with --json', async () => {
    const run = await runMain(['plan', '--ordered', '2026-04-02', '--years', '1', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      paidUntil: null,
      certificates: [
        { issued: '2026-04-02', expires: '2026-10-19', actionDate: '2026-10-09', action: 'reissue', revalidate: [] },
        { issued: '2026-10-09', expires: '2027-04-02', actionDate: null, action: 'end-of-term', revalidate: [] },
      ],
      warnings: [],
    });
  });

  it('honours --type, --policy, --before, --provider and --multi-domain', async () => {
    const run = await runMain(['plan', '--ordered=2020-10-20', '--years=5', '--type', 'ov', '--policy', 'manual', '--before', '30', '--json']);
    const plan = JSON.parse(run.stdout);
    expect(plan.paidUntil).toBe('2025-10-20');
    expect(plan.certificates[0]).toEqual({ issued: '2020-10-20', expires: '2021-10-20', actionDate: '2021-09-20', action: 'notify-client', revalidate: [] });
    const leader = JSON.parse((await runMain(['plan', '--ordered', '2027-01-10', '--years', '2', '--provider', 'leadertelecom', '--multi-domain', '--json'])).stdout);
    expect(leader.certificates[0].action).toBe('manual-task');
    expect(leader.warnings).toEqual([
      "LeaderTelecom does not support automatic reissue of multi-domain certificates: each reissue becomes a manual task for the processing module's department.",
    ]);
  });

  it('sends warnings to stderr in table mode and keeps them in the JSON otherwise', async () => {
    const table = await runMain(['plan', '--ordered', '2029-04-01', '--years', '1', '--before', '100']);
    expect(table.stderr).toBe(
      'warning: SSLSubscriptionBefore 100 is not shorter than the 47-day lifetime of 10 certificates issued from 2029-04-01: acting 15 days before expiration instead (one third of the lifetime).\n',
    );
    expect(table.stdout).toContain('reissue (15 d before, 1/3)');
    const json = await runMain(['plan', '--ordered', '2029-04-01', '--years', '1', '--before', '100', '--json']);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout).warnings).toHaveLength(1);
  });

  it.each([
    [['--years', '5'], 'missing --ordered'],
    [[], 'missing --ordered and --years'],
    [['--ordered', '2026-02-30', '--years', '1'], '--ordered: 2026-02-30 is not a calendar date (UTC, e.g. 2026-04-02)'],
    [['--ordered', '02.04.2026', '--years', '1'], '--ordered: "02.04.2026" is not a date in the form YYYY-MM-DD (UTC, e.g. 2026-04-02)'],
    [['--ordered', '1999-12-31', '--years', '1'], '--ordered: 1999-12-31 is outside the supported range 2000-01-01 to 2099-12-31'],
    [['--ordered', '2026-04-02', '--years', '6'], '--years: the paid term must be a whole number of years from 1 to 5 (got "6")'],
    [['--ordered', '2026-04-02', '--years', '2.5'], '--years: the paid term must be a whole number of years from 1 to 5 (got "2.5")'],
    [['--ordered', '2026-04-02', '--years', '1', '--type', 'xv'], '--type: must be one of dv, ov, ev (got "xv")'],
    [['--ordered', '2026-04-02', '--years', '1', '--policy', 'always'], '--policy: SSLSubscriptionPolicy must be one of auto, manual, none (got "always")'],
    [['--ordered', '2026-04-02', '--years', '1', '--before', '201'], '--before: SSLSubscriptionBefore must be a whole number of days from 0 to 200; 201 is more than the maximum of 200'],
    [['--ordered', '2026-04-02', '--years', '1', '--before', '7.5'], '--before: SSLSubscriptionBefore must be a whole number of days from 0 to 200 (got "7.5")'],
    [['--ordered', '2026-04-02', '--years', '1', '--before', '-3'], '--before: SSLSubscriptionBefore must be a whole number of days from 0 to 200 (got "-3")'],
    [['--ordered', '2026-04-02', '--years', '1', '--provider', 'digicert'], '--provider: must be one of leadertelecom, ispmanager, globalsign, enom (got "digicert")'],
    [['--ordered', '2026-04-02', '--years', '1', '--colour'], 'unknown flag --colour'],
    [['--ordered', '2026-04-02', '--years', '1', '--years', '2'], '--years is given more than once'],
    [['--ordered', '2026-04-02', '--years'], '--years needs a value (for a value that starts with "-", write --years=VALUE)'],
    [['--ordered', '2026-04-02', '--years', '1', '--json=no'], '--json takes no value'],
    [['extra', '--ordered', '2026-04-02', '--years', '1'], 'unexpected argument "extra"'],
  ])('exits 2 on %j, naming the flag', async (args, message) => {
    const run = await runMain(['plan', ...args]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`certops plan: ${message}\nRun 'certops plan --help' for usage.\n`);
  });

  it('shows help with --help, -h and `certops help plan`', async () => {
    for (const args of [['plan', '--help'], ['plan', '-h'], ['help', 'plan']]) {
      const run = await runMain(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: certops plan --ordered YYYY-MM-DD --years N \[options\]/);
      expect(run.stdout).toContain('--multi-domain');
    }
  });
});

describe('certops (top level)', () => {
  it('prints help, the version, and refuses unknown commands and flags with exit 2', async () => {
    expect((await runMain(['--help'])).stdout).toContain('certops [global flags] <command> [flags]  scripted commands');
    const noTerminal = await runMain([]);
    expect(noTerminal.code).toBe(2);
    expect(noTerminal.stderr).toMatch(/^certops: the console needs a terminal \(stdin and stdout must be a TTY; over SSH use ssh -t\)\./);
    expect((await runMain(['--version'])).stdout).toMatch(/^certops \d+\.\d+\.\d+\n$/);
    expect(await runMain(['renew'])).toEqual({ code: 2, stdout: '', stderr: `certops: unknown command "renew"\nRun 'certops --help' for usage.\n` });
    expect((await runMain(['--verbose'])).stderr).toBe(`certops: unknown flag --verbose\nRun 'certops --help' for usage.\n`);
  });
});

describe('the built binary (bin/certops.js)', () => {
  it('runs the planner end to end with JSON on stdout only', async () => {
    const run = await runBin(['plan', '--ordered', '2026-04-02', '--years', '5', '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const plan = JSON.parse(run.stdout);
    expect(plan.paidUntil).toBe('2031-04-02');
    expect(plan.certificates[0].expires).toBe('2026-10-19');
    expect(plan.certificates.at(-1).expires).toBe('2031-04-02');
  });

  it('exits 2 with the message on stderr for a bad flag', async () => {
    const run = await runBin(['plan', '--ordered', '2026-04-02', '--years', '9']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--years: the paid term must be a whole number of years from 1 to 5 (got "9")');
  });

  it('prints the package version', async () => {
    const { version } = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')));
    expect(await runBin(['--version'])).toEqual({ code: 0, stdout: `certops ${version}\n`, stderr: '' });
  });

  it('gives the same result whatever the server time zone', async () => {
    const utc = await runBin(['plan', '--ordered', '2026-03-15', '--years', '2', '--json'], { TZ: 'UTC' });
    const kiritimati = await runBin(['plan', '--ordered', '2026-03-15', '--years', '2', '--json'], { TZ: 'Pacific/Kiritimati' });
    const samoa = await runBin(['plan', '--ordered', '2026-03-15', '--years', '2', '--json'], { TZ: 'Pacific/Pago_Pago' });
    expect(kiritimati.stdout).toBe(utc.stdout);
    expect(samoa.stdout).toBe(utc.stdout);
  });
});
