// Acknowledging an outage and recording its cause and note ([RP12]): authorised on the outage's point
// (a unit-limited technician only within their units), written with its audit row in one transaction,
// announced to every listener (the hub sends it to the meeting's room) so other dashboards see it.
import { OutageNoteBody, type OutageNote, type OutageNoteWithHistory } from '../../shared/report';
import type { Actor } from '../auth/policy';
import type { Clock } from '../clock';
import { parseOrThrow, notFound } from '../errors';
import type { OutageRow, Store } from '../store/types';
import { presentChange, presentNote } from './notes-present';

export interface OutageNotesDeps {
  /** Whether a meeting exists (the report view watches only real meetings). */
  meeting: (id: string) => unknown;
  store: Pick<Store, 'getOutage' | 'getOutageNote' | 'saveOutageNote' | 'listOutageNoteHistory' | 'getUser'>;
  clock: Clock;
  /** Throws ForbiddenError unless the actor may do the action on the point (Access.check). */
  check: (actor: Actor, action: 'outage:acknowledge', pointCode: string) => void;
}

export type NoteListener = (note: OutageNote) => void;

/** Who acknowledged an outage through an alert's link (no account: the person's name is `byName`). */
export const ALERT_LINK_ACTOR = 'alert-link';

export class OutageNotes {
  private readonly listeners = new Set<NoteListener>();

  constructor(private readonly d: OutageNotesDeps) {}

  onChange(l: NoteListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** NotFoundError for an unknown meeting. */
  meetingExists(id: string): void {
    if (!this.d.meeting(id)) throw notFound('meeting', id);
  }

  async outage(id: number): Promise<OutageRow> {
    const row = await this.d.store.getOutage(id);
    if (!row) throw notFound('outage', id);
    return row;
  }

  /** The point an outage is about (the socket guard checks the actor's units against it). */
  async pointOf(id: number): Promise<string> {
    return (await this.outage(id)).point;
  }

  async get(id: number): Promise<OutageNoteWithHistory> {
    const row = await this.outage(id);
    const note = await this.d.store.getOutageNote(id);
    return {
      note: note ? presentNote(note, row.meeting) : null,
      history: (await this.d.store.listOutageNoteHistory(id)).map(presentChange),
    };
  }

  /**
   * [AL24] (issue 17, alerts) An alert's signed link took the outage's incident: the outage is
   * acknowledged in that person's name (by ALERT_LINK_ACTOR, no cause, no note) unless it is already,
   * and dashboards hear it like any acknowledgement. False when there was nothing to do.
   */
  async acknowledgeByAlertLink(id: number, name: string): Promise<boolean> {
    const row = await this.d.store.getOutage(id);
    if (!row || (await this.d.store.getOutageNote(id))) return false;
    const saved = await this.d.store.saveOutageNote({
      outageId: id,
      cause: null,
      note: '',
      by: ALERT_LINK_ACTOR,
      byName: name,
      at: this.d.clock.now(),
    });
    const note = presentNote(saved.note, row.meeting);
    if (saved.change) for (const l of this.listeners) l(note);
    return true;
  }

  /** Acknowledges (first time) and sets the cause and note; unchanged input changes nothing. */
  async save(actor: Actor, id: number, body: unknown): Promise<OutageNoteWithHistory & { changed: boolean }> {
    const input = parseOrThrow(OutageNoteBody, body, ['body']);
    const row = await this.outage(id);
    this.d.check(actor, 'outage:acknowledge', row.point);
    const saved = await this.d.store.saveOutageNote({
      outageId: id,
      cause: input.cause,
      note: input.note,
      by: actor.name,
      byName: (await this.d.store.getUser(actor.name))?.displayName ?? null,
      at: this.d.clock.now(),
    });
    const note = presentNote(saved.note, row.meeting);
    if (saved.change) for (const l of this.listeners) l(note);
    return {
      note,
      history: (await this.d.store.listOutageNoteHistory(id)).map(presentChange),
      changed: saved.change !== null,
    };
  }
}
