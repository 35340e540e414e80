/**
 * A provider's own words never carry a password out (issue 13, item 20): eNom's error answer quotes
 * the request, password and all (the sandbox's echo-request switch); check, balance and sync, as
 * tables and as JSON, their stderr, state.json, inventory.json and the module log at level 9 must
 * hold the password in none of its forms.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeXml } from '../../src/providers/xml-escape.js';
import { startSandboxes } from '../../src/core/sandboxes.js';
import { runMain } from '../helpers/cli.js';
import { TODAY, workspaceHarness } from '../helpers/workspace.js';

const harness = workspaceHarness();

/** A password with characters every encoding changes. */
const PASSWORD = `p&<"ss w0rd+é'%`;

/** The password as it can appear in a text certops writes: raw, URL, form, XML, JSON, form in XML. */
function forms(secret: string): string[] {
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  return [secret, encodeURIComponent(secret), form, escapeXml(secret), JSON.stringify(secret).slice(1, -1), escapeXml(form), 'w0rd'];
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('provider error text is redacted before it is shown or stored', () => {
  it('eNom quoting its request in an error: no form of the password in any output or file', async () => {
    const [started] = await startSandboxes({ providers: ['enom'], port: 0, tls: false, certificates: 5, latencyMs: 0, faults: [], today: TODAY });
    if (!started) throw new Error('no sandbox');
    harness.running.push(started);
    const dir = join(mkdtempSync(join(tmpdir(), 'certops-redaction-')), 'config');
    const env = { CERTOPS_CONFIG_DIR: dir, CERTOPS_PASSWORD: PASSWORD };
    const add = await runMain(
      ['module', 'add', 'enom', '--name', 'eNom main', '--department', 'SSL desk', '--sort', '1', '--data-center', 'DC1', '--api-url', started.sandbox.url, '--username', 'sandbox-reseller'],
      env,
    );
    expect(add.code, add.stderr).toBe(0);
    expect((await runMain(['debug', 'pmenomssl', '9'], env)).code).toBe(0);
    started.sandbox.faults.add('echo-request');
    // Any password is refused: the answer is an error, quoting the request.
    started.sandbox.faults.add('wrong-credentials');

    const outputs: string[] = [];
    for (const args of [['check', '--all'], ['check', '--all', '--json'], ['balance', '--all'], ['balance', '--all', '--json'], ['sync'], ['sync', '--json']]) {
      const run = await runMain(args, env);
      expect(run.code, args.join(' ')).not.toBe(0);
      outputs.push(`${args.join(' ')}\n${run.stdout}\n${run.stderr}`);
    }
    // The failure is there, in eNom's words, with the request quoted but masked.
    expect(outputs.join('\n')).toContain('Bad User name or Password (request: ');
    expect(outputs.join("\n"), outputs.join("\n")).toContain("***");

    const files = filesUnder(dir).filter((file) => !file.endsWith('config.json'));
    expect(files.some((file) => file.endsWith('state.json'))).toBe(true);
    expect(files.some((file) => file.endsWith('inventory.json'))).toBe(true);
    expect(files.some((file) => file.endsWith('pmenomssl.log'))).toBe(true);
    const texts = [...outputs, ...files.map((file) => `${file}\n${readFileSync(file, 'utf8')}`)];
    for (const text of texts) {
      for (const form of forms(PASSWORD)) expect(text.includes(form), `${JSON.stringify(form)} in ${text.slice(0, 300)}`).toBe(false);
    }
  });
});
