// The stores an integration test runs on: the embedded SQLite file (startTestApp's default) and a
// real PostgreSQL database of the test's own (created here, dropped by `drop`).
import { createTestDatabase, ensurePostgres } from './postgres';

export interface TestStore {
  /** The `--db` value for startTestApp (undefined: the SQLite file in the app's directory). */
  db: string | undefined;
  drop(): Promise<void>;
}

export type StoreBackend = [name: string, open: () => Promise<TestStore>];

export const STORE_BACKENDS: StoreBackend[] = [
  ['SQLite', () => Promise.resolve({ db: undefined, drop: () => Promise.resolve() })],
  [
    'PostgreSQL',
    async () => {
      await ensurePostgres();
      const d = await createTestDatabase('dc_it');
      return { db: d.url, drop: () => d.drop() };
    },
  ],
];
