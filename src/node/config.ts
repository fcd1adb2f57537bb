// A node's configuration: a JSON file (paths in it are relative to the file's folder, so a node's
// folder can be copied to another host), then environment variables, then command-line flags.
// Every value is checked here, and an error names the field and where it came from.

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { mempoolTxsMax as mempoolTxsMaxCeiling } from '../mempool/limits.ts';
import { diskReserveBytesDefault } from '../storage/index.ts';
import { TallyError } from '../util/errors.ts';
import { parseTestingConfig, type TestingConfig } from './byzantine/config.ts';

export const configVersion = 1;
/**
 * Pending transactions a node holds unless `mempool.txsMax` says otherwise: about ten seconds of
 * what one validator executes on a small machine. Beyond that clients get 503 with Retry-After
 * rather than the node growing its memory.
 */
export const mempoolTxsMaxDefault = 20_000;
const mempoolTxsMaxLeast = 100;
/** The mempool's own ceiling (src/mempool/limits.ts). */
const mempoolTxsMaxMost = mempoolTxsMaxCeiling;
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export type NodeConfig = {
  readonly nodeId: string;
  readonly genesisFile: string;
  readonly dataDir: string;
  readonly keyFile: string;
  /**
   * The organisation's keys this node acts with (both under the key passphrase): the gateway key it
   * signs with for its organisation (FX quotes, ISO 20022 input) and the X25519 key that opens
   * private payloads sealed to the organisation. Without them the node only relays and reads.
   */
  readonly org: { readonly signingKeyFile: string; readonly encryptionKeyFile: string } | undefined;
  /** The key file's passphrase: TALLY_KEY_PASSPHRASE, or this file (the local demo network). */
  readonly passphraseFile: string | undefined;
  readonly tls: { readonly certFile: string; readonly keyFile: string };
  readonly p2p: { readonly host: string; readonly port: number };
  readonly api: { readonly host: string; readonly port: number };
  readonly logLevel: LogLevel;
  /** Keep this many recent blocks; 0 keeps every block. */
  readonly pruneKeepBlocks: number;
  /** Keep this many recent state versions (at most pruneKeepBlocks); 0 keeps as many as blocks. */
  readonly pruneKeepStates: number;
  /** With an empty data dir, restore the state from a peer's snapshot instead of replaying blocks. */
  readonly stateSync: { readonly enabled: boolean };
  /**
   * Bytes the node leaves free on its data folder's filesystem (`storage.reserveBytes`): a write
   * that would leave fewer stops the node with exit code 75 before the write begins.
   */
  readonly storageReserveBytes: number;
  /** Pending transactions held at most; past it, submissions get mempool_full (HTTP 503). */
  readonly mempoolTxsMax: number;
  /**
   * Where each block's state-tree version is computed (`execution.treeWorker`): on a worker thread
   * while the main thread executes the next block (true), on the main thread (false, the default),
   * or on a worker where the machine has the cores for it ('auto'; see treeWorkerEnabled).
   */
  readonly treeWorker: TreeWorkerSetting;
  /**
   * The demo key bundle the web console may fetch from loopback (`console.demoKeysFile`): written
   * and set by `tally start` for its loopback network only, never by `network init`.
   */
  readonly consoleDemoKeysFile?: string | undefined;
  /** Fault-test settings (`testing.byzantine`); refused without TALLY_TESTING_BYZANTINE=1. */
  readonly testing?: TestingConfig | undefined;
};

export type TreeWorkerSetting = boolean | 'auto';

/**
 * With 'auto', a node prepares tree versions on a worker from this many cores on. The worker
 * takes about 30% of the main thread's work off it but costs about 15% more CPU in all (the
 * changes and the nodes cross threads, and two heaps are collected) and 75-150 MiB of memory:
 * worth it where a core is free, not where every core is busy. It is off unless asked for, since a
 * node cannot tell how many others share its machine (`npm start` runs four).
 */
export const treeWorkerCoresLeast = 4;

/** Whether a node with `setting` runs the tree worker on a machine with `cores`. */
export function treeWorkerEnabled(setting: TreeWorkerSetting, cores: number): boolean {
  return setting === 'auto' ? cores >= treeWorkerCoresLeast : setting;
}

function readTreeWorker(value: unknown, field: string, source: string): TreeWorkerSetting {
  if (value === true || value === false || value === 'auto') return value;
  invalid(field, source, "expected true, false or 'auto'");
}

/** Overrides from the environment or flags; undefined leaves the file's value. */
export type ConfigOverrides = {
  readonly apiPort?: number | undefined;
  readonly apiHost?: string | undefined;
  readonly logLevel?: string | undefined;
  readonly dataDir?: string | undefined;
  readonly treeWorker?: TreeWorkerSetting | undefined;
};

function invalid(field: string, source: string, message: string): never {
  throw new TallyError('config_invalid', `config ${field} (${source}): ${message}`, {
    details: { field, source },
  });
}

type Reader = {
  text(field: string, v: unknown): string;
  port(field: string, v: unknown): number;
  object(field: string, v: unknown): Record<string, unknown>;
};

function reader(source: string): Reader {
  return {
    text(field, v) {
      if (typeof v !== 'string' || v.length === 0)
        invalid(field, source, 'expected a non-empty string');
      return v;
    },
    port(field, v) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65_535)
        invalid(field, source, 'expected a port number 0..65535');
      return v;
    },
    object(field, v) {
      if (typeof v !== 'object' || v === null || Array.isArray(v))
        invalid(field, source, 'expected an object');
      return v as Record<string, unknown>;
    },
  };
}

function readLogLevel(v: unknown, source: string): LogLevel {
  if (!logLevels.includes(v as LogLevel))
    invalid('log.level', source, `expected one of ${logLevels.join(', ')}`);
  return v as LogLevel;
}

/** A prune window: 0 (no limit of its own) or at least 100 heights. */
function readKeep(value: unknown, field: string, source: string): number {
  const keep = value ?? 0;
  if (
    typeof keep !== 'number' ||
    !Number.isSafeInteger(keep) ||
    keep < 0 ||
    (keep > 0 && keep < 100)
  )
    invalid(field, source, 'expected 0 (keep everything) or at least 100');
  return keep;
}

/** Parses a config document; `baseDir` resolves its relative paths. */
export function parseConfig(
  value: unknown,
  baseDir: string,
  source: string,
  env: NodeJS.ProcessEnv = process.env,
): NodeConfig {
  const r = reader(source);
  const doc = r.object('document', value);
  if (doc.version !== configVersion) invalid('version', source, `expected ${configVersion}`);
  const path = (field: string, v: unknown) => {
    const p = r.text(field, v);
    return isAbsolute(p) ? p : resolve(baseDir, p);
  };
  const tls = r.object('tls', doc.tls);
  const p2p = r.object('p2p', doc.p2p);
  const api = r.object('api', doc.api);
  const log = doc.log === undefined ? {} : r.object('log', doc.log);
  const prune = doc.prune === undefined ? {} : r.object('prune', doc.prune);
  const keep = readKeep(prune.keepBlocks, 'prune.keepBlocks', source);
  const keepStates = readKeep(prune.keepStates, 'prune.keepStates', source);
  if (keep > 0 && keepStates > keep)
    invalid(
      'prune.keepStates',
      source,
      `expected at most prune.keepBlocks (${keep}): a state version is proven against a block's certificate`,
    );
  const org = doc.org === undefined ? undefined : r.object('org', doc.org);
  const stateSync = doc.stateSync === undefined ? {} : r.object('stateSync', doc.stateSync);
  const stateSyncEnabled = stateSync.enabled ?? false;
  if (typeof stateSyncEnabled !== 'boolean')
    invalid('stateSync.enabled', source, 'expected true or false');
  const mempool = doc.mempool === undefined ? {} : r.object('mempool', doc.mempool);
  const mempoolTxsMax = mempool.txsMax === undefined ? mempoolTxsMaxDefault : mempool.txsMax;
  if (
    typeof mempoolTxsMax !== 'number' ||
    !Number.isSafeInteger(mempoolTxsMax) ||
    mempoolTxsMax < mempoolTxsMaxLeast ||
    mempoolTxsMax > mempoolTxsMaxMost
  )
    invalid(
      'mempool.txsMax',
      source,
      `expected a whole number from ${mempoolTxsMaxLeast} to ${mempoolTxsMaxMost}`,
    );
  const execution = doc.execution === undefined ? {} : r.object('execution', doc.execution);
  const treeWorker =
    execution.treeWorker === undefined
      ? false
      : readTreeWorker(execution.treeWorker, 'execution.treeWorker', source);
  const storage = doc.storage === undefined ? {} : r.object('storage', doc.storage);
  const storageReserveBytes =
    storage.reserveBytes === undefined ? diskReserveBytesDefault : storage.reserveBytes;
  if (
    typeof storageReserveBytes !== 'number' ||
    !Number.isSafeInteger(storageReserveBytes) ||
    storageReserveBytes < 0
  )
    invalid('storage.reserveBytes', source, 'expected a whole number of bytes, 0 or more');
  const consoleDoc = doc.console === undefined ? {} : r.object('console', doc.console);
  const demoKeysFile =
    consoleDoc.demoKeysFile === undefined
      ? undefined
      : path('console.demoKeysFile', consoleDoc.demoKeysFile);
  const testing = parseTestingConfig(doc.testing, source, env);
  return Object.freeze({
    nodeId: r.text('nodeId', doc.nodeId),
    genesisFile: path('genesis', doc.genesis),
    dataDir: path('dataDir', doc.dataDir),
    keyFile: path('keyFile', doc.keyFile),
    org:
      org === undefined
        ? undefined
        : Object.freeze({
            signingKeyFile: path('org.signingKeyFile', org.signingKeyFile),
            encryptionKeyFile: path('org.encryptionKeyFile', org.encryptionKeyFile),
          }),
    passphraseFile:
      doc.passphraseFile === undefined ? undefined : path('passphraseFile', doc.passphraseFile),
    tls: Object.freeze({
      certFile: path('tls.certFile', tls.certFile),
      keyFile: path('tls.keyFile', tls.keyFile),
    }),
    p2p: Object.freeze({ host: r.text('p2p.host', p2p.host), port: r.port('p2p.port', p2p.port) }),
    api: Object.freeze({ host: r.text('api.host', api.host), port: r.port('api.port', api.port) }),
    logLevel: log.level === undefined ? 'info' : readLogLevel(log.level, source),
    pruneKeepBlocks: keep,
    pruneKeepStates: keepStates,
    stateSync: Object.freeze({ enabled: stateSyncEnabled }),
    storageReserveBytes,
    mempoolTxsMax,
    treeWorker,
    ...(demoKeysFile === undefined ? {} : { consoleDemoKeysFile: demoKeysFile }),
    ...(testing === undefined ? {} : { testing }),
  });
}

/** Applies overrides (from the environment or flags) on top of a parsed config. */
export function applyOverrides(config: NodeConfig, o: ConfigOverrides, source: string): NodeConfig {
  const r = reader(source);
  return Object.freeze({
    ...config,
    api: Object.freeze({
      host: o.apiHost === undefined ? config.api.host : r.text('api.host', o.apiHost),
      port: o.apiPort === undefined ? config.api.port : r.port('api.port', o.apiPort),
    }),
    logLevel: o.logLevel === undefined ? config.logLevel : readLogLevel(o.logLevel, source),
    dataDir: o.dataDir === undefined ? config.dataDir : resolve(o.dataDir),
    treeWorker: o.treeWorker ?? config.treeWorker,
  });
}

function envOverrides(env: NodeJS.ProcessEnv): ConfigOverrides {
  const port = env.TALLY_API_PORT;
  if (port !== undefined && !/^[0-9]{1,5}$/.test(port))
    invalid('api.port', 'env TALLY_API_PORT', `"${port}" is not a port number`);
  const dataDir = env.TALLY_DATA_DIR;
  if (dataDir === '') invalid('dataDir', 'env TALLY_DATA_DIR', 'expected a non-empty path');
  const treeWorker = env.TALLY_TREE_WORKER;
  const treeWorkerSettings: Record<string, TreeWorkerSetting> = {
    on: true,
    off: false,
    auto: 'auto',
  };
  if (treeWorker !== undefined && !Object.hasOwn(treeWorkerSettings, treeWorker))
    invalid(
      'execution.treeWorker',
      'env TALLY_TREE_WORKER',
      `"${treeWorker}" is not on, off or auto`,
    );
  return {
    treeWorker: treeWorker === undefined ? undefined : treeWorkerSettings[treeWorker],
    apiPort: port === undefined ? undefined : Number(port),
    apiHost: env.TALLY_API_HOST,
    logLevel: env.TALLY_LOG_LEVEL,
    dataDir,
  };
}

/** Reads the config file, then env (TALLY_API_PORT, TALLY_API_HOST, TALLY_LOG_LEVEL, TALLY_DATA_DIR), then flags. */
export function loadConfig(
  path: string,
  flags: ConfigOverrides = {},
  env = process.env,
): NodeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new TallyError('config_unreadable', `cannot read config file ${path}`, {
      details: { path },
      cause,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new TallyError('config_invalid', `config file ${path} is not JSON`, {
      details: { path },
      cause,
    });
  }
  const fromFile = parseConfig(value, dirname(resolve(path)), path, env);
  return applyOverrides(applyOverrides(fromFile, envOverrides(env), 'env'), flags, 'flags');
}
