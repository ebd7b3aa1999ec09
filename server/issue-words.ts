// What a schema refused, said in the technicians' words in Vietnamese and in English: zod's issues
// (parsed with `reportInput`, so a missing field is told apart from a wrong one) become Words, and a
// path into the inventory names the unit, point or meeting by its code, never `points[2]`.
import { z } from 'zod';
import { englishOf, words, type Words } from '../shared/words';

type Issue = z.core.$ZodIssue;

const TYPE_WORDS: Record<string, Words> = {
  string: words('chữ (chuỗi ký tự)', 'text'),
  number: words('một số', 'a number'),
  int: words('một số nguyên', 'a whole number'),
  boolean: words('true hoặc false', 'true or false'),
  array: words('một danh sách (mỗi mục một dòng “- …”)', 'a list (one "- …" line per item)'),
  object: words('một nhóm trường “tên: giá trị”', 'a group of "key: value" fields'),
  null: words('null', 'null'),
};

const FORMAT_WORDS: Record<string, Words> = {
  datetime: words(
    'thời điểm có múi giờ, ví dụ 2026-03-05T15:00:00+07:00',
    'an instant with its offset, e.g. 2026-03-05T15:00:00+07:00',
  ),
};

const quoteList = (values: readonly unknown[]): string => values.map((v) => String(v)).join(', ');

/** A custom issue's English, carried in `params.en` beside its Vietnamese message. */
function customEn(issue: Issue): string | undefined {
  const params = (issue as { params?: { en?: unknown } }).params;
  return typeof params?.en === 'string' ? params.en : englishOf(issue.message);
}

/** zod's own English for an issue, to tell its default message from one a schema wrote. */
const zodDefault = z.locales.en().localeError;

export function issueWords(issue: Issue): Words {
  if (issue.code !== 'custom' && issue.code !== 'invalid_type') {
    const fallback = zodDefault(issue as Parameters<typeof zodDefault>[0]);
    const text = typeof fallback === 'string' ? fallback : fallback?.message;
    // A message the schema wrote itself (a regex's rule, say) is kept, with its English when given.
    if (text !== undefined && text !== issue.message) return words(issue.message, customEn(issue) ?? issue.message);
  }
  switch (issue.code) {
    case 'invalid_type': {
      if ((issue as { input?: unknown }).input === undefined) {
        return words('thiếu, bắt buộc phải có', 'missing: it is required');
      }
      const t = TYPE_WORDS[issue.expected] ?? words(issue.expected, issue.expected);
      return words(`phải là ${t.vi}`, `must be ${t.en}`);
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? words(`phải là ${String(issue.values[0])}`, `must be ${String(issue.values[0])}`)
        : words(`phải là một trong: ${quoteList(issue.values)}`, `must be one of: ${quoteList(issue.values)}`);
    case 'too_big': {
      const max = String(issue.maximum);
      if (issue.origin === 'string')
        return words(`dài quá: tối đa ${max} ký tự`, `too long: at most ${max} characters`);
      if (issue.origin === 'array') return words(`nhiều quá: tối đa ${max} mục`, `too many: at most ${max} items`);
      return words(`lớn quá: tối đa ${max}`, `too large: at most ${max}`);
    }
    case 'too_small': {
      const min = String(issue.minimum);
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1
          ? words('không được để trống', 'must not be empty')
          : words(`ngắn quá: ít nhất ${min} ký tự`, `too short: at least ${min} characters`);
      }
      if (issue.origin === 'array') {
        return Number(issue.minimum) <= 1
          ? words('cần ít nhất một mục', 'needs at least one item')
          : words(`cần ít nhất ${min} mục`, `needs at least ${min} items`);
      }
      return words(`nhỏ quá: ít nhất ${min}`, `too small: at least ${min}`);
    }
    case 'invalid_format': {
      const f = FORMAT_WORDS[issue.format];
      if (f) return words(`phải là ${f.vi}`, `must be ${f.en}`);
      return words('sai định dạng', 'wrong format');
    }
    case 'unrecognized_keys':
      return words(
        `trường không có trong mẫu: ${quoteList(issue.keys)} (viết sai tên hoặc thừa?)`,
        `field not in the schema: ${quoteList(issue.keys)} (misspelt or extra?)`,
      );
    case 'invalid_union':
      return words('không khớp kiểu nào được hỗ trợ', 'matches none of the supported kinds');
    case 'custom':
      return words(issue.message, customEn(issue) ?? issue.message);
    default:
      return words('giá trị không hợp lệ', 'value not accepted');
  }
}

const ENTITY: Record<string, { vi: string; en: string; key: string }> = {
  units: { vi: 'đơn vị', en: 'unit', key: 'id' },
  points: { vi: 'điểm cầu', en: 'point', key: 'code' },
  meetings: { vi: 'hội nghị', en: 'meeting', key: 'id' },
};

const ITEM: Record<string, Words> = {
  targets: words('đường truyền', 'target'),
  contacts: words('liên hệ', 'contact'),
};

const plainKey = (v: unknown): string | undefined =>
  typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v) ? v : undefined;

/**
 * Where in the inventory: `điểm cầu HT-01, đường truyền 1, trường “host”` (`point HT-01, target 1,
 * field "host"`). `data` is the document as read, to find the code of the entity at an index; an
 * entity without a usable code is named by its position.
 */
export function inventoryWhere(path: readonly PropertyKey[], data: unknown): Words {
  const vi: string[] = [];
  const en: string[] = [];
  let rest = path;
  const [head, index] = path;
  const entity = typeof head === 'string' ? ENTITY[head] : undefined;
  if (entity && typeof index === 'number') {
    const list = (data as Record<string, unknown> | null)?.[head as string];
    const item = Array.isArray(list) ? (list[index] as Record<string, unknown> | undefined) : undefined;
    const code = plainKey(item?.[entity.key]);
    if (code) {
      vi.push(`${entity.vi} ${code}`);
      en.push(`${entity.en} ${code}`);
    } else {
      vi.push(`${entity.vi} thứ ${index + 1} (chưa có mã đọc được)`);
      en.push(`${entity.en} #${index + 1} (no readable code)`);
    }
    rest = path.slice(2);
  } else if (entity && index === undefined) {
    vi.push(`trường “${String(head)}”`);
    en.push(`field "${String(head)}"`);
    rest = [];
  }
  const fields: string[] = [];
  const flush = (): void => {
    if (fields.length === 0) return;
    vi.push(`trường “${fields.join('.')}”`);
    en.push(`field "${fields.join('.')}"`);
    fields.length = 0;
  };
  for (let i = 0; i < rest.length; i++) {
    const p = rest[i];
    const next = rest[i + 1];
    const item = typeof p === 'string' ? ITEM[p] : undefined;
    if (item && typeof next === 'number') {
      flush();
      vi.push(`${item.vi} ${next + 1}`);
      en.push(`${item.en} ${next + 1}`);
      i++;
    } else if (typeof p === 'number') {
      flush();
      vi.push(`mục ${p + 1}`);
      en.push(`item ${p + 1}`);
    } else fields.push(String(p));
  }
  flush();
  return vi.length === 0 ? words('cả tệp', 'the whole file') : words(vi.join(', '), en.join(', '));
}
