// Runs a synchronous clean-up if the bench process ends while a peer server is up (an uncaught
// error, process.exit, Ctrl-C or a kill), so no throw-away server or folder outlives the bench.

const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Guards until the returned function is called (on the normal path, after cleaning up). */
export function guardExit(cleanupSync: () => void): () => void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    cleanupSync();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    once();
    release();
    // Die of the same signal, as the process would have without this guard.
    process.kill(process.pid, signal);
  };
  const release = () => {
    process.off('exit', once);
    for (const s of signals) process.off(s, onSignal);
  };
  process.on('exit', once);
  for (const s of signals) process.on(s, onSignal);
  return () => {
    done = true;
    release();
  };
}
