// A benchmark part measures one thing and returns named figures; the runner prints them and records
// them in bench/RESULTS.md. Add a part: write bench/parts/<name>.ts and list it in bench/parts/index.ts.

export interface BenchResult {
  /** What was measured, e.g. "report: 10,000 points × 4 h". */
  name: string;
  value: number;
  unit: string;
  /** The figure it must meet, as text ("< 10 s"), when there is one. */
  target?: string;
  /** Whether it met the target (undefined: no target). */
  ok?: boolean;
  note?: string;
}

export interface BenchContext {
  /** A private temp directory, removed after the part (whatever happens). */
  dir: string;
  /** Smaller data for a quick check of the part itself (`--quick`). */
  quick: boolean;
  log(message: string): void;
}

export interface BenchPart {
  name: string;
  description: string;
  /** Runs only when named (`npm run bench e2e-long`): too long for every run. */
  optional?: boolean;
  run(ctx: BenchContext): Promise<BenchResult[]>;
}
