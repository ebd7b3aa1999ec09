// A YAML syntax error in the technicians' words, by the `yaml` package's error code, with what to do
// about it. Only the file's first error is shown (yaml-budget.ts), so it must say enough on its own.
import type { ErrorCode } from 'yaml';
import { words, type Words } from '../../shared/words';

export const SYNTAX_WHERE = words('cú pháp YAML', 'YAML syntax');

const TAB = words(
  'có ký tự tab ở đầu dòng: thụt lề bằng dấu cách, không dùng tab',
  'a tab at the start of the line: indent with spaces, not tabs',
);

const INDENT = words(
  'thụt lề sai: các mục cùng cấp phải bắt đầu ở cùng một cột (thụt lề bằng dấu cách, không dùng tab)',
  'wrong indentation: items of one level must start in the same column (indent with spaces, not tabs)',
);

const BY_CODE: Partial<Record<ErrorCode, Words>> = {
  TAB_AS_INDENT: TAB,
  BAD_INDENT: INDENT,
  BLOCK_AS_IMPLICIT_KEY: words(
    'thụt lề sai hoặc thiếu dấu cách sau “:” — kiểm tra dòng này và dòng ngay trên',
    'wrong indentation or no space after ":" — check this line and the one above',
  ),
  MULTILINE_IMPLICIT_KEY: words(
    'tên trường phải nằm trên một dòng và có “: ” theo sau — thiếu dấu “:” hoặc thụt lề sai?',
    'a key must fit on one line followed by ": " — a missing ":" or wrong indentation?',
  ),
  MISSING_CHAR: words(
    'thiếu ký tự đóng: kiểm tra các cặp [ ], { } và dấu nháy',
    'a closing character is missing: check the [ ], { } pairs and the quotes',
  ),
  UNEXPECTED_TOKEN: words(
    'ký tự không đúng chỗ: kiểm tra dấu “:”, “-”, dấu phẩy và dấu nháy trên dòng này',
    'a character out of place: check the ":", "-", commas and quotes on this line',
  ),
  BAD_SCALAR_START: words(
    'giá trị không được bắt đầu bằng ký tự này: đặt giá trị trong dấu nháy "…"',
    'a value cannot start with this character: put it in quotes "…"',
  ),
  BAD_DQ_ESCAPE: words(
    'chuỗi trong nháy kép có dấu “\\” không hợp lệ: viết “\\\\” hoặc dùng nháy đơn',
    'a double-quoted string has an invalid "\\" escape: write "\\\\" or use single quotes',
  ),
  DUPLICATE_KEY: words(
    'khoá lặp lại trong cùng một nhóm: mỗi khoá chỉ được viết một lần',
    'a key repeated in the same mapping: write each key once',
  ),
  MULTIPLE_DOCS: words(
    'tệp có nhiều tài liệu (dòng “---”): chỉ được có một',
    'the file holds several documents ("---" lines): only one is allowed',
  ),
  BLOCK_IN_FLOW: words(
    'trong [ ] hoặc { } phải viết trên một dòng kiểu “a, b”, không dùng “- ”',
    'inside [ ] or { } write "a, b" on one line, not "- " items',
  ),
  MULTIPLE_ANCHORS: words('một nút chỉ được có một neo &', 'a node may have one & anchor only'),
  MULTIPLE_TAGS: words('một nút chỉ được có một thẻ !', 'a node may have one ! tag only'),
  TAG_RESOLVE_FAILED: words('thẻ ! không được hỗ trợ: bỏ thẻ này đi', 'unsupported ! tag: remove it'),
  KEY_OVER_1024_CHARS: words('tên trường dài quá 1024 ký tự', 'a key longer than 1024 characters'),
};

/** Whether the line holding `offset` is indented with a tab. */
function tabIndented(text: string, offset: number): boolean {
  const start = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
  return /^[ ]*\t/.test(text.slice(start, start + 200));
}

export function syntaxWords(code: ErrorCode, text: string, offset: number): Words {
  if (
    code === 'TAB_AS_INDENT' ||
    ((code === 'BAD_INDENT' || code === 'BLOCK_AS_IMPLICIT_KEY') && tabIndented(text, offset))
  ) {
    return TAB;
  }
  return (
    BY_CODE[code] ??
    words(`lỗi cú pháp YAML (mã ${code}): kiểm tra dòng này`, `YAML syntax error (${code}): check this line`)
  );
}
