/**
 * Delivery the way sysadmins already script it: certbot's layout and deploy-hook environment.
 *
 * A collected certificate goes to `<config-dir>/live/<module id>/<domain>/` as `cert.pem`,
 * `chain.pem` (the intermediates, no root), `fullchain.pem` (the certificate, then chain.pem) and
 * `privkey.pem` where certops holds the key; folders 0700, files 0600, each written atomically.
 * The deploy hook runs through `sh -c` with certops' environment (its secrets taken out) plus
 * certbot's RENEWED_LINEAGE and RENEWED_DOMAINS and certops' CERTOPS_MODULE and
 * CERTOPS_CERTIFICATE_ID, so an existing certbot deploy hook works unchanged.
 *
 * The hook runs inside a small shell wrapper that writes its own pid when it starts and the hook's
 * exit code when it ends. A certops killed while the hook runs does not kill the hook, and the next
 * run reads what became of it from those files instead of running it a second time.
 */
import { spawn } from 'node:child_process';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { orderChain, pemCertificateBlocks } from '../../providers/pem-chain.js';
import type { Workspace } from '../workspace.js';

/** Variables of certops' own environment that hold secrets: never handed to a hook. */
const SECRET_VARIABLES = ['CERTOPS_PASSWORD', 'CERTOPS_SMTP_PASSWORD', 'CERTOPS_STORE_PASSWORD'];
/** How much of a hook's output is kept in the ledger. */
const OUTPUT_TAIL = 2000;
export const HOOK_TIMEOUT_MS = 300_000;

const safeName = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, '_');

/** The lineage folder of one module's certificate: live/<module id>/<domain>. */
export function lineageDirectory(workspace: Workspace, moduleId: number, domain: string): string {
  return join(workspace.directory, 'live', String(moduleId), safeName(domain.replace(/^\*\./, '_wildcard_.')));
}

export const hooksDirectory = (workspace: Workspace) => join(workspace.directory, 'journal', 'hooks');

export interface IssuedCertificate {
  readonly leaf: X509Certificate;
  readonly leafPem: string;
  /** Intermediates, leaf's issuer first; no self-signed root. */
  readonly chainPems: string[];
  readonly names: string[];
  /** SHA-256 of the DER, lowercase hex. */
  readonly fingerprint: string;
}

export const fingerprintOf = (certificate: X509Certificate) => certificate.fingerprint256.replace(/:/g, '').toLowerCase();

/** Reads what the provider gave: the leaf and its chain put in order, a root and certificates off its path dropped. Throws on anything that is not a certificate. */
export function readIssued(leafText: string, chainTexts: readonly string[]): IssuedCertificate {
  const [leafBlock] = pemCertificateBlocks(leafText);
  if (!leafBlock) throw new Error('the provider gave no PEM certificate');
  const ordered = orderChain(chainTexts.flatMap(pemCertificateBlocks), leafBlock);
  const names = (ordered.leafX509.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4).toLowerCase());
  return {
    leaf: ordered.leafX509,
    leafPem: `${ordered.leaf}\n`,
    chainPems: ordered.chain.map((pem) => `${pem}\n`),
    names: [...new Set(names)],
    fingerprint: fingerprintOf(ordered.leafX509),
  };
}

const spkiOf = (key: ReturnType<typeof createPublicKey>) => key.export({ type: 'spki', format: 'der' });

/**
 * Whether the issued certificate is for the key certops holds, or else for the CSR it sent: a
 * certificate for another key cannot be installed with ours (a CA that swapped keys, an answer
 * for another order).
 */
export async function pairsWith(leaf: X509Certificate, key: { keyPem: string } | { csrPem: string }): Promise<boolean> {
  const certificateKey = spkiOf(leaf.publicKey);
  if ('keyPem' in key) return spkiOf(createPublicKey(createPrivateKey(key.keyPem))).equals(certificateKey);
  const { csrPublicKey } = await import('./csr-generate.js');
  return csrPublicKey(key.csrPem).equals(certificateKey);
}

export interface LineageFiles {
  readonly cert: string;
  readonly chain: string;
  readonly fullchain: string;
  readonly key: string | null;
}

/** Writes the lineage atomically, key first: a certificate on disk always has its key beside it. */
export async function writeLineage(directory: string, issued: IssuedCertificate, keyPem: string | null): Promise<LineageFiles> {
  const { writeFile } = await import('atomically');
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const file = (name: string) => join(directory, name);
  if (keyPem !== null) await writeFile(file('privkey.pem'), keyPem, { mode: 0o600 });
  else rmSync(file('privkey.pem'), { force: true });
  const chain = issued.chainPems.join('');
  await writeFile(file('chain.pem'), chain, { mode: 0o600 });
  await writeFile(file('fullchain.pem'), `${issued.leafPem}${chain}`, { mode: 0o600 });
  // cert.pem last: a folder whose cert.pem is the new one holds the whole new lineage.
  await writeFile(file('cert.pem'), issued.leafPem, { mode: 0o600 });
  return { cert: file('cert.pem'), chain: file('chain.pem'), fullchain: file('fullchain.pem'), key: keyPem === null ? null : file('privkey.pem') };
}

export interface HookRequest {
  readonly command: string;
  readonly lineage: string;
  readonly domains: readonly string[];
  readonly module: string;
  readonly certificateId: string;
}

export interface HookFiles {
  readonly statusFile: string;
  readonly outputFile: string;
  readonly pidFile: string;
}

export function hookFiles(workspace: Workspace, recordId: string, attempt: number): HookFiles {
  const stem = join(hooksDirectory(workspace), `${safeName(recordId)}.${attempt}`);
  return { statusFile: `${stem}.status`, outputFile: `${stem}.out`, pidFile: `${stem}.pid` };
}

/** The environment a deploy hook gets: certops' own without its secrets, plus certbot's and certops' variables. */
export function hookEnvironment(request: HookRequest, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(env).filter(([name]) => !SECRET_VARIABLES.includes(name)));
  return {
    ...clean,
    RENEWED_LINEAGE: request.lineage,
    RENEWED_DOMAINS: request.domains.join(' '),
    CERTOPS_MODULE: request.module,
    CERTOPS_CERTIFICATE_ID: request.certificateId,
  };
}

/** Starts the hook in its wrapper; resolves once the wrapper runs (its pid), without waiting for the hook. */
export function startHook(request: HookRequest, files: HookFiles): number | null {
  mkdirSync(join(files.statusFile, '..'), { recursive: true, mode: 0o700 });
  for (const file of [files.statusFile, files.outputFile, files.pidFile, `${files.pidFile}.tmp`, `${files.statusFile}.tmp`]) rmSync(file, { force: true });
  // The wrapper: pid first, then the hook with its output kept, then its exit code, renamed into place.
  const wrapper = 'echo $$ >"$CERTOPS_HOOK_PID.tmp" && mv "$CERTOPS_HOOK_PID.tmp" "$CERTOPS_HOOK_PID"; sh -c "$CERTOPS_HOOK" >"$CERTOPS_HOOK_OUT" 2>&1 </dev/null; code=$?; echo $code >"$CERTOPS_HOOK_STATUS.tmp" && mv "$CERTOPS_HOOK_STATUS.tmp" "$CERTOPS_HOOK_STATUS"';
  const child = spawn('sh', ['-c', wrapper], {
    env: {
      ...hookEnvironment(request),
      CERTOPS_HOOK: request.command,
      CERTOPS_HOOK_PID: files.pidFile,
      CERTOPS_HOOK_OUT: files.outputFile,
      CERTOPS_HOOK_STATUS: files.statusFile,
    },
    stdio: 'ignore',
    // Its own process group: stopping it (a timeout, Ctrl+C) stops the hook's children too.
    detached: true,
  });
  child.on('error', () => {});
  child.unref();
  return child.pid ?? null;
}

export type HookProgress =
  | { readonly state: 'finished'; readonly exitCode: number; readonly outputTail: string }
  | { readonly state: 'running' }
  /** The wrapper never started (certops was killed between its record and the spawn): start it. */
  | { readonly state: 'not-started' }
  /** The wrapper died without an exit code (a reboot): the attempt is lost. */
  | { readonly state: 'lost'; readonly outputTail: string };

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function tail(file: string): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.length > OUTPUT_TAIL ? `…${text.slice(-OUTPUT_TAIL)}` : text;
  } catch {
    return '';
  }
}

/** What became of a started hook, from its wrapper's files. */
export function hookProgress(files: HookFiles): HookProgress {
  if (existsSync(files.statusFile)) {
    const code = Number(readFileSync(files.statusFile, 'utf8').trim());
    return { state: 'finished', exitCode: Number.isInteger(code) ? code : 255, outputTail: tail(files.outputFile) };
  }
  if (!existsSync(files.pidFile)) return { state: 'not-started' };
  const pid = Number(readFileSync(files.pidFile, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && alive(pid)) return { state: 'running' };
  // The status is renamed into place after the wrapper writes it: look once more before calling it lost.
  if (existsSync(files.statusFile)) return hookProgress(files);
  return { state: 'lost', outputTail: tail(files.outputFile) };
}

/** Waits up to `ms` for a wrapper that was just started to show its pid; never stops it. */
export async function waitForStart(files: HookFiles, ms: number): Promise<HookProgress> {
  const deadline = Date.now() + ms;
  for (;;) {
    const progress = hookProgress(files);
    if (progress.state !== 'not-started' || Date.now() >= deadline) return progress;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits for a started hook up to `timeoutMs`; kills it past that. */
export async function waitForHook(files: HookFiles, timeoutMs: number, signal?: AbortSignal): Promise<HookProgress> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const progress = hookProgress(files);
    if (progress.state === 'finished' || progress.state === 'lost') return progress;
    if (progress.state === 'not-started' && Date.now() > deadline) return progress;
    if (Date.now() > deadline || signal?.aborted) {
      try {
        const pid = Number(readFileSync(files.pidFile, 'utf8').trim());
        if (pid > 0) process.kill(-pid, 'SIGTERM');
      } catch {
        try {
          const pid = Number(readFileSync(files.pidFile, 'utf8').trim());
          if (pid > 0) process.kill(pid, 'SIGTERM');
        } catch {
          // Gone already.
        }
      }
      return { state: 'finished', exitCode: 124, outputTail: `${tail(files.outputFile)}\n(certops stopped the hook after ${Math.round(timeoutMs / 1000)} s)` };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Removes a finished hook's files (its output is in the ledger). */
export function clearHookFiles(files: HookFiles): void {
  for (const file of [files.statusFile, files.outputFile, files.pidFile, `${files.pidFile}.tmp`, `${files.statusFile}.tmp`]) rmSync(file, { force: true });
}
