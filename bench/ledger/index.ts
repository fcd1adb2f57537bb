// The `ledger` benchmark group (issue: ledger foundation): codec, crypto, state tree, execution, and
// the durable commit of bank transfers.
import type { Step } from '../lib/report.ts';

export async function ledgerSteps(): Promise<Step[]> {
  const [
    { benchCodec },
    { benchCrypto },
    { benchWorkerMemory },
    { benchBankExecution },
    { benchCommit },
  ] = await Promise.all([
    import('./codec.ts'),
    import('./crypto.ts'),
    import('./worker-memory.ts'),
    import('./bank.ts'),
    import('./commit.ts'),
  ]);
  const steps: Step[] = [
    { label: 'codec', run: benchCodec },
    { label: 'crypto', run: benchCrypto },
    { label: 'verify worker memory', run: benchWorkerMemory },
    { label: 'bank execution', run: benchBankExecution },
    { label: 'durable commit', run: benchCommit },
  ];
  try {
    const { benchState } = await import('./state.ts');
    steps.splice(2, 0, { label: 'state tree', run: benchState });
  } catch {
    // state.ts arrives with the state-tree work; until then the group runs without it.
  }
  return steps;
}
