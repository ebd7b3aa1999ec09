// The smallest external store React's useSyncExternalStore can read: a value, a setter and listeners.

export type Listener = () => void;

export class Observable<T> {
  private readonly listeners = new Set<Listener>();

  constructor(private value: T) {}

  get = (): T => this.value;

  set(value: T): void {
    if (Object.is(value, this.value)) return;
    this.value = value;
    // A snapshot: a listener may unsubscribe itself (or others) while being notified.
    for (const l of Array.from(this.listeners)) l();
  }

  update(fn: (value: T) => T): void {
    this.set(fn(this.value));
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

/** A fire-and-forget event channel (new outages, …). */
export class Emitter<T> {
  private readonly handlers = new Set<(value: T) => void>();

  emit(value: T): void {
    for (const h of Array.from(this.handlers)) h(value);
  }

  on(handler: (value: T) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }
}
