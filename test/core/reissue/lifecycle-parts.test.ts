/** The pure and local parts of the reissue lifecycle: deadlines, probe targets, the issued chain, the deploy hook's wrapper. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { day, formatDay } from '../../../src/rules/calendar.js';
import { judgeStage, stageDeadline, STAGE_DEADLINES, subscriptionBeforeWarning, VALIDATION_DAYS } from '../../../src/rules/reissue-lifecycle.js';
import { hookEnvironment, hookProgress, readIssued, startHook, waitForHook, type HookFiles } from '../../../src/core/reissue/deliver.js';
import { formatProbeResolve, parseProbeResolve, probeTargets } from '../../../src/core/reissue/probe.js';
import { createSandboxCa } from '../../../src/providers/sandbox-kit/ca.js';
import { makeCsr } from '../../helpers/csr.js';

describe('stage deadlines, counted back from the expiry of the certificate being replaced', () => {
  const expires = day('2026-12-20');
  it.each([
    ['submitted', '2026-12-16'],
    ['validating', '2026-12-17'],
    ['issued', '2026-12-18'],
    ['collected', '2026-12-19'],
    ['delivered', '2026-12-20'],
  ] as const)('%s must be over by %s when it began early', (stage, deadline) => {
    expect(formatDay(stageDeadline(stage, day('2026-12-01'), expires, 'dv'))).toBe(deadline);
    expect(STAGE_DEADLINES[stage].daysBeforeExpiry).toBe(day('2026-12-20') - day(deadline));
  });

  it('gives a stage that began late its minimum time, longer for OV and EV validation', () => {
    expect(formatDay(stageDeadline('validating', day('2026-12-18'), expires, 'dv'))).toBe('2026-12-19');
    expect(formatDay(stageDeadline('validating', day('2026-12-18'), expires, 'ov'))).toBe('2026-12-21');
    expect(formatDay(stageDeadline('validating', day('2026-12-18'), expires, 'ev'))).toBe('2026-12-23');
    expect(formatDay(stageDeadline('collected', day('2026-12-19'), null, null))).toBe('2026-12-21');
  });

  it('is stuck the day after its deadline, not on it', () => {
    expect(judgeStage('validating', day('2026-12-01'), expires, 'dv', day('2026-12-17'))).toMatchObject({ stuck: false, daysLate: 0 });
    expect(judgeStage('validating', day('2026-12-01'), expires, 'dv', day('2026-12-18'))).toMatchObject({ stuck: true, daysLate: 1 });
  });

  it('warns when SSLSubscriptionBefore leaves less time than a validation of the type takes', () => {
    expect(subscriptionBeforeWarning(10, 'dv')).toBeNull();
    expect(subscriptionBeforeWarning(5, 'ov')).toMatch(/too little time for a OV reissue: its validation takes up to 3 days/);
    expect(subscriptionBeforeWarning(VALIDATION_DAYS.ev + 3, 'ev')).toBeNull();
    expect(subscriptionBeforeWarning(VALIDATION_DAYS.ev + 2, 'ev')).toMatch(/set it to 8 or more/);
  });
});

describe('probe targets (--probe-resolve NAME:PORT:ADDRESS, as curl --resolve)', () => {
  it('reads names, *, IPv4 and IPv6 (bracketed or not), and refuses anything else with the reason', () => {
    expect(parseProbeResolve('www.example.com:8443:192.0.2.10')).toEqual({ name: 'www.example.com', port: 8443, address: '192.0.2.10' });
    expect(parseProbeResolve('*:443:[2001:db8::1]')).toEqual({ name: '*', port: 443, address: '2001:db8::1' });
    expect(formatProbeResolve(parseProbeResolve('*:443:2001:db8::1'))).toBe('*:443:[2001:db8::1]');
    expect(() => parseProbeResolve('www.example.com:443')).toThrow(/not NAME:PORT:ADDRESS/);
    expect(() => parseProbeResolve('www.example.com:70000:192.0.2.1')).toThrow(/port 70000/);
    expect(() => parseProbeResolve('www.example.com:443:lb.example.net')).toThrow(/not an IPv4 or IPv6 address/);
    expect(() => parseProbeResolve('bad_name!:443:192.0.2.1')).toThrow(/not a DNS name/);
  });

  it('sends each name to its own entry, else to *, else to itself on 443; wildcard names are not probed', () => {
    const resolves = [parseProbeResolve('*:8443:127.0.0.1'), parseProbeResolve('mail.example.com:443:192.0.2.7')];
    expect(probeTargets(['example.com', 'mail.example.com', '*.example.com'], resolves)).toEqual([
      { name: 'example.com', port: 8443, host: '127.0.0.1' },
      { name: 'mail.example.com', port: 443, host: '192.0.2.7' },
    ]);
    expect(probeTargets(['example.com'], [])).toEqual([{ name: 'example.com', port: 443, host: 'example.com' }]);
  });
});

describe('the issued certificate and its chain', () => {
  it('puts the chain in order from the leaf up, drops the root, and reads the names', async () => {
    const ca = await createSandboxCa();
    const leaf = await ca.issue(await makeCsr('shop.example.org'), day('2026-11-23'), day('2027-01-09'), ['www.shop.example.org']);
    // As a provider may send it: the root first, CRLF line ends.
    const issued = readIssued(leaf.replace(/\n/g, '\r\n'), [ca.rootPem, ca.intermediatePem]);
    expect(issued.chainPems).toHaveLength(1);
    expect(issued.chainPems[0]).toContain(ca.intermediatePem.replace(/\r?\n/g, '\n').trim().split('\n')[1]);
    expect(issued.names.sort()).toEqual(['shop.example.org', 'www.shop.example.org']);
    expect(issued.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(() => readIssued('not a certificate', [])).toThrow(/no PEM certificate/);
  });
});

describe('the deploy hook', () => {
  const files = (): HookFiles => {
    const folder = mkdtempSync(join(tmpdir(), 'certops-hook-'));
    return { statusFile: join(folder, 'h.status'), outputFile: join(folder, 'h.out'), pidFile: join(folder, 'h.pid') };
  };
  const request = (command: string) => ({ command, lineage: '/tmp/lineage', domains: ['a.example', 'www.a.example'], module: 'eNom main', certificateId: '800034' });

  it("gets certbot's variables and certops', never certops' secrets", () => {
    const env = hookEnvironment(request('true'), { PATH: '/bin', CERTOPS_PASSWORD: 'p', CERTOPS_SMTP_PASSWORD: 's', CERTOPS_STORE_PASSWORD: 'd', HOME: '/root' });
    expect(env).toEqual({ PATH: '/bin', HOME: '/root', RENEWED_LINEAGE: '/tmp/lineage', RENEWED_DOMAINS: 'a.example www.a.example', CERTOPS_MODULE: 'eNom main', CERTOPS_CERTIFICATE_ID: '800034' });
  });

  it('runs through sh -c and leaves its exit code and output for whoever looks next, even after certops is gone', async () => {
    const paths = files();
    expect(hookProgress(paths)).toEqual({ state: 'not-started' });
    startHook(request('echo "$RENEWED_DOMAINS for $CERTOPS_MODULE"; echo oops >&2; exit 3'), paths);
    const done = await waitForHook(paths, 10_000);
    expect(done).toEqual({ state: 'finished', exitCode: 3, outputTail: 'a.example www.a.example for eNom main\noops\n' });
    expect(readFileSync(paths.statusFile, 'utf8').trim()).toBe('3');
  });

  it('is stopped when it outlives its time, and says so', async () => {
    const paths = files();
    const marker = join(paths.statusFile, '..', 'still-running');
    startHook(request(`sleep 2; touch ${marker}`), paths);
    const done = await waitForHook(paths, 300);
    expect(done.state).toBe('finished');
    expect(done.state === 'finished' && done.exitCode).toBe(124);
    // The hook's own children are stopped with it.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(existsSync(marker)).toBe(false);
  });
});
