// A count of the work the parsers of outside input do: characters scanned, windows handed to a
// regular expression, loop turns. Tests bound this count (for inputs of size n, 2n, 4n it must grow
// linearly) instead of timing the parsers, which would be flaky on a shared machine and blind to a
// quadratic loop that is still fast at test sizes.
//
// The count is a model: a regular expression is charged the length of the text it is given, which is
// honest only because every expression applied to outside input is written so that its cost per
// position is bounded (no nested or overlapping unbounded quantifiers, no `.*`-then-anchor scans);
// each parser says so next to its expressions. A plain integer add: cheap enough to stay in production.

let steps = 0;

/** Charges `n` steps (a window of n characters, n loop turns). */
export function spend(n: number): void {
  steps += n;
}

/** Steps charged since the process started (tests take differences). */
export function stepsTaken(): number {
  return steps;
}

/** The steps `fn` takes (synchronous parsers). */
export function stepsOf(fn: () => unknown): number {
  const before = steps;
  fn();
  return steps - before;
}

/** The steps `fn` takes, for parsers that await (nothing else may parse meanwhile). */
export async function stepsOfAsync(fn: () => Promise<unknown>): Promise<number> {
  const before = steps;
  await fn();
  return steps - before;
}
