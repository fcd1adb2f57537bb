// Child process for the no-open-handles test: two transports talk, close, and the process must
// then exit by itself (any leaked socket or timer would keep it alive until the parent kills it).
import { utf8 } from '../../src/util/bytes.ts';
import { createPki, isUp, startNode } from './fixtures.ts';

const pki = createPki({ acme: ['n1', 'n2'] });
const a = await startNode(pki, 'n1');
const b = await startNode(pki, 'n2', { peers: [a.address] });
await b.recorder.waitFor('n1 up', isUp(b.recorder, 'n1'));
b.transport.send('n1', utf8('bye'));
await a.recorder.waitFor('message', () => a.recorder.messages.length === 1);
// Leave a redial timer pending: b keeps dialing a after a closes, until b closes too.
await a.transport.close();
await b.recorder.waitFor('n1 down', () => b.recorder.events.length === 2);
await b.transport.close();
console.log('exchanged and closed');
