// A node's config: paths resolve against the config's folder, environment and flags override the
// file (flags win), every refusal names the field and where the value came from.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  applyOverrides,
  loadConfig,
  mempoolTxsMaxDefault,
  parseConfig,
  treeWorkerEnabled,
} from '../../src/node/config.ts';
import { TallyError } from '../../src/util/errors.ts';

let dir: string;
let nodeDir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tally-config-'));
  nodeDir = join(dir, 'nodes', 'n1');
  mkdirSync(nodeDir, { recursive: true });
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** The config `tally network init` writes for a node, as a fresh mutable object. */
function fileDoc(): Record<string, unknown> {
  return {
    version: 1,
    nodeId: 'hk-wallet-1',
    genesis: 'genesis.json',
    dataDir: 'data',
    keyFile: 'consensus.key',
    passphraseFile: 'passphrase',
    tls: { certFile: 'tls.crt', keyFile: 'tls.key' },
    p2p: { host: '127.0.0.1', port: 26_600 },
    api: { host: '127.0.0.1', port: 8080 },
    log: { level: 'info' },
    prune: { keepBlocks: 0 },
  };
}

function writeConfig(name: string, value: unknown): string {
  const path = join(nodeDir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

/** `code: message` of the TallyError thrown. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof TallyError, `expected a TallyError, got ${String(error)}`);
    return `${error.code}: ${error.message}`;
  }
  assert.fail('expected a refusal');
}

function parsed(edit: (d: Record<string, unknown>) => void = () => {}) {
  const d = fileDoc();
  edit(d);
  return parseConfig(d, nodeDir, 'config.json');
}

describe('parseConfig', () => {
  it('resolves relative paths against the config folder', () => {
    const c = parsed();
    assert.equal(c.nodeId, 'hk-wallet-1');
    assert.equal(c.genesisFile, join(nodeDir, 'genesis.json'));
    assert.equal(c.dataDir, join(nodeDir, 'data'));
    assert.equal(c.keyFile, join(nodeDir, 'consensus.key'));
    assert.equal(c.passphraseFile, join(nodeDir, 'passphrase'));
    assert.deepEqual(c.tls, {
      certFile: join(nodeDir, 'tls.crt'),
      keyFile: join(nodeDir, 'tls.key'),
    });
    assert.deepEqual(c.p2p, { host: '127.0.0.1', port: 26_600 });
    assert.deepEqual(c.api, { host: '127.0.0.1', port: 8080 });
    assert.equal(c.logLevel, 'info');
    assert.equal(c.pruneKeepBlocks, 0);
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.api));
  });

  it('keeps absolute paths and resolves ../ against the config folder', () => {
    const c = parsed((d) => {
      d.genesis = '../../genesis.json';
      d.dataDir = '/var/lib/tally';
    });
    assert.equal(c.genesisFile, join(dir, 'genesis.json'));
    assert.equal(c.dataDir, '/var/lib/tally');
  });

  it('leaves out optional parts: no passphrase file, log level info, keep everything', () => {
    const c = parsed((d) => {
      delete d.passphraseFile;
      delete d.log;
      delete d.prune;
    });
    assert.equal(c.passphraseFile, undefined);
    assert.equal(c.logLevel, 'info');
    assert.equal(c.pruneKeepBlocks, 0);
    assert.equal(c.pruneKeepStates, 0);
  });

  it('keepBlocks: 0 keeps everything, 100 or more keeps that many', () => {
    assert.equal(parsed((d) => (d.prune = { keepBlocks: 0 })).pruneKeepBlocks, 0);
    assert.equal(parsed((d) => (d.prune = { keepBlocks: 100 })).pruneKeepBlocks, 100);
    assert.equal(parsed((d) => (d.prune = { keepBlocks: 5000 })).pruneKeepBlocks, 5000);
  });

  it('keepStates: 0 follows keepBlocks; a window of its own is at least 100 and at most keepBlocks', () => {
    const keep = (prune: Record<string, unknown>) => {
      const c = parsed((d) => (d.prune = prune));
      return [c.pruneKeepBlocks, c.pruneKeepStates];
    };
    assert.deepEqual(keep({ keepBlocks: 500 }), [500, 0]);
    assert.deepEqual(keep({ keepStates: 100 }), [0, 100], 'every block kept, recent states only');
    assert.deepEqual(keep({ keepBlocks: 500, keepStates: 500 }), [500, 500]);
    assert.deepEqual(keep({ keepBlocks: 500, keepStates: 200 }), [500, 200]);
    assert.equal(
      refusal(() => parsed((d) => (d.prune = { keepBlocks: 500, keepStates: 501 }))),
      "config_invalid: config prune.keepStates (config.json): expected at most prune.keepBlocks (500): a state version is proven against a block's certificate",
    );
    assert.equal(
      refusal(() => parsed((d) => (d.prune = { keepStates: 50 }))),
      'config_invalid: config prune.keepStates (config.json): expected 0 (keep everything) or at least 100',
    );
  });

  it('mempool.txsMax: the default, or a whole number from 100 to the pool ceiling', () => {
    assert.equal(parsed().mempoolTxsMax, mempoolTxsMaxDefault);
    assert.equal(parsed((d) => (d.mempool = { txsMax: 100 })).mempoolTxsMax, 100);
    assert.equal(parsed((d) => (d.mempool = { txsMax: 50_000 })).mempoolTxsMax, 50_000);
    for (const txsMax of [99, 50_001, 1.5, '2000', null]) {
      assert.equal(
        refusal(() => parsed((d) => (d.mempool = { txsMax }))),
        'config_invalid: config mempool.txsMax (config.json): expected a whole number from 100 to 50000',
        `txsMax ${String(txsMax)}`,
      );
    }
  });

  it("execution.treeWorker: false unless set, else true or 'auto'", () => {
    assert.equal(parsed().treeWorker, false);
    assert.equal(parsed((d) => (d.execution = { treeWorker: 'auto' })).treeWorker, 'auto');
    assert.equal(parsed((d) => (d.execution = { treeWorker: true })).treeWorker, true);
    assert.equal(parsed((d) => (d.execution = { treeWorker: false })).treeWorker, false);
    for (const treeWorker of ['on', 1, null]) {
      assert.equal(
        refusal(() => parsed((d) => (d.execution = { treeWorker }))),
        "config_invalid: config execution.treeWorker (config.json): expected true, false or 'auto'",
        `treeWorker ${String(treeWorker)}`,
      );
    }
    // 'auto' leaves a machine whose cores are all busy (two cores) to the main thread.
    assert.equal(treeWorkerEnabled('auto', 2), false);
    assert.equal(treeWorkerEnabled('auto', 4), true);
    assert.equal(treeWorkerEnabled(true, 1), true);
    assert.equal(treeWorkerEnabled(false, 16), false);
  });

  it('storage.reserveBytes: 64 MiB unless set, 0 to turn it off, never negative or fractional', () => {
    assert.equal(parsed().storageReserveBytes, 64 * 1024 * 1024);
    assert.equal(parsed((d) => (d.storage = { reserveBytes: 0 })).storageReserveBytes, 0);
    assert.equal(parsed((d) => (d.storage = { reserveBytes: 1e9 })).storageReserveBytes, 1e9);
    for (const reserveBytes of [-1, 1.5, '1000', null]) {
      assert.equal(
        refusal(() => parsed((d) => (d.storage = { reserveBytes }))),
        'config_invalid: config storage.reserveBytes (config.json): expected a whole number of bytes, 0 or more',
        `reserveBytes ${String(reserveBytes)}`,
      );
    }
  });

  it('error: keepBlocks between 1 and 99, negative, fractional or not a number', () => {
    for (const keepBlocks of [1, 99, -1, 150.5, '200', true]) {
      assert.equal(
        refusal(() => parsed((d) => (d.prune = { keepBlocks }))),
        'config_invalid: config prune.keepBlocks (config.json): expected 0 (keep everything) or at least 100',
        `keepBlocks ${String(keepBlocks)}`,
      );
    }
  });

  it('error: each field names itself and the source', () => {
    const cases: [(d: Record<string, unknown>) => void, string][] = [
      [(d) => (d.version = 2), 'config version (config.json): expected 1'],
      [(d) => (d.nodeId = ''), 'config nodeId (config.json): expected a non-empty string'],
      [(d) => delete d.genesis, 'config genesis (config.json): expected a non-empty string'],
      [(d) => (d.tls = 'tls.crt'), 'config tls (config.json): expected an object'],
      [
        (d) => (d.tls = { certFile: 'tls.crt' }),
        'config tls.keyFile (config.json): expected a non-empty string',
      ],
      [
        (d) => (d.api = { host: '127.0.0.1', port: 65_536 }),
        'config api.port (config.json): expected a port number 0..65535',
      ],
      [
        (d) => (d.p2p = { host: '127.0.0.1', port: '26600' }),
        'config p2p.port (config.json): expected a port number 0..65535',
      ],
      [
        (d) => (d.log = { level: 'verbose' }),
        'config log.level (config.json): expected one of fatal, error, warn, info, debug, trace, silent',
      ],
    ];
    for (const [edit, message] of cases)
      assert.equal(
        refusal(() => parsed(edit)),
        `config_invalid: ${message}`,
      );
    assert.equal(
      refusal(() => parseConfig([], nodeDir, 'config.json')),
      'config_invalid: config document (config.json): expected an object',
    );
  });

  it('puts the field and source in the error details', () => {
    try {
      parsed((d) => (d.api = { host: '', port: 1 }));
      assert.fail('expected a refusal');
    } catch (error) {
      assert.ok(error instanceof TallyError);
      assert.deepEqual(error.details, { field: 'api.host', source: 'config.json' });
    }
  });
});

describe('applyOverrides', () => {
  it('overrides only what is given', () => {
    const base = parsed();
    assert.deepEqual(applyOverrides(base, {}, 'flags'), base);
    const c = applyOverrides(base, { apiPort: 9000, logLevel: 'debug' }, 'flags');
    assert.deepEqual(c.api, { host: '127.0.0.1', port: 9000 });
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.dataDir, base.dataDir);
    assert.equal(c.p2p, base.p2p);
  });

  it('error: names the field and the flags as source', () => {
    const base = parsed();
    assert.equal(
      refusal(() => applyOverrides(base, { apiPort: 70_000 }, 'flags')),
      'config_invalid: config api.port (flags): expected a port number 0..65535',
    );
    assert.equal(
      refusal(() => applyOverrides(base, { apiHost: '' }, 'flags')),
      'config_invalid: config api.host (flags): expected a non-empty string',
    );
    assert.equal(
      refusal(() => applyOverrides(base, { logLevel: 'loud' }, 'flags')),
      'config_invalid: config log.level (flags): expected one of fatal, error, warn, info, debug, trace, silent',
    );
  });
});

describe('loadConfig', () => {
  it('reads the file and resolves paths against its folder', () => {
    const path = writeConfig('config.json', fileDoc());
    const c = loadConfig(path, {}, {});
    assert.deepEqual(c, parseConfig(fileDoc(), nodeDir, path));
    assert.equal(c.keyFile, join(nodeDir, 'consensus.key'));
  });

  it('applies env over the file and flags over env', () => {
    const path = writeConfig('config.json', fileDoc());
    const env = {
      TALLY_API_PORT: '9100',
      TALLY_API_HOST: '0.0.0.0',
      TALLY_LOG_LEVEL: 'warn',
      TALLY_DATA_DIR: join(dir, 'env-data'),
    };
    const fromEnv = loadConfig(path, {}, env);
    assert.deepEqual(fromEnv.api, { host: '0.0.0.0', port: 9100 });
    assert.equal(fromEnv.logLevel, 'warn');
    assert.equal(fromEnv.dataDir, join(dir, 'env-data'));
    const fromFlags = loadConfig(
      path,
      { apiPort: 9200, logLevel: 'error', dataDir: join(dir, 'flag-data') },
      env,
    );
    assert.deepEqual(fromFlags.api, { host: '0.0.0.0', port: 9200 });
    assert.equal(fromFlags.logLevel, 'error');
    assert.equal(fromFlags.dataDir, join(dir, 'flag-data'));
  });

  it('TALLY_TREE_WORKER (on, off, auto) overrides execution.treeWorker', () => {
    const path = writeConfig('config.json', fileDoc());
    assert.equal(loadConfig(path, {}, { TALLY_TREE_WORKER: 'on' }).treeWorker, true);
    assert.equal(loadConfig(path, {}, { TALLY_TREE_WORKER: 'off' }).treeWorker, false);
    assert.equal(loadConfig(path, {}, { TALLY_TREE_WORKER: 'auto' }).treeWorker, 'auto');
    assert.equal(
      refusal(() => loadConfig(path, {}, { TALLY_TREE_WORKER: 'yes' })),
      'config_invalid: config execution.treeWorker (env TALLY_TREE_WORKER): "yes" is not on, off or auto',
    );
  });

  it('resolves a relative dataDir override against the working folder', () => {
    const path = writeConfig('config.json', fileDoc());
    assert.equal(loadConfig(path, { dataDir: 'here' }, {}).dataDir, resolve('here'));
    assert.equal(loadConfig(path, {}, { TALLY_DATA_DIR: 'there' }).dataDir, resolve('there'));
  });

  it('error: env values name the variable or env as source', () => {
    const path = writeConfig('config.json', fileDoc());
    assert.equal(
      refusal(() => loadConfig(path, {}, { TALLY_API_PORT: 'eighty' })),
      'config_invalid: config api.port (env TALLY_API_PORT): "eighty" is not a port number',
    );
    assert.equal(
      refusal(() => loadConfig(path, {}, { TALLY_API_PORT: '70000' })),
      'config_invalid: config api.port (env): expected a port number 0..65535',
    );
    assert.equal(
      refusal(() => loadConfig(path, {}, { TALLY_LOG_LEVEL: 'chatty' })),
      'config_invalid: config log.level (env): expected one of fatal, error, warn, info, debug, trace, silent',
    );
    assert.equal(
      refusal(() => loadConfig(path, {}, { TALLY_API_HOST: '' })),
      'config_invalid: config api.host (env): expected a non-empty string',
    );
  });

  it('error: an empty TALLY_DATA_DIR is refused like an empty TALLY_API_HOST', () => {
    const path = writeConfig('config.json', fileDoc());
    assert.equal(
      refusal(() => loadConfig(path, {}, { TALLY_DATA_DIR: '' })),
      'config_invalid: config dataDir (env TALLY_DATA_DIR): expected a non-empty path',
    );
  });

  it('error: an empty TALLY_API_PORT is not a port number', () => {
    const path = writeConfig('config.json', fileDoc());
    assert.equal(
      refusal(() => loadConfig(path, {}, { TALLY_API_PORT: '' })),
      'config_invalid: config api.port (env TALLY_API_PORT): "" is not a port number',
    );
  });

  it('error: a value in the file names the file as source', () => {
    const path = writeConfig('bad-port.json', { ...fileDoc(), p2p: { host: 'h', port: -1 } });
    assert.equal(
      refusal(() => loadConfig(path, {}, {})),
      `config_invalid: config p2p.port (${path}): expected a port number 0..65535`,
    );
  });

  it('error: a missing file', () => {
    const path = join(nodeDir, 'absent.json');
    assert.equal(
      refusal(() => loadConfig(path, {}, {})),
      `config_unreadable: cannot read config file ${path}`,
    );
  });

  it('error: a file that is not JSON', () => {
    const path = writeConfig('broken.json', '{ "version": 1, ');
    assert.equal(
      refusal(() => loadConfig(path, {}, {})),
      `config_invalid: config file ${path} is not JSON`,
    );
  });
});
