/**
 * Locks and what a killed process leaves, with real processes of the built binary (issue 13,
 * items 13 and 23): a lock held too long is exit 5 naming its holder, never a configuration
 * problem; a lost race gives the answer the same input gets alone; a lock whose owner is gone is
 * taken over at once; temporary files left by a kill are removed at the next start.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, runBin } from '../helpers/cli.js';

const configDir = () => join(mkdtempSync(join(tmpdir(), 'certops-locks-')), 'config');
const PASSWORD = 'Lock-canary-7f3e!';

const addArgs = (dir: string, name: string) => ['module', 'add', 'leadertelecom', '--config-dir', dir, '--name', name, '--department', 'SSL', '--sort', '1', '--username', 'u'];
const add = (dir: string, name: string, extra: readonly string[] = []) => runBin([...addArgs(dir, name), ...extra], { CERTOPS_PASSWORD: PASSWORD });

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A pid that is certainly gone: a process that ran and exited. */
function deadPid(): number {
  const gone = spawnSync(process.execPath, ['-e', '']);
  return gone.pid as number;
}

/** What a certops process holding `lock` looks like: the lock directory, its owner file beside it, kept fresh as proper-lockfile does. */
function plantLock(lock: string, ownerFile: string, pid: number): () => void {
  mkdirSync(lock);
  const stat = statSync(lock);
  writeFileSync(ownerFile, JSON.stringify({ pid, host: hostname(), since: new Date().toISOString(), lock: `${stat.ino}:${stat.birthtimeMs}` }), { mode: 0o600 });
  const timer = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(lock, now, now);
    } catch {
      // Taken over.
    }
  }, 1000);
  return () => clearInterval(timer);
}

describe('locks under contention and after a kill', { timeout: 120_000 }, () => {
  it('two processes adding one name at once: one succeeds, the other gets the usage error it would get alone', async () => {
    for (let round = 0; round < 3; round += 1) {
      const dir = configDir();
      const runs = await Promise.all(Array.from({ length: 6 }, () => add(dir, 'Race')));
      const codes = runs.map((run) => run.code).sort();
      expect(codes, runs.map((run) => run.stderr).join('\n')).toEqual([0, 2, 2, 2, 2, 2]);
      for (const run of runs.filter((r) => r.code === 2)) expect(run.stderr).toMatch(/--name: a processing module named "Race" already exists/);
      const alone = await add(dir, 'Race');
      expect(alone.code).toBe(2);
      expect(alone.stderr).toMatch(/--name: a processing module named "Race" already exists/);
      expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).modules).toHaveLength(1);
    }
  });

  it('a lock a live process holds: exit 5 naming its pid and the file, after --wait, not a configuration problem', async () => {
    const dir = configDir();
    expect((await add(dir, 'First')).code).toBe(0);
    const holder = spawn('sleep', ['60']);
    children.push(holder);
    const stop = plantLock(join(dir, 'config.lock'), join(dir, 'config.owner.json'), holder.pid as number);
    try {
      const started = Date.now();
      const run = await add(dir, 'Second', ['--wait', '1']);
      const took = Date.now() - started;
      expect(run.code, run.stderr).toBe(5);
      expect(run.stderr).toContain(`another certops process (pid ${holder.pid}) holds ${join(dir, 'config.lock')}; waited 1`);
      expect(run.stderr).toMatch(/^certops module( add)?: /);
      expect(run.stderr).toMatch(/--wait SECONDS/);
      expect(took).toBeLessThan(5000);
      // Nothing changed.
      expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).modules).toHaveLength(1);
      // The same for the other files' locks: state.json, written after the configuration by module remove.
      stop();
      rmSync(join(dir, 'config.lock'), { recursive: true });
      const tasksLock = plantLock(join(dir, 'state.json.lock'), join(dir, 'state.json.owner.json'), holder.pid as number);
      try {
        const remove = await runBin(['module', 'remove', 'First', '--yes', '--wait', '0', '--config-dir', dir]);
        expect(remove.code, remove.stderr).toBe(5);
        expect(remove.stderr).toContain(`another certops process (pid ${holder.pid}) holds ${join(dir, 'state.json.lock')}`);
      } finally {
        tasksLock();
      }
    } finally {
      stop();
    }
  });

  it('many writers at once: each exits 0, or 5 with the busy message; never 3 (configuration) or 1 (internal error)', async () => {
    const dir = configDir();
    expect((await add(dir, 'First')).code).toBe(0);
    const runs = await Promise.all(Array.from({ length: 12 }, (_, index) => runBin(['policy', 'set', '--before', String(index + 1), '--wait', '0', '--config-dir', dir])));
    for (const run of runs) {
      expect([0, 5], run.stderr).toContain(run.code);
      if (run.code === 5) expect(run.stderr).toMatch(/another certops process \(pid \d+\) holds .*config\.lock; waited/);
    }
    expect(runs.some((run) => run.code === 0)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).modules).toHaveLength(1);
  });

  it('--wait is checked like any flag', async () => {
    const dir = configDir();
    const run = await add(dir, 'X', ['--wait', 'soon']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--wait: must be a whole number of seconds/);
    expect(existsSync(join(dir, 'config.json'))).toBe(false);
  });

  it('a lock whose owner is gone is taken over at once, for the configuration and for state.json', async () => {
    const dir = configDir();
    expect((await add(dir, 'First')).code).toBe(0);
    const stopConfig = plantLock(join(dir, 'config.lock'), join(dir, 'config.owner.json'), deadPid());
    const stopState = plantLock(join(dir, 'state.json.lock'), join(dir, 'state.json.owner.json'), deadPid());
    try {
      const started = Date.now();
      const run = await runBin(['module', 'remove', 'First', '--yes', '--config-dir', dir]);
      expect(run.code, run.stderr).toBe(0);
      // proper-lockfile alone waits 10 s (config.lock) and 30 s (state.json.lock) for these.
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      stopConfig();
      stopState();
    }
  });

  it('a lock left without an owner (killed between making it and naming itself) is taken over in about two seconds', async () => {
    const dir = configDir();
    expect((await add(dir, 'First')).code).toBe(0);
    mkdirSync(join(dir, 'config.lock'));
    const started = Date.now();
    const run = await add(dir, 'Second');
    expect(run.code, run.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('temporary files a killed writer left (with every password) are removed at the next start, and are 0600', async () => {
    const dir = configDir();
    expect((await add(dir, 'First')).code).toBe(0);
    const config = readFileSync(join(dir, 'config.json'), 'utf8');
    expect(config).toContain(PASSWORD);
    // Named as atomically names them: <file>.tmp-<10 digits><6 hex>.
    const planted = ['config.json', 'state.json', 'inventory.json', 'tasks.json', 'messages.json'].map((file, index) => `${file}.tmp-1765150000${String(index).padStart(6, 'a')}`);
    for (const name of planted) writeFileSync(join(dir, name), config, { mode: 0o600 });
    // A read-only command is a start too.
    const list = await runBin(['module', 'list', '--config-dir', dir]);
    expect(list.code, list.stderr).toBe(0);
    expect(readdirSync(dir).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('SIGKILL mid-write: the temporary copy left is 0600, and the next start removes it', async () => {
    const dir = configDir();
    expect((await add(dir, 'First')).code).toBe(0);
    let caught: string | null = null;
    for (let attempt = 0; attempt < 40 && caught === null; attempt += 1) {
      // A watcher sees the temporary file appear and kills the writer before its rename.
      const child = spawn(process.execPath, [BIN, 'policy', 'set', '--before', String(10 + attempt), '--config-dir', dir], { stdio: 'ignore' });
      children.push(child);
      const watcher = (await import('node:fs')).watch(dir, (_event, name) => {
        if (name && /^config\.json\.tmp-/.test(String(name)) && existsSync(join(dir, String(name)))) {
          child.kill('SIGKILL');
          caught = String(name);
        }
      });
      await new Promise((resolve) => child.on('exit', resolve));
      watcher.close();
      if (caught !== null && !existsSync(join(dir, caught))) caught = null;
    }
    expect(caught, 'no write was caught half-way in 40 tries').not.toBeNull();
    const left = join(dir, caught as unknown as string);
    expect(statSync(left).mode & 0o777).toBe(0o600);
    const list = await runBin(['module', 'list', '--config-dir', dir]);
    expect(list.code, list.stderr).toBe(0);
    expect(existsSync(left)).toBe(false);
  });
});
