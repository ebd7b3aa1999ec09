// Invitation (giấy mời / kế hoạch) → draft meeting: the public surface of this folder.
export { parseInvitation, parseInvitationText } from './parse';
export { extractInvitationText, decodeText, InvitationFileError, type InvitationFileProblem } from './extract';
export { runInvitationCli, type InvitationCliIo } from './cli';
export { formatInvitationSummary } from './summary';
