// A writeOutages batch's close names its outage by id, or by `ref`: the index of its open earlier in the
// same batch (whose id the database gives only as the batch runs). One rule for every backend.
import type { OutageOp, OutageRow } from './types';

/** The id a close op ends, given the rows the batch returned so far. */
export function closeTarget(op: Extract<OutageOp, { kind: 'close' }>, done: readonly (OutageRow | null)[]): number {
  if ('id' in op) return op.id;
  const row = done[op.ref];
  if (!row) throw new Error(`outage batch: op ${done.length} closes op ${op.ref}, which is not an earlier open`);
  return row.id;
}
