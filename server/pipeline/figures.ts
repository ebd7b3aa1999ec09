// Which status rows the monitor process sends now (server/pipeline/child.ts). A change of a point's state,
// or of what goes with it (since, backup, endpoint, call, its targets' states: the row's `key`), is sent
// at once. A change of its figures alone (RTT, loss, jitter) is sent at most every `figuresMs`: with
// the first change after that (so a fresh probe is behind the row), or, if its figures stopped moving,
// from the queue 2 × figuresMs after its last row. Every line's RTT moves a little each second, so
// at 1 Hz every point changed every second; a national meeting's 40,000 rows a second, mirrored and
// published by every instance, were most of the centre's CPU (docs/NATIONAL.md, "Measured").
import type { StatusRow } from './messages';

/** The part of a row that is never held back. */
export function rowKey(r: StatusRow): string {
  const targets = r[10];
  let key = `${r[1]}|${r[5]}|${r[6]}|${r[8]}|${r[9]}`;
  if (targets) for (const t of targets) key += `|${t.state}:${t.reason ?? ''}:${t.call?.inCall ?? ''}`;
  return key;
}

interface Sent {
  key: string;
  at: number;
  /** In the held queue now. */
  held: boolean;
}

export class FiguresGate {
  private readonly sent = new Map<string, Sent>();
  /** Held points in the order they were held; each due FIGURES_MS after its last row. */
  private held: { code: string; due: number }[] = [];
  private head = 0;

  constructor(private readonly figuresMs: number) {}

  /** A changed point's row: true to send it now; false when held (it comes back from due()). */
  admit(code: string, key: string, now: number): boolean {
    const last = this.sent.get(code);
    if (!last) {
      this.sent.set(code, { key, at: now, held: false });
      return true;
    }
    if (this.figuresMs <= 0 || last.key !== key || now - last.at >= this.figuresMs) {
      last.key = key;
      last.at = now;
      last.held = false;
      return true;
    }
    if (!last.held) {
      // Sent by its next change once figuresMs has passed (a fresh probe behind it); from the queue only
      // if its figures stop moving before then.
      last.held = true;
      this.held.push({ code, due: last.at + 2 * this.figuresMs });
    }
    return false;
  }

  /** Sent whatever its content (a full resync). */
  sentNow(code: string, key: string, now: number): void {
    const last = this.sent.get(code);
    if (last) {
      last.key = key;
      last.at = now;
      last.held = false;
    } else this.sent.set(code, { key, at: now, held: false });
  }

  /**
   * The held points whose figures stopped moving before their next change could carry them (2 ×
   * figuresMs after their last row): the caller sends each one's current row and tells sentNow().
   */
  due(now: number): string[] {
    const out: string[] = [];
    while (this.head < this.held.length && this.held[this.head]!.due <= now) {
      const { code } = this.held[this.head++]!;
      const last = this.sent.get(code);
      // An entry of an earlier hold: the point was sent since (by a change after figuresMs) and is held
      // again, by a later entry of its own. Sending it now would send a row as old as its last probe
      // (up to a second at 1 Hz) instead of the fresh one its next change brings.
      if (!last?.held || now - last.at < 2 * this.figuresMs) continue;
      last.held = false;
      out.push(code);
    }
    if (this.head > 4096 && this.head * 2 > this.held.length) {
      this.held = this.held.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** Forgets points no longer in the inventory. */
  retain(codes: ReadonlySet<string>): void {
    for (const code of this.sent.keys()) if (!codes.has(code)) this.sent.delete(code);
  }
}
