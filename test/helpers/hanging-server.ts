/**
 * A provider that hangs: a loopback TCP server that accepts every connection and never answers,
 * and a module pointed at it (its endpoint), with the 30 s total timeout certops uses by default.
 */
import { createServer, type Socket } from 'node:net';
import type { Workspace } from '../../src/core/workspace.js';

export interface HangingServer {
  readonly url: string;
  /** Connections accepted so far. */
  readonly accepted: () => number;
  /** Connections still open (a cancelled call closes its own). */
  readonly open: () => number;
  close(): Promise<void>;
}

export async function startHangingServer(): Promise<HangingServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    accepted: () => accepted,
    open: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Points a module at the server that hangs, with the default 30 s total timeout. */
export async function pointAtHang(workspace: Workspace, moduleName: string, server: HangingServer): Promise<void> {
  await workspace.store.update((data) => ({
    data: {
      ...data,
      modules: data.modules.map((module) =>
        module.parameters.name === moduleName ? { ...module, network: { ...module.network, endpoint: server.url, totalTimeoutMs: 30_000 } } : module,
      ),
    },
    result: undefined,
  }));
}
