/**
 * The demo's web servers (and the bench's): TLS servers on loopback that serve, for each SNI name,
 * what a deploy hook installed in `<folder>/<name>/` (fullchain.pem and privkey.pem), read afresh
 * on every handshake as a reloaded web server would; a name with nothing installed gets the
 * server's own throw-away certificate (the "old" one, as far as the probe can tell). And the
 * deploy hook that installs there, as a sysadmin's certbot deploy hook would.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { createSecureContext, createServer, type SecureContext } from 'node:tls';

export interface DemoWebServer {
  readonly port: number;
  /** Where the deploy hook installs: one folder per DNS name. */
  readonly folder: string;
  /** Handshakes begun with a name (SNI). */
  readonly handshakes: () => number;
  stop(): Promise<void>;
}

/** A name the hook may install under: a DNS name, or a wildcard one (its folder is never probed). */
const INSTALLABLE = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

export async function startDemoWebServer(folder: string): Promise<DemoWebServer> {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  // The X.509 library is a tenth of a second of start-up: loaded only when a server is wanted.
  const { createSandboxTls } = await import('../providers/sandbox-kit/tls.js');
  const own = await createSandboxTls();
  const fallback = createSecureContext({ cert: own.certPem, key: own.keyPem });
  let handshakes = 0;
  const contextFor = (name: string): SecureContext => {
    if (!INSTALLABLE.test(name)) return fallback;
    try {
      return createSecureContext({ cert: readFileSync(join(folder, name, 'fullchain.pem')), key: readFileSync(join(folder, name, 'privkey.pem')) });
    } catch {
      // Nothing installed yet, or a certificate without its key: what the server served before.
      return fallback;
    }
  };
  // No default certificate: with one, OpenSSL keeps serving it when the SNI context holds a key of
  // another type (an RSA certificate behind an ECDSA default), and the probe would never see the new one.
  const server = createServer(
    {
      SNICallback: (name, callback) => {
        handshakes += 1;
        callback(null, contextFor(name));
      },
    },
    (socket) => socket.end(),
  );
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    folder,
    handshakes: () => handshakes,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** One shell word, whatever the path holds. */
export const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Writes the deploy hook script: it installs the lineage's fullchain.pem (and privkey.pem, where
 * certops holds the key) for every name of RENEWED_DOMAINS in the web server's folder given as its
 * first argument. Returns the script's path; the hook command is `<script> <folder>`.
 */
export function writeDeployHook(path: string): string {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(
    path,
    `#!/bin/sh
# The certops demo's deploy hook: installs a reissued certificate in the demo's web server, as a
# certbot deploy hook installs one in nginx (RENEWED_LINEAGE and RENEWED_DOMAINS are certbot's).
set -e
web="$1"
for name in $RENEWED_DOMAINS; do
  mkdir -p "$web/$name"
  if [ -f "$RENEWED_LINEAGE/privkey.pem" ]; then cp "$RENEWED_LINEAGE/privkey.pem" "$web/$name/privkey.pem"; fi
  cp "$RENEWED_LINEAGE/fullchain.pem" "$web/$name/fullchain.pem"
done
`,
    { mode: 0o700 },
  );
  chmodSync(path, 0o700);
  return path;
}

/** The deploy hook command for one web server. */
export const deployHookCommand = (script: string, server: Pick<DemoWebServer, 'folder'>) => `${shellQuote(script)} ${shellQuote(server.folder)}`;

/** Installs the key a web server already holds for its names (the one it made the order's CSR with). */
export function installServerKey(server: Pick<DemoWebServer, 'folder'>, names: readonly string[], keyPem: string): void {
  for (const name of names) {
    if (!INSTALLABLE.test(name) || name.startsWith('*.')) continue;
    mkdirSync(join(server.folder, name), { recursive: true, mode: 0o700 });
    writeFileSync(join(server.folder, name, 'privkey.pem'), keyPem, { mode: 0o600 });
  }
}
