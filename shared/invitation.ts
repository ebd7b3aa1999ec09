// A draft meeting read from an invitation (giấy mời / kế hoạch). It is a suggestion for a technician
// to review, never a Meeting by itself: any field the document does not state is null, not guessed.
import { z } from 'zod';
import { Level } from './schemas';

export const INVITATION_KINDS = ['online', 'in-person'] as const;
export const InvitationKind = z.enum(INVITATION_KINDS);
export type InvitationKind = z.infer<typeof InvitationKind>;

/** Wall-clock instants in invitations are Vietnamese local time: always written with +07:00. */
export const VnInstant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/, 'expected YYYY-MM-DDTHH:mm:ss+07:00')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a real date-time');

export const IsoDate = z.iso.date();

export const InvitationContact = z.strictObject({
  name: z.string().min(1).max(120),
  organization: z.string().max(200).nullable(),
  /** Digits only; +84 is written as the domestic leading 0. */
  phone: z
    .string()
    .regex(/^\d{8,12}$/)
    .nullable(),
});
export type InvitationContact = z.infer<typeof InvitationContact>;

export const InvitationDraft = z.strictObject({
  kind: InvitationKind,
  title: z.string().max(300),
  /** Session start; null when the document gives no hour (then see startDate). */
  start: VnInstant.nullable(),
  startDate: IsoDate.nullable(),
  /** Start of the line test (chạy thử đường truyền / kỹ thuật). */
  lineTest: VnInstant.nullable(),
  /** When districts/communes must have sent their connection-point lists. */
  registrationDeadline: VnInstant.nullable(),
  /** Levels taking part as connection points; empty for an in-person meeting. */
  levels: z.array(Level),
  /** The host room (province point, or the hall of an in-person meeting). */
  venue: z.string().max(300).nullable(),
  contacts: z.array(InvitationContact).max(20),
});
export type InvitationDraft = z.infer<typeof InvitationDraft>;

/** The source text each value came from, for the review form; absent when there was none. */
export const InvitationEvidence = z.strictObject({
  kind: z.string().optional(),
  title: z.string().optional(),
  start: z.string().optional(),
  startDate: z.string().optional(),
  lineTest: z.string().optional(),
  registrationDeadline: z.string().optional(),
  /** One snippet per mention of connection points that named a level. */
  levels: z.array(z.string()).optional(),
  venue: z.string().optional(),
  /** One snippet per contact, in the same order as `contacts`. */
  contacts: z.array(z.string()).optional(),
});
export type InvitationEvidence = z.infer<typeof InvitationEvidence>;

export const ParsedInvitation = z.strictObject({
  draft: InvitationDraft,
  evidence: InvitationEvidence,
});
export type ParsedInvitation = z.infer<typeof ParsedInvitation>;
