// `diemcau invitation parse FILE [--json]`. argv is what follows "invitation"; the exit code is
// returned, never passed to process.exit, so tests drive it in-process.
import { parseArgs } from 'node:util';
import { InvitationDraft } from '../../shared/invitation';
import { extractInvitationText, InvitationFileError } from './extract';
import { parseInvitation } from './parse';
import { argvWords, isArgvError } from '../cli-words';
import { cliLang } from '../errors';
import { inLang } from '../../shared/words';
import { formatInvitationSummary } from './summary';

export interface InvitationCliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

const USAGE = `Cách dùng: diemcau invitation parse FILE [--json]

Đọc giấy mời / kế hoạch (.txt, .docx, .pdf có lớp chữ) và in bản nháp hội nghị:
thời gian, chạy thử đường truyền, hạn gửi danh sách điểm cầu, cấp tham gia, địa điểm, liên hệ.
  --json   in bản nháp dạng JSON (không kèm trích dẫn nguồn)
`;

export async function runInvitationCli(argv: string[], io: InvitationCliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    const said = isArgvError(err) ? inLang(argvWords(err), cliLang()) : (err as Error).message;
    io.stderr.write(`${said}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const [sub, file, ...extra] = positionals;
  if (sub !== 'parse' || !file || extra.length > 0) {
    io.stderr.write(USAGE);
    return 2;
  }
  let text: string;
  try {
    text = await extractInvitationText(file);
  } catch (err) {
    if (err instanceof InvitationFileError) {
      io.stderr.write(`${err.messageIn(cliLang())}\n`);
      return 1;
    }
    throw err;
  }
  const result = parseInvitation(text);
  if (values.json) {
    // Parsed on the way out: --json promises exactly the InvitationDraft shape.
    io.stdout.write(`${JSON.stringify(InvitationDraft.parse(result.draft), null, 2)}\n`);
  } else {
    io.stdout.write(formatInvitationSummary(result));
  }
  return 0;
}
