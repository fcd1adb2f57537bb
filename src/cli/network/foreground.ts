// Nodes run as children of this process (what `npm start` does): their log lines are prefixed and
// printed here and appended to their node.log; stopping sends SIGTERM, then SIGKILL after a timeout.
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createLogPrefix, formatLogLine } from './log-format.ts';
import type { Network, NetworkNode } from './network.ts';
import { removePid, spawnAttached, stopProcesses } from './processes.ts';

export type Cluster = {
  /** The first node that exited on its own (not stopped by us), if any. */
  firstExited(): NetworkNode | undefined;
  /** Resolves when every node has exited and its output is forwarded. */
  readonly allExited: Promise<void>;
  /** SIGTERM to every live node, SIGKILL after `timeoutMs`; removes the pid files. */
  stop(timeoutMs: number): Promise<void>;
  /** SIGKILL to every live node at once (a second Ctrl-C). */
  kill(): void;
};

type Member = { readonly node: NetworkNode; readonly child: ChildProcess; exited: boolean };

function forwardOutput(member: Member, index: number, color: boolean): void {
  const { node, child } = member;
  const prefix = createLogPrefix(node.nodeId, index, color);
  const log = createWriteStream(node.logPath, { flags: 'a' });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream === null) continue;
    stream.pipe(log, { end: false });
    createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) =>
      console.log(formatLogLine(prefix, line)),
    );
  }
  child.on('close', () => log.end());
}

/** Starts every node of the network as a child process; `color` colours the log prefixes. */
export function startCluster(network: Network, color: boolean): Cluster {
  let stopping = false;
  let exitedFirst: NetworkNode | undefined;
  const members: Member[] = network.nodes.map((node) => ({
    node,
    child: spawnAttached(node),
    exited: false,
  }));
  const exits = members.map(
    (member, index) =>
      new Promise<void>((resolve) => {
        forwardOutput(member, index, color);
        // 'close', not 'exit': by then every line the node wrote has been forwarded.
        member.child.on('close', (code, signal) => {
          member.exited = true;
          removePid(member.node.pidPath);
          if (!stopping) {
            exitedFirst ??= member.node;
            const how = signal === null ? `code ${code}` : `signal ${signal}`;
            console.log(
              `[${member.node.nodeId}] exited with ${how}; its log: ${member.node.logPath}`,
            );
          }
          resolve();
        });
        // A spawn failure (no such binary) emits 'error' and no 'exit'.
        member.child.on('error', () => {
          member.exited = true;
          exitedFirst ??= member.node;
          resolve();
        });
      }),
  );
  const live = () => members.filter((m) => !m.exited && m.child.pid !== undefined);
  return {
    firstExited: () => exitedFirst,
    allExited: Promise.all(exits).then(() => {}),
    async stop(timeoutMs) {
      stopping = true;
      await stopProcesses(
        live().map((m) => m.child.pid!),
        timeoutMs,
      );
      await Promise.all(exits);
      for (const m of members) removePid(m.node.pidPath);
    },
    kill() {
      stopping = true;
      for (const m of live()) m.child.kill('SIGKILL');
    },
  };
}
