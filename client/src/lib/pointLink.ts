// The dashboard's link to a point, as alert messages carry it (docs/ALERTS.md): `/#point=CODE` opens
// the point's detail when the page loads.
const PREFIX = '#point=';

/** The point code in a `#point=CODE` hash, or null. */
export function pointFromHash(hash: string): string | null {
  if (!hash.startsWith(PREFIX)) return null;
  try {
    const code = decodeURIComponent(hash.slice(PREFIX.length));
    return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(code) ? code : null;
  } catch {
    return null;
  }
}

/** Drops a `#point=` hash from the address bar (the detail was closed), keeping everything else. */
export function clearPointHash(): void {
  if (pointFromHash(window.location.hash) === null) return;
  const url = new URL(window.location.href);
  url.hash = '';
  window.history.replaceState(null, '', url.pathname + url.search);
}
