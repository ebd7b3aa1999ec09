// Runs async passes one after another, in call order: a pass asked for while one runs starts after it
// (never alongside, never skipped), so a caller that awaits its pass sees everything before its call.
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const pass = this.tail.then(fn);
    this.tail = pass.catch(() => undefined);
    return pass;
  }
}

/**
 * A pass that drains a queue: one at a time; asked for while it runs, it runs once more after, so no
 * request falls between the end of a pass's loop and its promise settling.
 */
export class Drain {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(private readonly pass: () => Promise<void>) {}

  get busy(): boolean {
    return this.running !== null;
  }

  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Settles when no pass runs (a pass asked for meanwhile included). */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }
}
