import { useEffect, useState } from 'react';
import { api, type Health } from '../live/api';

/** The server's probe engine, shown discreetly in the header. */
export function useHealth(): Health | null {
  const [health, setHealth] = useState<Health | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    api
      .health(ctrl.signal)
      .then(setHealth)
      .catch(() => {});
    return () => ctrl.abort();
  }, []);
  return health;
}
