// A synchronous store (SQLite through better-sqlite3, the tests' in-memory one) seen as the
// asynchronous Store every caller uses. Each call runs at once, as before, and its result or its error
// comes back as a settled promise: a throw becomes a rejection, so callers handle both backends alike.
import type { Store, StoreKind, SyncStore } from './types';

/** Nested stores whose methods are wrapped too. */
const NESTED = new Set<PropertyKey>(['alerts', 'maintenance', 'displayLinks', 'agents']);

function wrap(target: object, kind: StoreKind | null): object {
  const cache = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(t, key) {
      if (key === 'kind' && kind) return kind;
      if (cache.has(key)) return cache.get(key);
      const value: unknown = Reflect.get(t, key, t);
      let out: unknown = value;
      if (typeof value === 'function') {
        const fn = value as (...args: unknown[]) => unknown;
        out =
          key === 'onCheckpoint'
            ? fn.bind(t)
            : (...args: unknown[]): Promise<unknown> => {
                try {
                  return Promise.resolve(fn.apply(t, args));
                } catch (err) {
                  return Promise.reject(err);
                }
              };
      } else if (kind && NESTED.has(key) && value !== null && typeof value === 'object') {
        out = wrap(value, null);
      }
      cache.set(key, out);
      return out;
    },
  });
}

/** The asynchronous face of a synchronous store; `kind` says which engine is behind it. */
export function asyncStore(sync: SyncStore, kind: StoreKind = 'sqlite'): Store {
  return wrap(sync, kind) as Store;
}
