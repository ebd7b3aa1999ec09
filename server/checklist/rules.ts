// The automatic parts of the checklist as pure functions of (status, time): the line and backup-line
// verdicts, when automatic items are evaluated, and when the roll calls are due. docs/CHECKLIST.md
// names the rules.
import {
  CODEC_LOSS_FAIL_PCT,
  LINE_STABLE_MS,
  ROLL_CALL_LEAD_MS,
  type CodecMedia,
  type ItemResult,
  type RollCallMoment,
} from '../../shared/checklist';
import type { CodecCall } from '../../shared/targets';
import { DEFAULT_WINDOWS, meetingTimes, type WindowConfig } from '../../shared/phase';
import type { Meeting, PointState, PointStatus } from '../../shared/schemas';

// Shared, so the dashboard's explanation of the automatic item says the same figure.
export { LINE_STABLE_MS };

const MIN = 60_000;

/** Reachable and not severe: what counts toward the line's 60 s. */
export function isGood(state: PointState): boolean {
  return state === 'up' || state === 'degraded';
}

export function isBad(state: PointState): boolean {
  return state === 'down' || state === 'severe';
}

export interface LineInput {
  status: PointStatus | undefined;
  /** Start of the current good run as tracked so far, or null. */
  goodSince: number | null;
  /** The point went down or severe since the last evaluation (even if it is up again now). */
  wentBad: boolean;
  now: number;
  stableMs?: number;
}

export interface LineVerdict {
  /** What the item should read, or undefined to leave it as it is. */
  result: ItemResult | undefined;
  goodSince: number | null;
}

/**
 * [CL6] Down or severe now, or at any moment since the last evaluation → fail, and the 60 s start
 * again. Up or degraded for 60 s → pass. Up for less: unchanged (a failed line stays failed until it
 * has been stable for 60 s). Unknown (no probe result yet, an engine gap): unchanged, and the 60 s
 * start again.
 */
export function lineVerdict(i: LineInput): LineVerdict {
  const stableMs = i.stableMs ?? LINE_STABLE_MS;
  const state = i.status?.state ?? 'unknown';
  if (isBad(state)) return { result: 'fail', goodSince: null };
  if (!isGood(state)) return { result: i.wentBad ? 'fail' : undefined, goodSince: null };
  const since = i.status?.since ? Date.parse(i.status.since) : i.now;
  // After a bad spell the run starts again at the state's own start, never earlier.
  const goodSince = i.wentBad || i.goodSince === null ? since : i.goodSince;
  if (i.wentBad) return { result: 'fail', goodSince };
  return { result: i.now - goodSince >= stableMs ? 'pass' : undefined, goodSince };
}

/**
 * [CL7] No backup target → not applicable. Backup up or degraded → pass; down or severe → fail.
 * Unknown: unchanged, except that an item left "not applicable" (a backup added since) goes pending.
 */
export function backupVerdict(
  hasBackup: boolean,
  status: PointStatus | undefined,
  current: ItemResult,
): ItemResult | undefined {
  if (!hasBackup) return 'na';
  const state = status?.backup ?? 'unknown';
  if (isGood(state)) return 'pass';
  if (isBad(state)) return 'fail';
  return current === 'na' ? 'pending' : undefined;
}

/**
 * [CL8] Automatic items are evaluated from the opening of the line-test window until the session
 * starts; after that the checklist is the record of the readiness, and changes only by hand.
 */
export function automaticOpen(
  m: Pick<Meeting, 'lineTest' | 'session'>,
  now: number,
  w: WindowConfig = DEFAULT_WINDOWS,
): boolean {
  const t = meetingTimes(m);
  return now >= t.lineTestStart - w.lineTestLeadMin * MIN && now < t.sessionStart;
}

/** [RC1] [RC2] When each automatic roll call is due. */
export function rollCallDue(m: Pick<Meeting, 'lineTest' | 'session'>): Record<RollCallMoment, number> {
  const start = meetingTimes(m).sessionStart;
  return { before: start - ROLL_CALL_LEAD_MS, start };
}

/** What the item needs of the point's codec target: its state and what it last said of the call. */
export interface CodecInput {
  state: PointState;
  call: CodecCall | null;
}

/**
 * [CL11] From the codec: not answering (down) or not in the call → fail; in the call and receiving
 * this media (a received channel with a rate above 0, or no rate given) with loss under
 * CODEC_LOSS_FAIL_PCT → pass, else fail. Unknown (no answer yet, a monitor gap): unchanged.
 */
export function codecVerdict(media: CodecMedia, codec: CodecInput | undefined): ItemResult | undefined {
  if (!codec) return undefined;
  if (codec.state === 'down') return 'fail';
  if (codec.state === 'unknown' || !codec.call) return undefined;
  if (!codec.call.inCall) return 'fail';
  const received = codec.call.channels.filter((c) => c.media === media && c.direction === 'rx');
  const good = received.some((c) => (c.rateKbps === null || c.rateKbps > 0) && (c.lossPct ?? 0) < CODEC_LOSS_FAIL_PCT);
  return good ? 'pass' : 'fail';
}
