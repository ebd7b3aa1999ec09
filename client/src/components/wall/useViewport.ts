// The window's inner size, kept current on resize (a wall may be rotated or change resolution).
import { useSyncExternalStore } from 'react';

let size = { w: window.innerWidth, h: window.innerHeight };

function subscribe(listener: () => void): () => void {
  const onResize = (): void => {
    if (size.w === window.innerWidth && size.h === window.innerHeight) return;
    size = { w: window.innerWidth, h: window.innerHeight };
    listener();
  };
  window.addEventListener('resize', onResize);
  onResize();
  return () => window.removeEventListener('resize', onResize);
}

const get = (): { w: number; h: number } => size;

export function useViewport(): { w: number; h: number } {
  return useSyncExternalStore(subscribe, get, get);
}
