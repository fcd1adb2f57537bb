// PostgreSQL's pgbench, TPC-B (sort of), against a throw-away server that this file starts under a
// temporary folder (initdb, Unix socket only, fsync and synchronous_commit on: every commit is on
// disk before it is answered), at a few client counts; the server is stopped and the folder deleted
// whatever happens. PostgreSQL refuses to run as root, so as root it runs as the user `postgres`.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  appendFileSync,
  chownSync,
  constants,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { TallyError } from '../../src/util/errors.ts';
import { type LatencySummary, summarizeLatencies } from '../lib/percentiles.ts';
import { guardExit } from './exit-guard.ts';
import { type PgbenchSummary, parsePgbenchLog, parsePgbenchSummary } from './pgbench-output.ts';

const debianRoot = '/usr/lib/postgresql';
const serverUser = 'postgres';
const databaseUser = 'bench';
const port = '5432'; // names the socket file only: the server listens on no TCP port
const startTimeoutSeconds = '120';
const errorTailChars = 2000;

export const postgresInstallHint =
  'PostgreSQL not found (looked in /usr/lib/postgresql/*/bin and PATH); to compare with pgbench, ' +
  'install it: `sudo apt-get install postgresql` (Debian/Ubuntu). Skipping pgbench.';

export type PostgresBins = {
  readonly initdb: string;
  readonly pgCtl: string;
  readonly pgbench: string;
};

export type PgbenchOptions = {
  readonly clients: readonly number[];
  readonly seconds: number;
  /** pgbench scale factor: 100,000 accounts and one branch per unit. */
  readonly scale: number;
};

export type PgbenchRun = {
  readonly summary: PgbenchSummary;
  readonly latency: LatencySummary;
};

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Debian's versioned folders first (newest first), then PATH; the first holding all three. */
export function findPostgresBins(
  versionsRoot = debianRoot,
  path = process.env.PATH ?? '',
): PostgresBins | undefined {
  const versions = existsSync(versionsRoot)
    ? readdirSync(versionsRoot).sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    : [];
  const dirs = [
    ...versions.map((v) => join(versionsRoot, v, 'bin')),
    ...path.split(delimiter).filter((d) => d !== ''),
  ];
  for (const dir of dirs) {
    const bins = {
      initdb: join(dir, 'initdb'),
      pgCtl: join(dir, 'pg_ctl'),
      pgbench: join(dir, 'pgbench'),
    };
    if (Object.values(bins).every(executable)) return bins;
  }
  return undefined;
}

type RunAs = { readonly prefix: readonly string[]; readonly owner?: { uid: number; gid: number } };

function runAsForThisUser(): RunAs {
  if (process.getuid?.() !== 0) return { prefix: [] };
  try {
    const uid = Number(execFileSync('id', ['-u', serverUser], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', serverUser], { encoding: 'utf8' }));
    return { prefix: ['runuser', '-u', serverUser, '--'], owner: { uid, gid } };
  } catch (error) {
    throw new TallyError(
      'bench_peer_unavailable',
      `running as root, and PostgreSQL refuses root, but there is no user '${serverUser}' to run it ` +
        'as (the Debian package creates one). Skipping pgbench.',
      { cause: error },
    );
  }
}

function command(runAs: RunAs, file: string, args: readonly string[]): [string, string[]] {
  const [head, ...rest] = [...runAs.prefix, file, ...args];
  return [head!, rest];
}

/** Runs one PostgreSQL program to its end; rejects with its exit status and the tail of stderr. */
function exec(runAs: RunAs, file: string, args: readonly string[], cwd: string): Promise<string> {
  const [head, rest] = command(runAs, file, args);
  return new Promise((resolve, reject) => {
    const child = spawn(head, rest, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-errorTailChars);
    });
    child.once('error', (error) =>
      reject(new TallyError('bench_pgbench_failed', `${head}: ${error.message}`, { cause: error })),
    );
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(stdout);
      else
        reject(
          new TallyError(
            'bench_pgbench_failed',
            `${basename(file)} failed (${code ?? signal}): ${stderr.trim()}`,
          ),
        );
    });
  });
}

/** Settings appended to the server's postgresql.conf: durable commits, a private socket. */
function serverSettings(socketDir: string, maxClients: number): string {
  return [
    '',
    "listen_addresses = ''",
    `unix_socket_directories = '${socketDir}'`,
    `port = ${port}`,
    'fsync = on',
    'synchronous_commit = on',
    'full_page_writes = on',
    `max_connections = ${Math.max(100, maxClients + 10)}`,
    '',
  ].join('\n');
}

async function runClients(
  bins: PostgresBins,
  runAs: RunAs,
  dir: string,
  clients: number,
  seconds: number,
): Promise<PgbenchRun> {
  const prefix = `tx-${clients}`;
  const threads = Math.min(clients, availableParallelism());
  const args = [
    '-M',
    'prepared',
    '-c',
    `${clients}`,
    '-j',
    `${threads}`,
    '-T',
    `${Math.max(1, Math.round(seconds))}`,
  ];
  args.push('--log', `--log-prefix=${join(dir, prefix)}`, ...connection(dir));
  const summary = parsePgbenchSummary(await exec(runAs, bins.pgbench, args, dir));
  const logs = readdirSync(dir).filter((f) => f.startsWith(`${prefix}.`));
  const latencies = logs.flatMap((f) => parsePgbenchLog(readFileSync(join(dir, f), 'utf8')));
  for (const f of logs) rmSync(join(dir, f));
  return { summary, latency: summarizeLatencies(latencies) };
}

const connection = (dir: string) => ['-h', dir, '-p', port, '-U', databaseUser, 'postgres'];

/**
 * Starts a throw-away server, loads pgbench's tables at `scale`, and runs TPC-B for `seconds` at each
 * client count, handing each run to `onRun`. Throws a TallyError when a program fails.
 */
export async function benchPgbench(
  bins: PostgresBins,
  options: PgbenchOptions,
  onRun: (run: PgbenchRun) => void,
  progress: (detail: string) => void,
): Promise<void> {
  const runAs = runAsForThisUser();
  const dir = mkdtempSync(join(tmpdir(), 'tally-pgbench-'));
  const data = join(dir, 'data');
  if (runAs.owner !== undefined) chownSync(dir, runAs.owner.uid, runAs.owner.gid);
  const stopNow = () => {
    const [head, rest] = command(runAs, bins.pgCtl, ['stop', '-D', data, '-m', 'immediate']);
    if (existsSync(join(data, 'postmaster.pid')))
      spawnSync(head, rest, { cwd: dir, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  const release = guardExit(stopNow);
  try {
    progress('initdb');
    // --no-sync: only initdb's own files skip fsync; the server runs with fsync on.
    const initArgs = ['-D', data, '-U', databaseUser, '--auth=trust', '-E', 'UTF8', '--locale=C'];
    await exec(runAs, bins.initdb, [...initArgs, '--no-sync'], dir);
    appendFileSync(
      join(data, 'postgresql.conf'),
      serverSettings(dir, Math.max(...options.clients)),
    );
    const log = join(dir, 'server.log');
    await exec(
      runAs,
      bins.pgCtl,
      ['start', '-D', data, '-l', log, '-w', '-t', startTimeoutSeconds],
      dir,
    );
    progress(`pgbench -i -s ${options.scale}`);
    await exec(
      runAs,
      bins.pgbench,
      ['-i', '-q', '-s', `${Math.max(1, Math.round(options.scale))}`, ...connection(dir)],
      dir,
    );
    for (const clients of options.clients) {
      progress(`pgbench TPC-B, ${clients} client${clients === 1 ? '' : 's'}`);
      onRun(await runClients(bins, runAs, dir, clients, options.seconds));
    }
  } finally {
    release();
    stopNow();
  }
}
