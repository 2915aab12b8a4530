// The in-memory session store, event store and mailbox run the same contract suites as the DynamoDB ones.
import {
  runEventStoreContract,
  runResponseMailboxContract,
  runSessionStoreContract,
} from '../../test/store-contract.js';
import { MemoryEventStore, MemoryResponseMailbox, MemorySessionStore } from './memory.js';

runSessionStoreContract('memory', async (now) => new MemorySessionStore(now));
runEventStoreContract('memory', async () => new MemoryEventStore());
runResponseMailboxContract('memory', async () => new MemoryResponseMailbox());
