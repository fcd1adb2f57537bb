// A TCP proxy on every directed link between validators, under the test's control: node i dials node
// j at the proxy's port for (i, j), which forwards bytes untouched (TLS passes through) to j's real
// port. A test cuts links (open sockets are destroyed, new ones refused), delays them, and heals them.
import { connect, createServer, type Server, type Socket } from 'node:net';

const host = '127.0.0.1';
/** Bytes a delayed link holds in flight before it pauses its reader (backpressure). */
const delayedBytesMax = 8 * 2 ** 20;

type Link = {
  readonly from: number;
  readonly to: number;
  readonly server: Server;
  port: number;
  cut: boolean;
  delayMs: number;
  readonly sockets: Set<Socket>;
};

export type LinkProxy = {
  /** The address node `from` must dial to reach node `to`. */
  address(from: number, to: number): { host: string; port: number };
  /** The real p2p ports, in node order; before this, every connection is refused. */
  setTargets(ports: readonly number[]): void;
  /** Cuts both directions between every node of `a` and every node of `b`. */
  cut(a: readonly number[], b: readonly number[]): void;
  /** Adds `delayMs` to every byte on every link (0 removes it). */
  delay(delayMs: number): void;
  /** Restores every link and removes any delay. */
  heal(): void;
  /** Connections accepted since open, and those refused because their link was cut. */
  readonly counts: { accepted: number; refused: number };
  close(): Promise<void>;
};

/** Listens on an ephemeral port for each of the `nodes * (nodes - 1)` directed links. */
export async function openLinkProxy(nodes: number): Promise<LinkProxy> {
  const links = new Map<string, Link>();
  const counts = { accepted: 0, refused: 0 };
  let targets: readonly number[] = [];
  const key = (from: number, to: number) => `${from}>${to}`;

  const onConnection = (link: Link, inbound: Socket) => {
    const target = targets[link.to];
    if (link.cut || target === undefined) {
      counts.refused++;
      inbound.destroy();
      return;
    }
    counts.accepted++;
    const outbound = connect(target, host);
    link.sockets.add(inbound);
    link.sockets.add(outbound);
    const closeBoth = () => {
      inbound.destroy();
      outbound.destroy();
      link.sockets.delete(inbound);
      link.sockets.delete(outbound);
    };
    for (const s of [inbound, outbound]) {
      s.on('error', closeBoth);
      s.on('close', closeBoth);
    }
    pipeDelayed(inbound, outbound, link);
    pipeDelayed(outbound, inbound, link);
  };

  for (let from = 0; from < nodes; from++)
    for (let to = 0; to < nodes; to++) {
      if (from === to) continue;
      const server = createServer();
      const link: Link = { from, to, server, port: 0, cut: false, delayMs: 0, sockets: new Set() };
      server.on('connection', (s) => onConnection(link, s));
      await new Promise<void>((done) => server.listen(0, host, done));
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('proxy: no port');
      link.port = address.port;
      links.set(key(from, to), link);
    }

  const linkOf = (from: number, to: number): Link => {
    const link = links.get(key(from, to));
    if (link === undefined) throw new RangeError(`proxy: no link ${from} -> ${to}`);
    return link;
  };
  const sever = (link: Link) => {
    link.cut = true;
    for (const s of link.sockets) s.destroy();
    link.sockets.clear();
  };

  return {
    counts,
    address: (from, to) => ({ host, port: linkOf(from, to).port }),
    setTargets(ports) {
      if (ports.length !== nodes) throw new RangeError(`proxy: expected ${nodes} ports`);
      targets = [...ports];
    },
    cut(a, b) {
      for (const x of a)
        for (const y of b) {
          if (x === y) continue;
          sever(linkOf(x, y));
          sever(linkOf(y, x));
        }
    },
    delay(delayMs) {
      for (const link of links.values()) link.delayMs = delayMs;
    },
    heal() {
      for (const link of links.values()) {
        link.cut = false;
        link.delayMs = 0;
      }
    },
    async close() {
      for (const link of links.values()) {
        sever(link);
        await new Promise<void>((done) => link.server.close(() => done()));
      }
    },
  };
}

/** Copies `from` to `to`, holding each chunk for the link's current delay, in order. */
function pipeDelayed(from: Socket, to: Socket, link: Link): void {
  let held = 0;
  let tail: Promise<void> = Promise.resolve();
  from.on('data', (chunk: Buffer) => {
    const delayMs = link.delayMs;
    if (delayMs === 0 && held === 0) {
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
      return;
    }
    held += chunk.length;
    if (held > delayedBytesMax) from.pause();
    const due = Date.now() + delayMs;
    // Chained so a later chunk never overtakes an earlier one when the delay changes.
    tail = tail.then(
      () =>
        new Promise<void>((done) =>
          setTimeout(
            () => {
              held -= chunk.length;
              if (!to.destroyed) to.write(chunk);
              if (held <= delayedBytesMax && from.isPaused()) from.resume();
              done();
            },
            Math.max(0, due - Date.now()),
          ),
        ),
    );
  });
}
