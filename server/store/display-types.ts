import type { AsyncOf } from './async-of';
// Display links (wall screens) as stored (migration 6): only the token's SHA-256, never the token.
// A sub-store of Store (`store.displayLinks`), kept apart so the feature's storage stays in one place.

export interface DisplayLinkRow {
  id: number;
  tokenHash: string;
  label: string;
  /** The bound meeting; null: whichever meeting is current. */
  meeting: string | null;
  createdBy: string;
  createdAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
}

export type NewDisplayLink = Omit<DisplayLinkRow, 'id' | 'lastSeenAt' | 'revokedAt'>;

export interface SyncDisplayLinkStore {
  /** Throws (nothing written) when the hash exists already. */
  create(l: NewDisplayLink): DisplayLinkRow;
  /** Every link, revoked ones too, newest first. */
  list(): DisplayLinkRow[];
  get(id: number): DisplayLinkRow | undefined;
  /** The link with this token hash, revoked or not. */
  byHash(tokenHash: string): DisplayLinkRow | undefined;
  /** Marks it revoked at `at`; false when there is no such link or it was revoked already. */
  revoke(id: number, at: number): boolean;
  /** Records a use (never moves backwards). */
  touch(id: number, at: number): void;
}

/** What callers use: every method returns a promise (server/store/types.ts Store). */
export type DisplayLinkStore = AsyncOf<SyncDisplayLinkStore>;
