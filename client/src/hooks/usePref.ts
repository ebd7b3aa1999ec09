import { useCallback, useState } from 'react';
import { readPref, writePref } from '../lib/prefs';

/** A boolean preference persisted in localStorage. */
export function useBooleanPref(key: string, fallback: boolean): [boolean, (v: boolean) => void] {
  const [value, setValue] = useState(() => {
    const stored = readPref(key);
    return stored === null ? fallback : stored === 'true';
  });
  const set = useCallback(
    (v: boolean) => {
      setValue(v);
      writePref(key, String(v));
    },
    [key],
  );
  return [value, set];
}
