// "Points up over time": for each 10 s bucket of a phase, how many points were up, degraded (amber
// or red), down — fractions where a state covers part of a bucket — and the rest unknown. Points add
// their buckets as they are computed; the rows are averaged into at most `maxRows` steps.
import type { Timeline } from '../../shared/report';
import { BUCKET_MS } from './window';

type Kind = 'up' | 'degraded' | 'down';

/** Where a point's buckets go: the meeting's timeline, or it and its region's at once (TimelineTee). */
export interface TimelineSink {
  upRange(first: number, count: number): void;
  add(kind: Kind, bucket: number, value: number): void;
}

/** One point's buckets into two timelines (the meeting's and its region's, NV5). */
export class TimelineTee implements TimelineSink {
  constructor(
    readonly a: TimelineSink,
    public b: TimelineSink,
  ) {}
  upRange(first: number, count: number): void {
    this.a.upRange(first, count);
    this.b.upRange(first, count);
  }
  add(kind: Kind, bucket: number, value: number): void {
    this.a.add(kind, bucket, value);
    this.b.add(kind, bucket, value);
  }
}

const round = (v: number): number => Math.round(v * 100) / 100;

export class Timeline10s implements TimelineSink {
  private readonly series: Record<Kind, Float64Array>;
  /** Ranges of whole up buckets as a difference array: one add per point, not one per bucket. */
  private readonly upDiff: Float64Array;

  constructor(readonly buckets: number) {
    this.series = {
      up: new Float64Array(buckets),
      degraded: new Float64Array(buckets),
      down: new Float64Array(buckets),
    };
    this.upDiff = new Float64Array(buckets + 1);
  }

  upRange(first: number, count: number): void {
    this.upDiff[first]! += 1;
    this.upDiff[first + count]! -= 1;
  }

  add(kind: Kind, bucket: number, value: number): void {
    if (value !== 0) this.series[kind][bucket]! += value;
  }

  rows(start: number, points: number, maxRows = 240): Timeline {
    const per = Math.max(1, Math.ceil(this.buckets / maxRows));
    const rows: Timeline['rows'] = [];
    let running = 0;
    let sum = { up: 0, degraded: 0, down: 0 };
    let inStep = 0;
    for (let i = 0; i < this.buckets; i++) {
      running += this.upDiff[i]!;
      sum.up += running + this.series.up[i]!;
      sum.degraded += this.series.degraded[i]!;
      sum.down += this.series.down[i]!;
      inStep++;
      if (inStep === per || i === this.buckets - 1) {
        const up = round(sum.up / inStep);
        const degraded = round(sum.degraded / inStep);
        const down = round(sum.down / inStep);
        const t = start + (i + 1 - inStep) * BUCKET_MS;
        rows.push({ t, up, degraded, down, unknown: round(Math.max(0, points - up - degraded - down)) });
        sum = { up: 0, degraded: 0, down: 0 };
        inStep = 0;
      }
    }
    return { stepMs: per * BUCKET_MS, rows };
  }
}
