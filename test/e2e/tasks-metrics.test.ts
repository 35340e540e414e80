/**
 * `certops tasks` and `certops metrics` through the built binary: the flows a cron job and a
 * sysadmin run, bad input changing nothing, and files that stay whole when the disk is full or
 * read-only (a private tmpfs in a mount namespace of its own, so even root cannot write there).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { syncModules } from '../../src/core/sync.js';
import { openTasks, reissueTaskInput, tasksFile } from '../../src/core/tasks.js';
import { buildTimeline } from '../../src/core/timeline.js';
import type { Workspace } from '../../src/core/workspace.js';
import { BIN, runBin } from '../helpers/cli.js';
import { TODAY, workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

/** Two synced modules (LeaderTelecom's multi-domain certificates give manual tasks) with their tasks open. */
async function synced(certificates = 40): Promise<{ workspace: Workspace; password: string; tasks: number }> {
  const { workspace, modules, sandboxes } = await harness.withModules(['leadertelecom', 'enom'], certificates);
  await syncModules(workspace, modules, workspace.runtime());
  const manual = buildTimeline(workspace, TODAY).entries.filter((e) => e.action === 'manual-task');
  await openTasks(workspace, manual.map(reissueTaskInput));
  return { workspace, password: sandboxes[0]?.sandbox.account.password ?? 'none', tasks: manual.length };
}

const files = (directory: string) => Object.fromEntries(readdirSync(directory).filter((name) => name.endsWith('.json')).map((name) => [name, readFileSync(join(directory, name), 'utf8')]));

describe('certops tasks and metrics: the built binary', { timeout: 120_000 }, () => {
  it('lists and closes tasks, and writes metrics for node_exporter that parse back', async () => {
    const { workspace, password, tasks } = await synced();
    expect(tasks).toBeGreaterThan(1);
    const env = { CERTOPS_CONFIG_DIR: workspace.directory };
    const list = await runBin(['tasks', '--json'], env);
    expect(list.code, list.stderr).toBe(0);
    const listed = JSON.parse(list.stdout) as { tasks: { id: string; department: string }[]; pending: { department: string; open: number }[] };
    expect(listed.tasks).toHaveLength(tasks);
    expect(listed.pending).toEqual([{ department: 'SSL desk', open: tasks }]);
    const first = listed.tasks[0]?.id ?? '';
    const close = await runBin(['tasks', 'close', first, '--note', 'reissued by hand'], env);
    expect(close.code, close.stderr).toBe(0);
    expect(close.stdout).toMatch(new RegExp(`^Closed ${first}: reissue the certificate by hand, `));

    const printed = await runBin(['metrics', '--today', '2026-11-23'], env);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stderr).toBe('');
    const families = new Map(parsePrometheusTextFormat(printed.stdout).map((f) => [f.name, f]));
    expect(families.get('certops_tasks_pending')?.metrics).toEqual([{ labels: { department: 'SSL desk' }, value: String(tasks - 1) }]);
    expect(families.get('certops_certificate_expiration_timestamp_seconds')?.metrics.length).toBe(buildTimeline(workspace, TODAY).entries.length);
    expect(printed.stdout).not.toContain(password);

    const folder = mkdtempSync(join(tmpdir(), 'certops-textfile-'));
    const textfile = join(folder, 'certops.prom');
    const written = await runBin(['metrics', '--textfile', textfile, '--today', '2026-11-23'], env);
    expect(written).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(statSync(textfile).mode & 0o777).toBe(0o644);
    expect(readdirSync(folder)).toEqual(['certops.prom']);
    const strip = (text: string) => text.replace(/^certops_metrics_generated_timestamp_seconds .*$/m, '');
    expect(strip(readFileSync(textfile, 'utf8'))).toBe(strip(printed.stdout));
  });

  it.each([
    ['a textfile not named *.prom', ['metrics', '--textfile', 'TMP/certops.txt'], /--textfile: node_exporter's textfile collector reads only files named \*\.prom/],
    ['a textfile in a missing folder', ['metrics', '--textfile', 'TMP/missing/certops.prom'], /--textfile: the folder .*missing does not exist/],
    ['a textfile that is a folder', ['metrics', '--textfile', 'TMP/folder.prom'], /--textfile: .*folder\.prom is a folder/],
    ['a bad --within', ['metrics', '--within', 'soon'], /--within: must be a whole number of days/],
    ['a bad --today', ['metrics', '--today', '2026-02-30'], /--today: 2026-02-30 is not a calendar date/],
    ['--json on metrics', ['metrics', '--json'], /--json: metrics has no JSON form; it prints the Prometheus text format/],
    ['an unknown task', ['tasks', 'close', 'T-999'], /there is no manual task T-999/],
  ])('exits 2 on %s and writes nothing', async (_what, args, message) => {
    const { workspace } = await synced(10);
    const scratch = mkdtempSync(join(tmpdir(), 'certops-bad-'));
    mkdirSync(join(scratch, 'folder.prom'));
    const before = files(workspace.directory);
    const run = await runBin(args.map((a) => a.replace('TMP', scratch)), { CERTOPS_CONFIG_DIR: workspace.directory });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(files(workspace.directory)).toEqual(before);
    expect(readdirSync(scratch)).toEqual(['folder.prom']);
  });

  it('exits 3 on a corrupt configuration and leaves the previous metrics file as it was', async () => {
    const { workspace } = await synced(10);
    const textfile = join(mkdtempSync(join(tmpdir(), 'certops-textfile-')), 'certops.prom');
    expect((await runBin(['metrics', '--textfile', textfile], { CERTOPS_CONFIG_DIR: workspace.directory })).code).toBe(0);
    const previous = readFileSync(textfile, 'utf8');
    writeFileSync(tasksFile(workspace).file, '{"tasks": [');
    const run = await runBin(['metrics', '--textfile', textfile], { CERTOPS_CONFIG_DIR: workspace.directory });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('tasks.json is not valid JSON');
    expect(readFileSync(textfile, 'utf8')).toBe(previous);
  });

  it('keeps the metrics file and tasks.json whole when the folder turns read-only or the disk fills up', async () => {
    const { workspace } = await synced(40);
    const mountPoint = mkdtempSync(join(tmpdir(), 'certops-tmpfs-'));
    // One shell in a private mount namespace: a 512 KiB tmpfs holds a copy of the configuration
    // and the textfile; it is remounted read-only, then filled up, and each time the binary must
    // fail cleanly. Results are printed as KEY=value, since the tmpfs vanishes with the shell.
    const script = `
      set -u
      D="$1"; NODE="$2"; BIN="$3"; SRC="$4"
      mount -t tmpfs -o size=512k tmpfs "$D" || { echo MOUNT=failed; exit 0; }
      cp -a "$SRC" "$D/config"
      C="--config-dir=$D/config"
      "$NODE" "$BIN" metrics --textfile "$D/certops.prom" --today 2026-11-23 "$C"; echo FIRST=$?
      echo SIZE=$(stat -c %s "$D/certops.prom")
      PROM=$(sha256sum < "$D/certops.prom"); TASKS=$(sha256sum < "$D/config/tasks.json")
      mount -o remount,ro "$D"
      "$NODE" "$BIN" metrics --textfile "$D/certops.prom" "$C" 2> "$SRC/../ro.err"; echo RO=$?
      "$NODE" "$BIN" tasks close T-1 "$C" 2>> "$SRC/../ro.err"; echo RO_TASKS=$?
      mount -o remount,rw "$D"
      AVAIL=$(df --output=avail -B1 "$D" | tail -n 1)
      head -c $((AVAIL - 4096)) /dev/zero > "$D/filler"
      "$NODE" "$BIN" metrics --textfile "$D/certops.prom" --today 2026-11-23 "$C" 2> "$SRC/../full.err"; echo FULL=$?
      "$NODE" "$BIN" tasks close T-1 --note done "$C" 2>> "$SRC/../full.err"; echo FULL_TASKS=$?
      [ "$(sha256sum < "$D/certops.prom")" = "$PROM" ] && echo PROM_SAME=yes
      [ "$(sha256sum < "$D/config/tasks.json")" = "$TASKS" ] && echo TASKS_SAME=yes
      echo LEFT=$(ls -A "$D") $(ls -A "$D/config")
      rm "$D/filler"
      "$NODE" "$BIN" tasks close T-1 --note done "$C" > /dev/null; echo AFTER=$?
    `;
    const output = await new Promise<string>((resolve, reject) => {
      execFile('unshare', ['--user', '--map-root-user', '--mount', 'bash', '-c', script, 'certops-e2e', mountPoint, process.execPath, BIN, workspace.directory], { timeout: 60_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    const result = Object.fromEntries(output.trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
    expect(result.MOUNT, output).toBeUndefined();
    expect(result.FIRST).toBe('0');
    // The file is larger than the room left, so a cut copy could have replaced it.
    expect(Number(result.SIZE)).toBeGreaterThan(4096);
    const readOnly = readFileSync(join(workspace.directory, '..', 'ro.err'), 'utf8');
    expect(result.RO).toBe('1');
    expect(readOnly).toMatch(/certops metrics: .*certops\.prom cannot be written \(EROFS: read-only file system.*\); the previous file, if any, is unchanged/);
    expect(result.RO_TASKS).toBe('3');
    const full = readFileSync(join(workspace.directory, '..', 'full.err'), 'utf8');
    expect(result.FULL).toBe('1');
    expect(full).toMatch(/certops metrics: .*certops\.prom cannot be written \(ENOSPC: no space left on device/);
    expect(result.FULL_TASKS).toBe('3');
    expect(full).toMatch(/certops tasks close: .*tasks\.json cannot be written \(ENOSPC\); it is unchanged/);
    expect(result.PROM_SAME).toBe('yes');
    expect(result.TASKS_SAME).toBe('yes');
    // No temporary file is left behind, in the textfile folder or the configuration folder.
    expect((result.LEFT ?? '').split(/\s+/).filter((name) => /tmp/.test(name))).toEqual([]);
    expect(result.AFTER).toBe('0');
  });
});
