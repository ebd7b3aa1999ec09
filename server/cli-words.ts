// What the command line says when its flags are wrong, in Vietnamese (English with DIEMCAU_LANG=en):
// node:util parseArgs throws English TypeErrors with a code; they are put into words here.
import { words, type Words } from '../shared/words';

/** Whether `err` is one of parseArgs's refusals (unknown option, missing value, stray argument). */
export function isArgvError(err: unknown): err is TypeError & { code: string } {
  return err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS');
}

/** A parseArgs refusal in words; the flag or argument named as typed. */
export function argvWords(err: TypeError & { code: string }): Words {
  const quoted = /'([^']*)'/.exec(err.message)?.[1] ?? '';
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return words(`Không có tùy chọn “${quoted}” (viết sai tên?).`, `Unknown option "${quoted}" (misspelt?).`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const flag = quoted.split(' ')[0] ?? quoted;
      return /argument missing/.test(err.message)
        ? words(`Tùy chọn “${flag}” cần một giá trị.`, `Option "${flag}" needs a value.`)
        : words(`Tùy chọn “${flag}” không nhận giá trị.`, `Option "${flag}" takes no value.`);
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return words(`Thừa tham số “${quoted}”.`, `Unexpected argument "${quoted}".`);
    default:
      return words(`Tham số dòng lệnh không đúng: ${err.message}`, err.message);
  }
}
