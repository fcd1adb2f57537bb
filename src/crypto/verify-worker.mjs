// Worker entry: Node 20 cannot start a Worker on a .ts file, so this registers tsx in the worker
// thread and then loads the TypeScript body.
import { register } from 'tsx/esm/api';

register();
await import('./verify-worker.ts');
