// One look at a running validator for the soak: its resident memory and CPU time from /proc (proc(5)),
// its V8 heap and LMDB file from its own /metrics, and its executed height. A node that does not
// answer is reported down, not as zeros.
import { readFileSync } from 'node:fs';
import { parseStatCpuTicks, parseStatusMemoryKiB } from '../../bench/lib/proc-stats.ts';
import { heightOf, metricValues } from '../e2e/harness.ts';

export type NodeSample =
  | { readonly up: false; readonly why: string }
  | {
      readonly up: true;
      readonly rssMiB: number;
      readonly anonMiB: number;
      readonly fileMiB: number;
      /** V8's used heap at the scrape (prom-client's nodejs_heap_size_used_bytes). */
      readonly heapUsedMiB: number;
      /** V8's heap as reserved from the system (nodejs_heap_size_total_bytes). */
      readonly heapTotalMiB: number;
      /** Memory outside V8's heap held by JS objects: Buffers, ArrayBuffers (nodejs_external_memory_bytes). */
      readonly externalMiB: number;
      /** LMDB's data file (tally_storage_data_bytes). */
      readonly dataMiB: number;
      readonly height: number;
      /** Rounds whose timer fired on this node so far (tally_consensus_round_timeouts_total). */
      readonly roundTimeouts: number;
      /** User plus system CPU time since the process started, in clock ticks. */
      readonly cpuTicks: number;
    };

const mib = 2 ** 20;
export const soakMetricNames = [
  'tally_process_nodejs_heap_size_used_bytes',
  'tally_process_nodejs_heap_size_total_bytes',
  'tally_process_nodejs_external_memory_bytes',
  'tally_storage_data_bytes',
  'tally_consensus_round_timeouts_total',
] as const;

export async function sampleNode(apiUrl: string, pid: number | undefined): Promise<NodeSample> {
  if (pid === undefined) return { up: false, why: 'no process' };
  try {
    const memory = parseStatusMemoryKiB(readFileSync(`/proc/${pid}/status`, 'utf8'));
    const cpuTicks = parseStatCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const [heapBytes, heapTotalBytes, externalBytes, dataBytes, roundTimeouts] = await metricValues(
      apiUrl,
      soakMetricNames,
    );
    const height = await heightOf(apiUrl);
    return {
      up: true,
      rssMiB: memory.rssKiB / 1024,
      anonMiB: memory.anonKiB / 1024,
      fileMiB: memory.fileKiB / 1024,
      heapUsedMiB: heapBytes! / mib,
      heapTotalMiB: heapTotalBytes! / mib,
      externalMiB: externalBytes! / mib,
      dataMiB: dataBytes! / mib,
      height,
      roundTimeouts: roundTimeouts!,
      cpuTicks,
    };
  } catch (error) {
    return { up: false, why: error instanceof Error ? error.message : String(error) };
  }
}
