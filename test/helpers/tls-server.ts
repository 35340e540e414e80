/**
 * A TLS server on loopback that serves, for each SNI name, the certificate a deploy hook installed
 * in `<folder>/<name>/` (fullchain.pem and privkey.pem), read afresh on every handshake as a
 * reloaded web server would; a name with nothing installed gets a throw-away certificate.
 * And the deploy hook that installs there, as a sysadmin's certbot hook would.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, createSecureContext, type SecureContext } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

export interface TestTlsServer {
  readonly port: number;
  readonly folder: string;
  /** Handshakes served. */
  readonly handshakes: () => number;
  stop(): Promise<void>;
}

async function placeholder(): Promise<{ cert: string; key: string }> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '0a', name: 'CN=old.invalid', keys, signingAlgorithm: algorithm });
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return { cert: cert.toString('pem'), key: `-----BEGIN PRIVATE KEY-----\n${der.match(/.{1,64}/g)?.join('\n')}\n-----END PRIVATE KEY-----\n` };
}

export async function startTlsServer(): Promise<TestTlsServer> {
  const folder = mkdtempSync(join(tmpdir(), 'certops-tls-'));
  const fallback = await placeholder();
  const fallbackContext = createSecureContext(fallback);
  let handshakes = 0;
  const contextFor = (name: string): SecureContext => {
    try {
      return createSecureContext({ cert: readFileSync(join(folder, name, 'fullchain.pem')), key: readFileSync(join(folder, name, 'privkey.pem')) });
    } catch {
      return fallbackContext;
    }
  };
  // No default certificate: with one, OpenSSL keeps serving it when the SNI context holds a key of
  // another type (an RSA certificate behind an ECDSA default), and the probe would never see the new one.
  const server = createServer({ SNICallback: (name, callback) => callback(null, contextFor(name)) }, (socket) => {
    handshakes += 1;
    socket.end();
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    folder,
    handshakes: () => handshakes,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * A deploy hook script that installs the lineage for every name of RENEWED_DOMAINS in the server's
 * folder and logs one line per run: "<CERTOPS_MODULE>|<CERTOPS_CERTIFICATE_ID>|<RENEWED_DOMAINS>".
 * `keyFrom` gives the key to install where certops holds none (the web server's own key).
 */
export function deployHookScript(server: TestTlsServer, log: string, options: { failFirst?: number; sleepMs?: number } = {}): string {
  const script = join(server.folder, 'deploy-hook.sh');
  const counter = join(server.folder, 'attempts');
  writeFileSync(
    script,
    `#!/bin/sh
set -e
# Attempts are counted per lineage: each certificate's hook fails its first runs.
counter="${counter}-$(basename "$RENEWED_LINEAGE")"
n=$(cat "$counter" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$counter"
${options.failFirst ? `if [ "$n" -le ${options.failFirst} ]; then echo "reload failed: nginx: [emerg] test failure $n" >&2; exit 3; fi` : ''}
${options.sleepMs ? `sleep ${options.sleepMs / 1000}` : ''}
for name in $RENEWED_DOMAINS; do
  mkdir -p "${server.folder}/$name"
  cp "$RENEWED_LINEAGE/fullchain.pem" "${server.folder}/$name/fullchain.pem"
  if [ -f "$RENEWED_LINEAGE/privkey.pem" ]; then cp "$RENEWED_LINEAGE/privkey.pem" "${server.folder}/$name/privkey.pem"; fi
done
echo "$CERTOPS_MODULE|$CERTOPS_CERTIFICATE_ID|$RENEWED_DOMAINS|$RENEWED_LINEAGE" >> "${log}"
`,
  );
  chmodSync(script, 0o755);
  return script;
}

/** Installs a key for a name by hand, as the web server that made the original CSR holds it. */
export function installKey(server: TestTlsServer, name: string, keyPem: string): void {
  mkdirSync(join(server.folder, name), { recursive: true });
  writeFileSync(join(server.folder, name, 'privkey.pem'), keyPem);
}
