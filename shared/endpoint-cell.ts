// A room's endpoint targets as a technician types them in one spreadsheet cell (docs/IMPORT.md, [IM1]):
// `sip:10.38.12.5`, `sip+tcp:HOST[:PORT]`, `sip+tls:HOST[:PORT]`, `tcp:HOST:PORT`, `https://…#200`,
// several separated by line breaks or commas. Shared by the importer, the exporter and the dashboard.
// Every expression below is anchored and bounded per position, so a cell costs linear time.
import { isIPv6, hostProblemWords } from './host';
import { Target } from './schemas';
import { targetId, targetLabel } from './targets';
import { words, type Words } from './words';

/** A point holds at most 8 targets, one of them its line. */
export const MAX_CELL_ENDPOINTS = 7;
const MAX_URL_LENGTH = 2048;

type SipTarget = Extract<Target, { kind: 'sip' }>;
type TcpTarget = Extract<Target, { kind: 'tcp' }>;
type HttpTarget = Extract<Target, { kind: 'http' }>;
export type CellTarget = SipTarget | TcpTarget | HttpTarget;

/** An entry quoted in a message: control characters made visible, cut to a readable length. */
export function shownEntry(value: string): string {
  // eslint-disable-next-line no-control-regex
  const visible = value.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return visible.length > 60 ? `${visible.slice(0, 57)}…` : visible;
}

// A comma inside a web address stays part of it unless a space, the line's end or one of these forms follows it.
const CELL_SCHEME = /^(?:sips?|sip\+(?:udp|tcp|tls)|tcp|https?):/i;
const HTTP_START = /^https?:\/\//i;

/** The cell's entries, trimmed, empty ones dropped. */
export function cellEntries(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    let current: string | null = null;
    let inUrl = false;
    const frags = line.split(',');
    for (let i = 0; i < frags.length; i++) {
      const frag = frags[i] ?? '';
      const atEnd = frag === '' && i === frags.length - 1;
      if (current !== null && inUrl && !atEnd && !/^\s/.test(frag) && !CELL_SCHEME.test(frag)) {
        current += `,${frag}`;
        continue;
      }
      if (current !== null) out.push(current);
      current = frag;
      inUrl = HTTP_START.test(frag.trimStart());
    }
    if (current !== null) out.push(current);
  }
  return out.map((e) => e.trim()).filter((e) => e !== '');
}

const bad = (entry: string, why: Words): { error: Words } => ({
  error: words(`“${shownEntry(entry)}” không hợp lệ: ${why.vi}`, `"${shownEntry(entry)}" cannot be used: ${why.en}`),
});

const FORMS = words(
  'ghi sip:ĐỊA_CHỈ, sip+tcp:ĐỊA_CHỈ, sip+tls:ĐỊA_CHỈ, tcp:ĐỊA_CHỈ:CỔNG hoặc http(s)://…',
  'write sip:HOST, sip+tcp:HOST, sip+tls:HOST, tcp:HOST:PORT or http(s)://…',
);

/** `HOST`, `HOST:PORT`, `[V6]` or `[V6]:PORT` (the part after the scheme). */
function hostAndPort(rest: string): { host: string; port?: number } | { why: Words } {
  if (rest.includes('@')) {
    return {
      why: words(
        'chỉ ghi địa chỉ của thiết bị, không ghi tên người dùng trước “@”',
        'write the device\'s address only, no user name before "@"',
      ),
    };
  }
  if (/[;?]/.test(rest)) {
    return {
      why: words(
        'không ghi tham số “;…” hay “?…”: chọn giao thức bằng sip+tcp: hoặc sip+tls:',
        'no ";…" or "?…" parameters: choose the transport with sip+tcp: or sip+tls:',
      ),
    };
  }
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    const after = close < 0 ? '' : rest.slice(close + 1);
    host = close < 0 ? '' : rest.slice(1, close);
    if (close < 0 || !isIPv6(host) || (after !== '' && !after.startsWith(':'))) {
      return {
        why: words(
          'trong ngoặc vuông chỉ ghi địa chỉ IPv6, ví dụ [2001:db8::1]:5060',
          'only an IPv6 address goes in brackets, e.g. [2001:db8::1]:5060',
        ),
      };
    }
    if (after !== '') portText = after.slice(1);
  } else {
    const parts = rest.split(':');
    if (parts.length > 2) {
      return {
        why: words(
          'địa chỉ IPv6 phải đặt trong ngoặc vuông, ví dụ [2001:db8::1]:5060',
          'put an IPv6 address in brackets, e.g. [2001:db8::1]:5060',
        ),
      };
    }
    host = parts[0] ?? '';
    portText = parts[1];
  }
  const problem = hostProblemWords(host);
  if (problem) return { why: problem };
  if (portText === undefined) return { host };
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    return {
      why: words(
        `cổng “${shownEntry(portText)}” phải là số từ 1 đến 65535`,
        `port "${shownEntry(portText)}" must be a number from 1 to 65535`,
      ),
    };
  }
  return { host, port };
}

const SIP_SCHEMES: Record<string, SipTarget['transport']> = {
  sip: 'udp',
  'sip+udp': 'udp',
  'sip+tcp': 'tcp',
  'sip+tls': 'tls',
  sips: 'tls',
};

/** One entry of an endpoint cell (role `endpoint`), or why it cannot be one. */
export function parseEndpointEntry(entry: string): { target: CellTarget } | { error: Words } {
  if (HTTP_START.test(entry)) return parseHttp(entry);
  const colon = entry.indexOf(':');
  const scheme = colon < 0 ? '' : entry.slice(0, colon).toLowerCase();
  const rest = entry.slice(colon + 1).trim();
  const transport = SIP_SCHEMES[scheme];
  if (transport !== undefined || scheme === 'tcp') {
    const hp = hostAndPort(rest);
    if ('why' in hp) return bad(entry, hp.why);
    if (transport !== undefined) {
      const target: SipTarget = { kind: 'sip', host: hp.host, transport, role: 'endpoint' };
      if (hp.port !== undefined) target.port = hp.port;
      return { target };
    }
    if (hp.port === undefined) {
      return bad(
        entry,
        words(
          'tcp: cần cổng, ví dụ tcp:10.38.12.5:1720 (H.323)',
          'tcp: needs a port, e.g. tcp:10.38.12.5:1720 (H.323)',
        ),
      );
    }
    return { target: { kind: 'tcp', host: hp.host, port: hp.port, role: 'endpoint' } };
  }
  if (scheme === 'videoos' || scheme === 'roomos') {
    return bad(
      entry,
      words(
        'API của thiết bị Poly/Cisco (có thông tin đăng nhập) khai báo trong tệp cấu hình hoặc màn hình quản trị, không ghi trong bảng tính',
        'a Poly/Cisco codec API (it carries credentials) is set in the config file or the admin screen, not in a sheet',
      ),
    );
  }
  return bad(entry, words(`chưa rõ là loại gì: ${FORMS.vi}`, `say what it is: ${FORMS.en}`));
}

function parseHttp(entry: string): { target: HttpTarget } | { error: Words } {
  const schemeEnd = entry.indexOf('://');
  let url = entry.slice(0, schemeEnd).toLowerCase() + entry.slice(schemeEnd);
  let expect: number | undefined;
  // A fragment is never sent to a server: a trailing `#` and digits is the status that means "up".
  const status = /#(\d+)$/.exec(url);
  if (status) {
    const digits = status[1] ?? '';
    expect = digits.length === 3 ? Number(digits) : NaN;
    if (!(expect >= 100 && expect <= 599)) {
      return bad(
        entry,
        words(
          `mã trạng thái mong đợi “#${shownEntry(digits)}” phải từ 100 đến 599, ví dụ #200`,
          `the expected status "#${shownEntry(digits)}" must be from 100 to 599, e.g. #200`,
        ),
      );
    }
    url = url.slice(0, status.index);
  }
  if (url.length > MAX_URL_LENGTH) {
    return bad(entry, words(`dài quá ${MAX_URL_LENGTH} ký tự`, `longer than ${MAX_URL_LENGTH} characters`));
  }
  if (/\s/.test(url)) {
    return bad(
      entry,
      words(
        'địa chỉ web không có dấu cách (mỗi mục một dòng hoặc cách nhau bằng dấu phẩy)',
        'a web address has no spaces (one entry per line, or separate them with commas)',
      ),
    );
  }
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (!parsed || parsed.hostname === '') {
    return bad(entry, words('không đọc được địa chỉ web', 'not a readable web address'));
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return bad(
      entry,
      words(
        'không ghi tên đăng nhập hay mật khẩu trong địa chỉ web (bảng tính được xuất ra và chia sẻ)',
        'no user name or password in the address (sheets are exported and shared)',
      ),
    );
  }
  const target: HttpTarget = { kind: 'http', url, role: 'endpoint' };
  if (expect !== undefined) target.expect = expect;
  // The schema is the last word: what it refuses, the inventory would refuse.
  const checked = Target.safeParse(target);
  if (!checked.success) return bad(entry, words('không đọc được địa chỉ web', 'not a readable web address'));
  return { target };
}

/**
 * The endpoint targets a cell names, or the first thing wrong with it, naming the entry. An empty cell
 * is no endpoint. The same target written twice (`sip:h` and `sip:h:5060`) is refused.
 */
export function parseEndpointCell(text: string): { targets: CellTarget[] } | { error: Words } {
  const entries = cellEntries(text);
  if (entries.length > MAX_CELL_ENDPOINTS) {
    return {
      error: words(
        `${entries.length} mục, tối đa ${MAX_CELL_ENDPOINTS} (một điểm cầu có tối đa 8 đối tượng đo)`,
        `${entries.length} entries, at most ${MAX_CELL_ENDPOINTS} (a point has at most 8 probe targets)`,
      ),
    };
  }
  const targets: CellTarget[] = [];
  const seen = new Map<string, string>();
  for (const entry of entries) {
    const r = parseEndpointEntry(entry);
    if ('error' in r) return r;
    const id = targetId(r.target);
    const first = seen.get(id);
    if (first !== undefined) {
      const label = targetLabel(r.target);
      return {
        error: words(
          `“${shownEntry(entry)}” trùng với “${shownEntry(first)}” (cùng là ${label})`,
          `"${shownEntry(entry)}" repeats "${shownEntry(first)}" (both are ${label})`,
        ),
      };
    }
    seen.set(id, entry);
    targets.push(r.target);
  }
  return { targets };
}

const hostPort = (host: string, port: number | undefined): string => {
  const h = host.includes(':') ? `[${host}]` : host;
  return port === undefined ? h : `${h}:${port}`;
};

const SIP_PREFIX: Record<SipTarget['transport'], string> = { udp: 'sip', tcp: 'sip+tcp', tls: 'sip+tls' };

/** One target as the cell writes it: the port only when the target has one, so it reads back the same. */
export function formatEndpointEntry(t: CellTarget): string {
  switch (t.kind) {
    case 'sip':
      return `${SIP_PREFIX[t.transport]}:${hostPort(t.host, t.port)}`;
    case 'tcp':
      return `tcp:${hostPort(t.host, t.port)}`;
    case 'http': {
      // A comma the reader would take for a separator is written %2C.
      const url = t.url.replace(/,(?=$|(?:sips?|sip\+(?:udp|tcp|tls)|tcp|https?):)/gi, '%2C');
      return t.expect === undefined ? url : `${url}#${t.expect}`;
    }
  }
}

/** A line (the host and backup columns): a host, probed by ICMP, or `tcp:HOST:PORT` where ICMP is filtered. */
export function parseLineEntry(
  entry: string,
  role: 'primary' | 'backup',
): { target: Extract<Target, { kind: 'icmp' | 'tcp' }> } | { error: Words } {
  if (/^tcp:/i.test(entry)) {
    const r = parseEndpointEntry(entry);
    if ('error' in r) return r;
    // `tcp:` always parses to a TCP target; the kind check only narrows the type.
    if (r.target.kind === 'tcp') return { target: { ...r.target, role } };
  }
  if (HTTP_START.test(entry) || /^(?:sips?|sip\+\w+|videoos|roomos):/i.test(entry)) {
    return bad(
      entry,
      words(
        'cột này ghi địa chỉ IP của đường truyền (hoặc tcp:ĐỊA_CHỈ:CỔNG); SIP và địa chỉ web ghi ở cột Thiết bị đầu cuối',
        "this column takes the line's address (or tcp:HOST:PORT); SIP and web addresses go in the Endpoint column",
      ),
    );
  }
  const problem = hostProblemWords(entry);
  return problem ? bad(entry, problem) : { target: { kind: 'icmp', host: entry, role } };
}

/** A line as its column writes it: the host, or `tcp:HOST:PORT`. */
export function formatLineEntry(t: Target): string {
  if (t.kind === 'tcp') return formatEndpointEntry(t);
  return t.kind === 'icmp' ? t.host : '';
}

const inCell = (t: Target): t is CellTarget =>
  t.role === 'endpoint' && (t.kind === 'sip' || t.kind === 'tcp' || t.kind === 'http');

/**
 * The endpoint cell of a point's targets, one per line: its SIP, TCP and HTTP endpoints. Lines (ICMP,
 * TCP primary/backup) have their own columns; codec APIs (videoos, roomos) never go in a sheet.
 */
export function formatEndpointCell(targets: readonly Target[]): string {
  return targets.filter(inCell).map(formatEndpointEntry).join('\n');
}
