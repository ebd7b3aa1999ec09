// Preferences kept in localStorage. Storage can throw (private mode, quota, disabled cookies): a
// dashboard on a wall must keep working with defaults rather than fail.

export const PREF_KEYS = {
  lang: 'diemcau.lang',
  meeting: 'diemcau.meeting',
  muted: 'diemcau.muted',
  checklistAdvance: 'diemcau.checklist.advance',
  regionsWorstFirst: 'diemcau.overview.worstFirst',
} as const;

type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

function defaultStorage(): StorageLike | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function readPref(key: string, storage: StorageLike | null = defaultStorage()): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function writePref(key: string, value: string | null, storage: StorageLike | null = defaultStorage()): void {
  try {
    if (value === null) storage?.removeItem(key);
    else storage?.setItem(key, value);
  } catch {
    // Not persisted; the choice still holds for this page.
  }
}
