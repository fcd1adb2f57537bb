// Worker entry where no bundle can be made: registers tsx in the worker thread, then loads the
// TypeScript body (Node 20 cannot start a Worker on a .ts file).
import { register } from 'tsx/esm/api';

register();
await import('./tree-worker.ts');
