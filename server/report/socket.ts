// The report's socket event, registered by the hub through its `guarded` helper (session and role
// first, the outage's point once the payload is parsed), and the announcements of new notes to the
// meeting's room.
import { MeetingJoin } from '../../shared/protocol';
import { OutageAcknowledge } from '../../shared/report';
import type { Guarded } from '../checklist';
import type { IoServer, IoSocket } from '../realtime/auth';
import type { OutageNotes } from './notes';

export function registerReportEvents(
  socket: IoSocket,
  guarded: Guarded,
  notes: OutageNotes,
  room: (meetingId: string) => string,
): void {
  socket.on(
    'report:watch',
    guarded('report:watch', MeetingJoin, 'read', async ({ meetingId }) => {
      notes.meetingExists(meetingId);
      await socket.join(room(meetingId));
      return null;
    }),
  );
  socket.on(
    'outage:acknowledge',
    guarded(
      'outage:acknowledge',
      OutageAcknowledge,
      'outage:acknowledge',
      ({ id, ...body }, actor) => notes.save(actor, id, body),
      ({ id }) => notes.pointOf(id),
    ),
  );
}

export function publishOutageNotes(notes: OutageNotes, io: IoServer, room: (meetingId: string) => string): () => void {
  return notes.onChange((note) => {
    if (note.meeting !== null) io.to(room(note.meeting)).emit('outage:annotated', note);
  });
}
