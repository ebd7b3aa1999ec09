// Ground truth: what the lab did and when, as JSON lines — a `start` line with the topology, one
// `action` line per change (its instant taken after the ip/nft command returned), a `probe` line per
// request to a host with seeded loss (written by its responder: answered or dropped) and a `summary`.
// Lines are appended synchronously, so a killed run still leaves everything up to its last action.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { toWireInstant } from '../../shared/time';
import { DELAY_PROFILES } from './scenario';

const Stamp = { t: z.number(), iso: z.string() };

export const TruthHost = z.object({
  id: z.string(),
  name: z.string(),
  hub: z.string(),
  address: z.string(),
  /** Seeded loss made by the responder (its drops are the `probe` lines with `lost: true`). */
  lossPercent: z.number(),
  delay: z.object({ ms: z.number(), jitterMs: z.number(), profile: z.enum(DELAY_PROFILES).optional() }).nullable(),
  /** Has a room endpoint (SIP, 5060/udp at its address); absent in truths from before endpoints. */
  endpoint: z.boolean().optional(),
});
export type TruthHost = z.infer<typeof TruthHost>;

export const TruthStart = z.object({
  type: z.literal('start'),
  ...Stamp,
  lab: z.string(),
  scenario: z.string(),
  durationS: z.number(),
  hubs: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      netns: z.string(),
      prefix: z.string(),
      /** kamailio's address when the hub runs one. */
      registrar: z.string().nullable().optional(),
    }),
  ),
  hosts: z.array(TruthHost),
});

export const ACTIONS = [
  'link-down',
  'link-up',
  'host-down',
  'host-up',
  'loss',
  'endpoint-down',
  'endpoint-slow',
  'endpoint-refuses',
  'endpoint-up',
] as const;
export const TruthAction = z.object({
  type: z.literal('action'),
  ...Stamp,
  action: z.enum(ACTIONS),
  /**
   * What the action touched: `endpoint` (the room's SIP stack; the line keeps answering) or `line`
   * (everything else; absent in truths from before endpoints). A line cut is a line outage only.
   */
  kind: z.enum(['line', 'endpoint']).optional(),
  hub: z.string().optional(),
  host: z.string().optional(),
  percent: z.number().optional(),
  /** endpoint-slow: how late the endpoint answers each OPTIONS. */
  delayMs: z.number().optional(),
  /** Host ids the action reached (all of a hub's hosts for a link). */
  hosts: z.array(z.string()),
  /** Offset in the timeline and the instant it was due; absent for actions applied by hand. */
  atMs: z.number().optional(),
  dueT: z.number().optional(),
  lagMs: z.number().optional(),
  entry: z.number().optional(),
  flap: z.number().optional(),
});

export const TruthSummary = z.object({
  type: z.literal('summary'),
  ...Stamp,
  startT: z.number(),
  actions: z.number(),
  aborted: z.boolean(),
  linksDown: z.array(z.string()),
  hostsDown: z.array(z.string()),
  /** Endpoints not answering normally at the end, with what they do instead. */
  endpoints: z.record(z.string(), z.enum(['slow', 'refuses', 'down'])).optional(),
  maxLagMs: z.number(),
});

/** One echo request that reached a lossy host's responder, and whether it was dropped. */
export const TruthProbe = z.object({
  type: z.literal('probe'),
  ...Stamp,
  host: z.string(),
  address: z.string(),
  /** Requests to this host so far, this one included (1, 2, …): a gap would mean a lost log line. */
  n: z.number(),
  lost: z.boolean(),
  seq: z.number().optional(),
});

export const TruthLine = z.discriminatedUnion('type', [TruthStart, TruthAction, TruthProbe, TruthSummary]);
export type TruthLine = z.infer<typeof TruthLine>;
export type TruthStart = z.infer<typeof TruthStart>;
export type TruthAction = z.infer<typeof TruthAction>;
export type TruthSummary = z.infer<typeof TruthSummary>;
export type TruthProbe = z.infer<typeof TruthProbe>;

/** Both forms of an instant every line carries: ms since the epoch, and ISO with the +07:00 offset. */
export const stamp = (t: number): { t: number; iso: string } => ({ t, iso: toWireInstant(t) });

/** Appends truth lines to a file (truncated when the writer is made). */
export class TruthWriter {
  constructor(readonly file: string) {
    writeFileSync(file, '');
  }
  write(line: TruthLine): void {
    appendFileSync(this.file, JSON.stringify(line) + '\n');
  }
}

export function parseTruth(text: string, source = 'truth'): TruthLine[] {
  return text
    .split('\n')
    .map((l, i) => [l.trim(), i + 1] as const)
    .filter(([l]) => l !== '')
    .map(([l, n]) => {
      const parsed = TruthLine.safeParse(JSON.parse(l));
      if (!parsed.success) throw new Error(`${source}:${n}: ${parsed.error.issues[0]?.message ?? 'invalid line'}`);
      return parsed.data;
    });
}

export const readTruth = (file: string): TruthLine[] => parseTruth(readFileSync(file, 'utf8'), file);

export { expectedFromTruth, type ExpectedOutage, type ExpectedSet, type ExpectOptions } from './expected';
