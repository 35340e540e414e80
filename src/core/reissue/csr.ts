/**
 * The CSR of an automatic reissue: the order's original CSR where the provider returns it (the
 * certificate keeps its key, nothing to install but the certificate), otherwise a fresh key and CSR
 * made with @peculiar/x509. A fresh key is written owner-only before its CSR leaves the machine,
 * named after the action, so a run that is killed and run again sends the same CSR and the key of
 * the certificate that comes back is never lost.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ProviderError, type CertificateRecord, type FailureCause, type ProviderClient } from '../../providers/types.js';
import type { KeyPolicy, KeyType } from '../store.js';

const CSR_NOT_GIVEN: ReadonlySet<FailureCause> = new Set(['provider-error', 'unsupported', 'unexpected-response']);

export interface ReissueCsr {
  readonly pem: string;
  /** The order's original CSR, a new key's, or a new CSR for the key certops already holds. */
  readonly source: 'original' | 'generated' | 'reused-key';
  /** The private key's file, when certops holds the key. */
  readonly keyFile?: string;
  /** The CSR's file, when certops made it. */
  readonly csrFile?: string;
}

export interface KeyChoice {
  /** `reuse` keeps the certificate's key; `new` makes a new one for every reissue. */
  readonly keyPolicy: KeyPolicy;
  readonly keyType: KeyType;
  /** The key certops holds for the certificate in force (its lineage's privkey.pem), if any. */
  readonly currentKeyFile?: string | null;
}

const safeName = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, '_');

/** Where the key and CSR of one action live: <workspace>/keys/<module id>/<certificate>-<action date>.{key,csr}. */
export function keyFilesFor(keysDirectory: string, moduleId: number, certificateId: string, actionDate: string): { keyFile: string; csrFile: string } {
  const stem = join(keysDirectory, String(moduleId), `${safeName(certificateId)}-${actionDate}`);
  return { keyFile: `${stem}.key`, csrFile: `${stem}.csr` };
}

/** A key and CSR for the certificate's names, made once per action and kept (the X.509 code loads on first need). */
export async function generatedCsr(certificate: CertificateRecord, files: { keyFile: string; csrFile: string }, keyType: KeyType = 'rsa2048', reuseKeyFile: string | null = null): Promise<ReissueCsr> {
  if (existsSync(files.keyFile) && existsSync(files.csrFile)) {
    return { pem: readFileSync(files.csrFile, 'utf8'), source: reuseKeyFile ? 'reused-key' : 'generated', keyFile: files.keyFile, csrFile: files.csrFile };
  }
  const { newKeyAndCsr, csrForKey } = await import('./csr-generate.js');
  const made = reuseKeyFile
    ? { keyPem: readFileSync(reuseKeyFile, 'utf8'), csrPem: await csrForKey(readFileSync(reuseKeyFile, 'utf8'), certificate.mainDomain, certificate.otherNames ?? []) }
    : await newKeyAndCsr(certificate.mainDomain, certificate.otherNames ?? [], keyType);
  const { writeFile } = await import('atomically');
  mkdirSync(dirname(files.keyFile), { recursive: true, mode: 0o700 });
  // The key first, durable, then the CSR: a CSR on disk always has its key.
  await writeFile(files.keyFile, made.keyPem, { mode: 0o600 });
  await writeFile(files.csrFile, made.csrPem, { mode: 0o600 });
  return { pem: made.csrPem, source: reuseKeyFile ? 'reused-key' : 'generated', keyFile: files.keyFile, csrFile: files.csrFile };
}

/**
 * The CSR of a reissue under the module's key policy. `reuse`: a new CSR for the key certops holds
 * for the certificate, else the order's original CSR where the provider returns one (the key stays
 * with whoever made it), else a new key. `new`: a new key every time.
 */
export async function reissueCsr(client: ProviderClient, certificate: CertificateRecord, files: { keyFile: string; csrFile: string }, choice: KeyChoice = { keyPolicy: 'reuse', keyType: 'rsa2048' }): Promise<ReissueCsr> {
  if (choice.keyPolicy === 'new') return generatedCsr(certificate, files, choice.keyType);
  if (choice.currentKeyFile && existsSync(choice.currentKeyFile)) return generatedCsr(certificate, files, choice.keyType, choice.currentKeyFile);
  let original: string | null = null;
  try {
    original = await client.originalCsr(certificate);
  } catch (error) {
    // The provider answered but gave no CSR for this order: a new key does the job. A provider
    // that cannot be reached cannot take the reissue either: that failure goes to the caller.
    if (!(error instanceof ProviderError) || !CSR_NOT_GIVEN.has(error.failure)) throw error;
  }
  if (original) return { pem: original, source: 'original' };
  return generatedCsr(certificate, files, choice.keyType);
}
