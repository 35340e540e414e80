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

const CSR_NOT_GIVEN: ReadonlySet<FailureCause> = new Set(['provider-error', 'unsupported', 'unexpected-response']);

export interface ReissueCsr {
  readonly pem: string;
  readonly source: 'original' | 'generated';
  /** The private key's file, for a generated CSR. */
  readonly keyFile?: string;
}

const safeName = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, '_');

/** Where the key and CSR of one action live: <workspace>/keys/<module id>/<certificate>-<action date>.{key,csr}. */
export function keyFilesFor(keysDirectory: string, moduleId: number, certificateId: string, actionDate: string): { keyFile: string; csrFile: string } {
  const stem = join(keysDirectory, String(moduleId), `${safeName(certificateId)}-${actionDate}`);
  return { keyFile: `${stem}.key`, csrFile: `${stem}.csr` };
}

/** A key and CSR for the certificate's names, made once per action and kept (the X.509 code loads on first need). */
export async function generatedCsr(certificate: CertificateRecord, files: { keyFile: string; csrFile: string }): Promise<ReissueCsr> {
  if (existsSync(files.keyFile) && existsSync(files.csrFile)) {
    return { pem: readFileSync(files.csrFile, 'utf8'), source: 'generated', keyFile: files.keyFile };
  }
  const { newKeyAndCsr } = await import('./csr-generate.js');
  const made = await newKeyAndCsr(certificate.mainDomain, certificate.otherNames ?? []);
  const { writeFile } = await import('atomically');
  mkdirSync(dirname(files.keyFile), { recursive: true, mode: 0o700 });
  // The key first, durable, then the CSR: a CSR on disk always has its key.
  await writeFile(files.keyFile, made.keyPem, { mode: 0o600 });
  await writeFile(files.csrFile, made.csrPem, { mode: 0o600 });
  return { pem: made.csrPem, source: 'generated', keyFile: files.keyFile };
}

/** The original CSR when the provider returns one, else a generated one. */
export async function reissueCsr(client: ProviderClient, certificate: CertificateRecord, files: { keyFile: string; csrFile: string }): Promise<ReissueCsr> {
  let original: string | null = null;
  try {
    original = await client.originalCsr(certificate);
  } catch (error) {
    // The provider answered but gave no CSR for this order: a new key does the job. A provider
    // that cannot be reached cannot take the reissue either: that failure goes to the caller.
    if (!(error instanceof ProviderError) || !CSR_NOT_GIVEN.has(error.failure)) throw error;
  }
  if (original) return { pem: original, source: 'original' };
  return generatedCsr(certificate, files);
}
