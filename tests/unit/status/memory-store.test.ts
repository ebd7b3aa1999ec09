// The in-memory Store used by the status tests must keep the same contract as the SQLite store, seen
// through asyncStore as callers see every store.
import { asyncStore } from '../../../server/store/async';
import { MemoryDb, MemoryStore } from '../../helpers/memory-store';
import { storeContract } from '../store/contract';

const dbs = new Map<string, MemoryDb>();
storeContract('in-memory (tests/helpers)', (name) => {
  let db = dbs.get(name);
  if (!db) dbs.set(name, (db = new MemoryDb()));
  return asyncStore(new MemoryStore(db));
});
