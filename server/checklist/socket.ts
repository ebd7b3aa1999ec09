// The checklist's socket events, registered by the hub through its `guarded` helper: the session and
// role are checked before the payload is parsed, and the point's unit once it is. Changes announced by
// the service go to the meeting's room.
import type { z } from 'zod';
import { ChecklistJoin, ItemWrite, RollCallWrite } from '../../shared/checklist';
import type { Action } from '../../shared/protocol';
import type { Actor } from '../auth/policy';
import type { IoServer, IoSocket } from '../realtime/auth';
import type { ChecklistService } from './service';
import { packJson } from '../realtime/pack';

/** The hub's guarded handler factory (server/realtime/hub.ts). */
export type Guarded = <S extends z.ZodType, T>(
  event: string,
  schema: S,
  action: Action,
  run: (p: z.output<S>, actor: Actor) => T | Promise<T>,
  pointOf?: (p: z.output<S>) => string | Promise<string>,
) => (payload: unknown, ack: unknown) => void;

export function registerChecklistEvents(
  socket: IoSocket,
  guarded: Guarded,
  service: ChecklistService,
  room: (meetingId: string) => string,
): void {
  socket.on(
    'checklist:join',
    guarded('checklist:join', ChecklistJoin, 'read', async ({ meetingId }, actor) => {
      // Joined before the snapshot is read: a change between the two reaches the client both ways, and
      // the client replays what it heard during the join onto the snapshot by version.
      await socket.join(room(meetingId));
      // Packed (10,000 points: 2.5 MB of JSON, ~0.3 MB deflated); per join, as it depends on the actor.
      return packJson(await service.snapshot(meetingId, actor));
    }),
  );
  socket.on(
    'checklist:set',
    guarded(
      'checklist:set',
      ItemWrite,
      'checklist:write',
      (w, actor) => service.setItem(actor, w),
      (w) => w.point,
    ),
  );
  socket.on(
    'rollcall:confirm',
    guarded(
      'rollcall:confirm',
      RollCallWrite,
      'checklist:write',
      (w, actor) => service.confirmRollCall(actor, w),
      (w) => w.point,
    ),
  );
}

/** Sends the service's announcements to the meeting rooms. */
export function publishChecklistEvents(
  service: ChecklistService,
  io: IoServer,
  room: (meetingId: string) => string,
): () => void {
  return service.onEvent((e) => {
    switch (e.type) {
      case 'changed':
        io.to(room(e.payload.meetingId)).emit('checklist:changed', e.payload);
        break;
      case 'captured':
        io.to(room(e.meetingId)).emit('rollcall:captured', { meetingId: e.meetingId, capture: packJson(e.capture) });
        break;
      case 'invalidated':
        io.to(room(e.meetingId)).emit('checklist:invalidated', { meetingId: e.meetingId });
        break;
    }
  });
}
