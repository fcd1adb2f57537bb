// Free loopback ports for test networks. Ports are drawn below Linux's ephemeral range
// (32768-60999 by default): an outgoing connection of another test file may take any port in that
// range at any moment, so a port checked free there can be gone by the time a node binds it.
import { createServer } from 'node:net';

const lowestPort = 10_000;
const highestPort = 32_000;

function isFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** A base port whose next `count` ports are free now (random, so parallel test files rarely meet). */
export async function findFreePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = lowestPort + Math.floor(Math.random() * (highestPort - lowestPort - count));
    const free = await Promise.all(Array.from({ length: count }, (_, i) => isFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${count} free consecutive ports found`);
}
