/**
 * The demo's world (core/demo.ts) in-process: the four sandboxes, their modules synced, and
 * reissues at several stages made by two real reissue runs, with the deploy hook installing into
 * the demo's web server on loopback and the probe confirming it there. And the web server alone.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDemo } from '../../src/core/demo.js';
import { installServerKey, startDemoWebServer } from '../../src/core/demo-web.js';
import { fingerprintOf } from '../../src/core/reissue/deliver.js';
import { probe } from '../../src/core/reissue/probe.js';
import { reissueStatus } from '../../src/core/reissue/status.js';
import { listTasks } from '../../src/core/tasks.js';
import { Workspace } from '../../src/core/workspace.js';
import { TODAY } from '../helpers/workspace.js';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});
const temporary = () => {
  const folder = mkdtempSync(join(tmpdir(), 'certops-demo-core-'));
  folders.push(folder);
  return folder;
};

describe('the demo', { timeout: 120_000 }, () => {
  it('makes reissues served, collected, validating and failed through the reissue run, and stops everything', async () => {
    const folder = temporary();
    const workspace = new Workspace(join(folder, 'config'));
    const events: string[] = [];
    const demo = await startDemo(workspace, {
      today: TODAY,
      now: () => new Date(TODAY * 86_400_000 + (Date.now() % 86_400_000)),
      scratch: join(folder, 'scratch'),
      onReissues: (event) => events.push(event.phase),
    });
    try {
      expect(events).toEqual(['start', 'done']);
      const { reissues } = reissueStatus(workspace, { today: TODAY });
      const of = (stage: string) => reissues.filter((entry) => entry.stage === stage);
      expect(demo.reissues.submitted).toBeGreaterThan(10);
      expect(reissues).toHaveLength(demo.reissues.submitted + demo.reissues.fromPanel);
      expect(demo.reissues.perStage).toEqual(Object.fromEntries(Object.entries({ served: of('served').length, collected: of('collected').length, validating: of('validating').length, failed: 1 }).filter(([, n]) => n > 0)));

      // Served: Ispmanager (SSL)'s hook installed key and chain in the web server, which serves them.
      expect(of('served').length).toBeGreaterThan(0);
      const port = Number(/:(\d+):127\.0\.0\.1$/.exec(workspace.store.read().modules.find((m) => m.provider === 'ispmanager')?.delivery?.probeResolve?.[0] ?? '')?.[1]);
      for (const entry of of('served')) {
        expect(entry.module).toBe('Ispmanager (SSL) sandbox');
        const files = entry.files as NonNullable<typeof entry.files>;
        const seen = await probe({ name: entry.domain, host: '127.0.0.1', port });
        expect(seen.fingerprint).toBe(fingerprintOf(new X509Certificate(readFileSync(files.cert))));
      }
      // Collected where the module has no hook, with one install task each; validating elsewhere.
      expect(new Set(of('collected').map((entry) => entry.module))).toEqual(new Set(['GlobalSign sandbox', 'ENOM sandbox']));
      const installs = listTasks(workspace).filter((task) => task.what.startsWith('install the new certificate'));
      expect(installs.map((task) => task.domain).sort()).toEqual(of('collected').map((entry) => entry.domain).sort());
      expect(of('failed')[0]?.detail).toMatch(/domain control validation failed/);
      expect(of('validating').filter((entry) => entry.module === 'LeaderTelecom sandbox')).toHaveLength(1);
      // Every module probes the demo's web server: nothing leaves the machine.
      for (const module of workspace.store.read().modules) expect(module.delivery?.probeResolve).toEqual([`*:${port}:127.0.0.1`]);
    } finally {
      await demo.stop();
    }
    // Stopped: the sandboxes and the web server no longer answer.
    const after = await fetch(demo.sandboxes[0]?.sandbox.url ?? '').catch((error: Error) => error);
    expect(after).toBeInstanceOf(Error);
  });

  it("the web server serves what is installed for a name, its own certificate otherwise, and never reads outside its folder", async () => {
    const folder = temporary();
    const server = await startDemoWebServer(join(folder, 'web'));
    try {
      const before = await probe({ name: 'shop.example.com', host: '127.0.0.1', port: server.port });
      expect(before.fingerprint).not.toBeNull();
      // A key alone is not a certificate: still the server's own.
      installServerKey(server, ['shop.example.com', '*.example.com', '..'], '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n');
      expect(existsSync(join(folder, 'web', 'shop.example.com', 'privkey.pem'))).toBe(true);
      expect(existsSync(join(folder, 'privkey.pem'))).toBe(false);
      expect((await probe({ name: 'shop.example.com', host: '127.0.0.1', port: server.port })).fingerprint).toBe(before.fingerprint);
      expect(server.handshakes()).toBe(2);
    } finally {
      await server.stop();
    }
  });
});
