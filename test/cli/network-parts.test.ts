// The pure parts of the network commands, in process: the plan of a network, option checks, the
// readable log line, the status table.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { certificateHosts } from '../../src/cli/network/init.ts';
import {
  createLogPrefix,
  formatLogLine,
  logLineLengthMax,
} from '../../src/cli/network/log-format.ts';
import { apiUrl } from '../../src/cli/network/node-config.ts';
import { parsePlanOptions, readScryptN } from '../../src/cli/network/options.ts';
import { planNetwork } from '../../src/cli/network/plan.ts';
import { isAlive, stopProcesses } from '../../src/cli/network/processes.ts';
import { renderTable } from '../../src/cli/network/status.ts';
import { TallyError } from '../../src/util/errors.ts';

const defaults = {
  orgs: '4',
  observers: '0',
  chainId: 'tally-local',
  host: '127.0.0.1',
  apiPort: '8080',
  p2pPort: '26600',
};

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof TallyError);
    return `${error.code}: ${error.message}`;
  }
  assert.fail('expected a TallyError');
}

describe('network plan', () => {
  it('gives more organisations generic names and one validator each; the PH regulator observes', () => {
    const plan = planNetwork(parsePlanOptions({ ...defaults, orgs: '7', observers: '3' }));
    assert.deepEqual(
      plan.orgs.map((o) => o.id),
      [
        'hk-wallet',
        'ph-wallet',
        'settlement-bank',
        'regulator-hk',
        'regulator-ph',
        'org-6',
        'org-7',
      ],
    );
    assert.deepEqual(
      plan.nodes.map((n) => `${n.nodeId}:${n.kind}:${n.apiPort}:${n.p2pPort}`),
      [
        'hk-wallet-1:validator:8080:26600',
        'ph-wallet-1:validator:8081:26601',
        'settlement-bank-1:validator:8082:26602',
        'regulator-hk-1:validator:8083:26603',
        'org-6-1:validator:8084:26604',
        'org-7-1:validator:8085:26605',
        'regulator-ph-1:observer:8086:26606',
        'hk-wallet-2:observer:8087:26607',
        'ph-wallet-2:observer:8088:26608',
        'settlement-bank-2:observer:8089:26609',
      ],
    );
    assert.deepEqual(plan.orgs[5]!.roles, ['validator']);
    assert.deepEqual(plan.orgs[4]!.roles, ['regulator', 'observer']);
    assert.equal(plan.orgs.filter((o) => o.roles.includes('observer')).length, 4);
    for (const org of plan.orgs)
      assert.deepEqual(org.clientKey.roles, ['submit', 'read', 'operator'], org.id);
  });

  it('error: options out of range name the option', () => {
    assert.equal(
      refusal(() => parsePlanOptions({ ...defaults, observers: '-1' })),
      'bad_option: --observers must be a whole number from 0 to 64.',
    );
    assert.equal(
      refusal(() => parsePlanOptions({ ...defaults, apiPort: '65534' })),
      'bad_option: --api-port must be a whole number from 1 to 65532.',
    );
    assert.equal(
      refusal(() => parsePlanOptions({ ...defaults, apiPort: '9000', p2pPort: '9002' })),
      'bad_option: --api-port 9000..9003 overlaps the p2p ports 9002..9005: choose ports 4 or more apart.',
    );
    assert.equal(
      refusal(() => parsePlanOptions({ ...defaults, chainId: 'Tally' })),
      "bad_option: --chain-id must be 1 to 64 of a-z, 0-9 and '-'.",
    );
    assert.equal(
      refusal(() => parsePlanOptions({ ...defaults, host: '::' })),
      'bad_option: --host names the address peers dial, so it cannot be 0.0.0.0 or ::.',
    );
    assert.equal(
      refusal(() => parsePlanOptions({ ...defaults, host: 'bad host' })),
      'bad_option: --host must be an IP address or a DNS name.',
    );
  });

  it('error: TALLY_SCRYPT_N must be a power of two the key files accept', () => {
    assert.equal(readScryptN({}), undefined);
    assert.equal(readScryptN({ TALLY_SCRYPT_N: '1024' }), 1024);
    assert.match(
      refusal(() => readScryptN({ TALLY_SCRYPT_N: '1000' })),
      /^bad_env: TALLY_SCRYPT_N/,
    );
  });

  it('certifies both loopback names for a loopback host, only the host otherwise', () => {
    assert.deepEqual(certificateHosts('127.0.0.1'), ['127.0.0.1', 'localhost']);
    assert.deepEqual(certificateHosts('node1.example.org'), ['node1.example.org']);
    assert.equal(apiUrl({ host: '0.0.0.0', port: 8080 }), 'http://127.0.0.1:8080');
    assert.equal(apiUrl({ host: '::1', port: 8080 }), 'http://[::1]:8080');
  });
});

describe('node log lines', () => {
  const prefix = createLogPrefix('hk-wallet-1', 0, false);

  it('prints a pino line as the message and its fields', () => {
    const line = JSON.stringify({
      level: 30,
      time: 1,
      pid: 2,
      hostname: 'h',
      node: 'hk-wallet-1',
      height: 12,
      txs: 3,
      msg: 'committed',
    });
    assert.equal(formatLogLine(prefix, line), '[hk-wallet-1] committed height=12 txs=3');
  });

  it('names the level above info, the part first, and quotes values with spaces', () => {
    const line = JSON.stringify({
      level: 50,
      part: 'consensus',
      msg: 'payload failed',
      err: { type: 'Error', message: 'db closed', stack: 'Error: db closed\n at x' },
      peer: 'ph-wallet-1',
      note: 'two words',
    });
    assert.equal(
      formatLogLine(prefix, line),
      '[hk-wallet-1] ERROR consensus: payload failed err="db closed" peer=ph-wallet-1 note="two words"',
    );
  });

  it('passes other lines through, cut at the length limit, and colours on request', () => {
    assert.equal(formatLogLine(prefix, 'Error: boom  '), '[hk-wallet-1] Error: boom');
    const long = formatLogLine(prefix, 'x'.repeat(logLineLengthMax + 10));
    assert.equal(long.length, '[hk-wallet-1] '.length + logLineLengthMax + 3);
    assert.equal(formatLogLine(createLogPrefix('a', 1, true), 'hi'), '\u001b[33m[a]\u001b[0m hi');
  });
});

describe('status table', () => {
  it('aligns columns under an upper-case header', () => {
    const row = {
      node: 'hk-wallet-1',
      kind: 'validator',
      pid: '42',
      state: 'ready',
      height: '7',
      peers: '3',
      api: 'http://127.0.0.1:8080',
    };
    assert.equal(
      renderTable([
        row,
        { ...row, node: 'n', pid: '-', state: 'stopped', height: '-', peers: '-' },
      ]),
      [
        'NODE         KIND       PID  STATE    HEIGHT  PEERS  API',
        'hk-wallet-1  validator  42   ready    7       3      http://127.0.0.1:8080',
        'n            validator  -    stopped  -       -      http://127.0.0.1:8080',
      ].join('\n'),
    );
  });
});

describe('stopping node processes', () => {
  /** A real child that says when it is listening for signals; `ignoreTerm` makes it ignore SIGTERM. */
  async function startChild(ignoreTerm: boolean) {
    const code = `${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1000); console.log('up');`;
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(child.stdout, 'data');
    return child;
  }

  it('stops with SIGTERM a process that heeds it, and SIGKILLs one that does not', async () => {
    const [polite, stubborn] = await Promise.all([startChild(false), startChild(true)]);
    const exits = [once(polite, 'exit'), once(stubborn, 'exit')];
    const result = await stopProcesses([polite.pid!, stubborn.pid!], 300);
    assert.deepEqual(result, { stopped: [polite.pid!], killed: [stubborn.pid!] });
    const [politeExit, stubbornExit] = await Promise.all(exits);
    assert.equal(politeExit?.[1], 'SIGTERM');
    assert.equal(stubbornExit?.[1], 'SIGKILL');
    assert.equal(isAlive(polite.pid!) || isAlive(stubborn.pid!), false);
  });
});
