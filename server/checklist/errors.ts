// A write based on a stale version: refused with the current mark, as a socket ack (`conflict`) and as
// a REST 409 (the checklist routes' own error handler), so the writer sees what won ([CL5]).
import type { ChecklistConflict } from '../../shared/protocol';
import type { ItemMark, RollCallMark } from '../../shared/checklist';
import { AckFailure } from '../realtime/acks';
import type { Words } from '../../shared/words';

export class ChecklistConflictError extends AckFailure {
  readonly status = 409;
  declare readonly error: ChecklistConflict;

  constructor(message: Words, current: ItemMark | RollCallMark) {
    const error: ChecklistConflict = { code: 'conflict', message: message.vi, current };
    super(error, message.en);
    this.name = 'ChecklistConflictError';
  }
}
