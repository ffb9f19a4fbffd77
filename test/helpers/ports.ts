import { createServer, type Server } from 'node:net';

/**
 * `count` distinct TCP ports on 127.0.0.1 that were free a moment ago (the OS picks them). All
 * are held open together before being released: one at a time, the OS may hand out the same
 * port twice (a chaos run once gave Temporal's UI and MongoDB the same one).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map((server) => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      return address.port;
    });
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** One TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/**
 * `count` consecutive free TCP ports on 127.0.0.1, from the first one returned: for a server that
 * takes a block of ports from one base (the full Temporal server's services). All below 32768: the
 * full server's SQL schema keeps membership ports in a smallint, and Linux hands out ephemeral
 * ports from 32768 up, so nothing else grabs one of them meanwhile.
 */
export async function freePortRange(count: number): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const base = 20_000 + Math.floor(Math.random() * (32_767 - 20_000 - count));
    if (await allFree(Array.from({ length: count }, (_, i) => base + i))) return base;
  }
  throw new Error(`found no ${count} consecutive free ports in 50 tries`);
}

async function allFree(ports: readonly number[]): Promise<boolean> {
  const servers: Server[] = [];
  try {
    for (const port of ports) {
      const server = createServer();
      servers.push(server);
      const bound = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false));
        server.listen(port, '127.0.0.1', () => resolve(true));
      });
      if (!bound) return false;
    }
    return true;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => (server.listening ? server.close(resolve) : resolve(undefined)))));
  }
}
