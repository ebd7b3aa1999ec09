// What a parse worker does: read an uploaded point list against the inventory, or an uploaded
// invitation into a draft. These are the parsers of outside input that HTTP requests reach.
import type { ImportPreview } from '../../shared/import';
import type { ParsedInvitation } from '../../shared/invitation';
import { previewImport, type InventoryView } from '../importer';
import { extractInvitationText, parseInvitation } from '../invitation';

export type ParseJob =
  | { kind: 'invitation'; file: string }
  /** With `json`, the preview comes back as its JSON text, which the route sends as it is. */
  | { kind: 'points'; bytes: Uint8Array; filename?: string; inventory: InventoryView; json: boolean };

export type ParseResult = ParsedInvitation | ImportPreview | string;

export async function runJob(job: ParseJob): Promise<ParseResult> {
  switch (job.kind) {
    case 'invitation':
      return parseInvitation(await extractInvitationText(job.file));
    case 'points': {
      const preview = await previewImport(job.bytes, job.inventory, job.filename);
      // Serialised here: a preview of 50,000 rows is tens of MB of JSON, not to be made on the main thread.
      return job.json ? JSON.stringify(preview) : preview;
    }
  }
}
