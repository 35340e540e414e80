/**
 * A CA file (a module's --ca-file, the SMTP settings' --ca-file): a PEM file of one or more
 * certificates, checked when it is set rather than at the first connection, so a missing file, a
 * folder or a file of something else is refused with the flag that named it.
 */
import { X509Certificate } from 'node:crypto';
import { InputFileError, MIB, readInputFile } from './input-file.js';

/** A CA bundle is a few dozen KiB; a system bundle about 200 KiB. */
export const MAX_CA_FILE_BYTES = MIB;

/** The PEM text of a CA file, every CERTIFICATE block of it readable as X.509; throws InputFileError. */
export function readCaFile(path: string): string {
  const text = readInputFile(path, MAX_CA_FILE_BYTES);
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new InputFileError(path, 'not-pem', `${path} holds no PEM certificate (a -----BEGIN CERTIFICATE----- block)`);
  blocks.forEach((block, index) => {
    try {
      new X509Certificate(block);
    } catch {
      throw new InputFileError(path, 'not-pem', `certificate ${index + 1} of ${blocks.length} in ${path} is not a readable X.509 certificate`);
    }
  });
  return text;
}
