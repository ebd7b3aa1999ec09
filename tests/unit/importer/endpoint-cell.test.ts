// The endpoint cell (shared/endpoint-cell.ts): every form, every refusal, and format → parse giving the
// same targets back.
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cellEntries,
  formatEndpointCell,
  formatLineEntry,
  parseEndpointCell,
  parseLineEntry,
  type CellTarget,
} from '../../../shared/endpoint-cell';
import { Target } from '../../../shared/schemas';
import { targetId } from '../../../shared/targets';
import type { Words } from '../../../shared/words';

function targets(text: string): CellTarget[] {
  const r = parseEndpointCell(text);
  if ('error' in r) throw new Error(`refused: ${r.error.en}`);
  return r.targets;
}

function refusal(text: string): Words {
  const r = parseEndpointCell(text);
  if (!('error' in r)) throw new Error(`accepted: ${JSON.stringify(r.targets)}`);
  return r.error;
}

describe('[IM1] endpoint cell forms', () => {
  it.each([
    ['sip:10.38.12.5', { kind: 'sip', host: '10.38.12.5', transport: 'udp', role: 'endpoint' }],
    ['sip:10.38.12.5:5070', { kind: 'sip', host: '10.38.12.5', port: 5070, transport: 'udp', role: 'endpoint' }],
    ['SIP:codec-1.hatinh.gov.vn', { kind: 'sip', host: 'codec-1.hatinh.gov.vn', transport: 'udp', role: 'endpoint' }],
    ['sip+udp:10.0.0.1:5060', { kind: 'sip', host: '10.0.0.1', port: 5060, transport: 'udp', role: 'endpoint' }],
    ['sip+tcp:10.0.0.1', { kind: 'sip', host: '10.0.0.1', transport: 'tcp', role: 'endpoint' }],
    ['sip+tls:10.0.0.1', { kind: 'sip', host: '10.0.0.1', transport: 'tls', role: 'endpoint' }],
    ['sips:10.0.0.1:5071', { kind: 'sip', host: '10.0.0.1', port: 5071, transport: 'tls', role: 'endpoint' }],
    ['sip:[2001:db8::1]:5060', { kind: 'sip', host: '2001:db8::1', port: 5060, transport: 'udp', role: 'endpoint' }],
    ['sip+tcp:[2001:db8::1]', { kind: 'sip', host: '2001:db8::1', transport: 'tcp', role: 'endpoint' }],
    ['tcp:10.38.12.5:1720', { kind: 'tcp', host: '10.38.12.5', port: 1720, role: 'endpoint' }],
    ['tcp:[2001:db8::1]:1720', { kind: 'tcp', host: '2001:db8::1', port: 1720, role: 'endpoint' }],
    ['https://mcu.hatinh.gov.vn/health', { kind: 'http', url: 'https://mcu.hatinh.gov.vn/health', role: 'endpoint' }],
    [
      'https://mcu.hatinh.gov.vn/health#200',
      { kind: 'http', url: 'https://mcu.hatinh.gov.vn/health', expect: 200, role: 'endpoint' },
    ],
    [
      'HTTP://[2001:db8::1]:8080/#204',
      { kind: 'http', url: 'http://[2001:db8::1]:8080/', expect: 204, role: 'endpoint' },
    ],
    ['https://x.vn/p?ids=1,2', { kind: 'http', url: 'https://x.vn/p?ids=1,2', role: 'endpoint' }],
    ['https://x.vn/#top', { kind: 'http', url: 'https://x.vn/#top', role: 'endpoint' }],
  ] as const)('reads “%s”', (text, target) => {
    expect(targets(text)).toEqual([target]);
    // What the cell gives, the inventory's schema takes as it is.
    expect(Target.parse(target)).toEqual(target);
  });

  it('takes several entries on lines or after commas, any blank ones left out', () => {
    expect(targets(' sip:10.0.0.1 ,\r\ntcp:10.0.0.1:1720\n\n, https://a.vn/x,y, sip+tls:10.0.0.2\r')).toEqual([
      { kind: 'sip', host: '10.0.0.1', transport: 'udp', role: 'endpoint' },
      { kind: 'tcp', host: '10.0.0.1', port: 1720, role: 'endpoint' },
      { kind: 'http', url: 'https://a.vn/x,y', role: 'endpoint' },
      { kind: 'sip', host: '10.0.0.2', transport: 'tls', role: 'endpoint' },
    ]);
    expect(targets('')).toEqual([]);
    expect(targets(' \n , ')).toEqual([]);
  });

  it('ends a web address at a comma followed by a space or another form', () => {
    expect(cellEntries('https://a.vn/x,sip:10.0.0.1,https://b.vn,tcp:1.2.3.4:1')).toEqual([
      'https://a.vn/x',
      'sip:10.0.0.1',
      'https://b.vn',
      'tcp:1.2.3.4:1',
    ]);
    expect(cellEntries('https://a.vn/x, 10.0.0.1')).toEqual(['https://a.vn/x', '10.0.0.1']);
    expect(cellEntries('https://a.vn/x,,y,')).toEqual(['https://a.vn/x,,y']);
  });

  it('writes one entry per line, the port only when the target has one, lines and codecs left out', () => {
    const cell = formatEndpointCell([
      { kind: 'icmp', host: '10.0.0.1', role: 'primary' },
      { kind: 'sip', host: '10.0.0.1', transport: 'udp', role: 'endpoint' },
      { kind: 'sip', host: '2001:db8::1', port: 5060, transport: 'tcp', role: 'endpoint' },
      { kind: 'tcp', host: '10.0.0.1', port: 443, role: 'backup' },
      { kind: 'tcp', host: '10.0.0.1', port: 1720, role: 'endpoint' },
      { kind: 'http', url: 'https://a.vn/x', expect: 200, role: 'endpoint' },
      {
        kind: 'videoos',
        host: '10.0.0.1',
        user: 'admin',
        password: { env: 'POLY' },
        verifyTls: false,
        role: 'endpoint',
      },
    ]);
    expect(cell).toBe('sip:10.0.0.1\nsip+tcp:[2001:db8::1]:5060\ntcp:10.0.0.1:1720\nhttps://a.vn/x#200');
  });

  it('writes a comma the reader would split at as %2C', () => {
    const cell = formatEndpointCell([{ kind: 'http', url: 'https://a.vn/q?x=1,sip:2,', role: 'endpoint' }]);
    expect(cell).toBe('https://a.vn/q?x=1%2Csip:2%2C');
    expect(targets(cell)).toEqual([{ kind: 'http', url: 'https://a.vn/q?x=1%2Csip:2%2C', role: 'endpoint' }]);
  });
});

describe('[IM2] refused entries, named with the reason', () => {
  it.each([
    ['10.38.12.5', 'chưa rõ là loại gì', 'say what it is'],
    ['h323:10.0.0.1', 'chưa rõ là loại gì', 'say what it is'],
    ['icmp:10.0.0.1', 'chưa rõ là loại gì', 'say what it is'],
    ['sip:', 'địa chỉ để trống', 'host is empty'],
    ['sip:10.0.0.256', 'địa chỉ phải là địa chỉ IP', 'IPv4/IPv6 literal or a DNS name'],
    ['sip:-f', 'không được bắt đầu bằng “-”', 'must not begin with "-"'],
    ['sip:$(reboot)', 'địa chỉ phải là địa chỉ IP', 'IPv4/IPv6 literal'],
    ['sip:2001:db8::1', 'phải đặt trong ngoặc vuông', 'put an IPv6 address in brackets'],
    ['sip:[10.0.0.1]:5060', 'trong ngoặc vuông chỉ ghi địa chỉ IPv6', 'only an IPv6 address goes in brackets'],
    ['sip:[2001:db8::1', 'trong ngoặc vuông chỉ ghi địa chỉ IPv6', 'only an IPv6 address goes in brackets'],
    ['sip:[2001:db8::1]5060', 'trong ngoặc vuông chỉ ghi địa chỉ IPv6', 'only an IPv6 address goes in brackets'],
    ['sip:10.0.0.1:0', 'cổng “0” phải là số từ 1 đến 65535', 'port "0" must be a number from 1 to 65535'],
    ['sip:10.0.0.1:65536', 'cổng “65536”', 'port "65536"'],
    ['sip:10.0.0.1:', 'cổng “”', 'port ""'],
    ['sip:10.0.0.1:50x', 'cổng “50x”', 'port "50x"'],
    ['sip:1001@10.0.0.1', 'không ghi tên người dùng', 'no user name before "@"'],
    ['sip:10.0.0.1;transport=tcp', 'sip+tcp: hoặc sip+tls:', 'sip+tcp: or sip+tls:'],
    ['tcp:10.0.0.1', 'tcp: cần cổng', 'tcp: needs a port'],
    ['tcp:10.0.0.1:99999', 'cổng “99999”', 'port "99999"'],
    ['https://a.vn/#99', '“#99” phải từ 100 đến 599', '"#99" must be from 100 to 599'],
    ['https://a.vn/#600', '“#600”', '"#600"'],
    ['https://a.vn/#2000', '“#2000”', '"#2000"'],
    ['https://', 'không đọc được địa chỉ web', 'not a readable web address'],
    ['https://a.vn/x y', 'không có dấu cách', 'has no spaces'],
    ['https://admin:secret@a.vn/', 'không ghi tên đăng nhập hay mật khẩu', 'no user name or password'],
    ['videoos:10.0.0.5', 'không ghi trong bảng tính', 'not in a sheet'],
    ['roomos:10.0.0.5', 'màn hình quản trị', 'admin screen'],
  ])('“%s”', (text, vi, en) => {
    const e = refusal(text);
    expect(e.vi).toContain(`“${text}” không hợp lệ: `);
    expect(e.vi).toContain(vi);
    expect(e.en).toContain(`"${text}" cannot be used: `);
    expect(e.en).toContain(en);
  });

  it('refuses a web address over 2048 characters, quoting its start', () => {
    const e = refusal(`https://a.vn/${'x'.repeat(2100)}`);
    expect(e.vi).toBe(`“https://a.vn/${'x'.repeat(44)}…” không hợp lệ: dài quá 2048 ký tự`);
    expect(e.en).toBe(`"https://a.vn/${'x'.repeat(44)}…" cannot be used: longer than 2048 characters`);
  });

  it('names the bad entry among good ones, control characters made visible', () => {
    expect(refusal('sip:10.0.0.1\nsip:10.0.0.\u0007').vi).toMatch(/^“sip:10\.0\.0\.\\x07” không hợp lệ/);
  });

  it('refuses one target written twice, naming both entries and the target', () => {
    expect(refusal('sip:10.0.0.1\nSIP:10.0.0.1:5060')).toEqual({
      vi: '“SIP:10.0.0.1:5060” trùng với “sip:10.0.0.1” (cùng là SIP/UDP 10.0.0.1:5060)',
      en: '"SIP:10.0.0.1:5060" repeats "sip:10.0.0.1" (both are SIP/UDP 10.0.0.1:5060)',
    });
    expect(refusal('sip+tls:h.vn, sips:H.vn:5061').en).toContain('both are SIP/TLS');
    // Other transports or ports are other targets.
    expect(targets('sip:h.vn, sip+tcp:h.vn, sip:h.vn:5070, tcp:h.vn:5060')).toHaveLength(4);
  });

  it('refuses more than 7 entries', () => {
    const cell = Array.from({ length: 8 }, (_, i) => `sip:10.0.0.${i + 1}`).join('\n');
    expect(refusal(cell)).toEqual({
      vi: '8 mục, tối đa 7 (một điểm cầu có tối đa 8 đối tượng đo)',
      en: '8 entries, at most 7 (a point has at most 8 probe targets)',
    });
  });
});

describe('[IM1] line entries (host and backup columns)', () => {
  it('reads a host as ICMP and tcp:HOST:PORT as a TCP line, and writes them back', () => {
    expect(parseLineEntry('10.0.0.1', 'primary')).toEqual({
      target: { kind: 'icmp', host: '10.0.0.1', role: 'primary' },
    });
    const tcp = parseLineEntry('TCP:[2001:db8::2]:443', 'backup');
    expect(tcp).toEqual({ target: { kind: 'tcp', host: '2001:db8::2', port: 443, role: 'backup' } });
    expect(formatLineEntry({ kind: 'tcp', host: '2001:db8::2', port: 443, role: 'backup' })).toBe(
      'tcp:[2001:db8::2]:443',
    );
    expect(formatLineEntry({ kind: 'icmp', host: 'Room-1.local', role: 'primary' })).toBe('Room-1.local');
  });

  it('[IM2] sends SIP and web addresses to the endpoint column, and refuses bad hosts with the old words', () => {
    for (const entry of ['sip:10.0.0.1', 'https://a.vn', 'sip+tcp:10.0.0.1', 'roomos:10.0.0.1']) {
      const r = parseLineEntry(entry, 'primary');
      expect('error' in r && r.error.en).toContain('go in the Endpoint column');
    }
    expect(parseLineEntry('-f', 'backup')).toEqual({
      error: {
        vi: '“-f” không hợp lệ: địa chỉ không được bắt đầu bằng “-”',
        en: '"-f" cannot be used: host must not begin with "-"',
      },
    });
    expect('error' in parseLineEntry('tcp:10.0.0.1', 'primary')).toBe(true);
  });
});

// ── Round trip ───────────────────────────────────────────────────────────────────────────────────

const host = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.domain().filter((d) => d.length <= 253 && !/^[\d.]+$/.test(d)),
);
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });
const urlText = fc
  .tuple(
    fc.constantFrom('http', 'https'),
    fc.oneof(
      fc.domain(),
      fc.ipV4(),
      fc.ipV6().map((h) => `[${h}]`),
    ),
    fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    fc.array(fc.constantFrom('a', 'Z', '0', '-', '_', '.', '~', '%20', ',', ';', '=', '&', '?', '/', ':', '@', '#x'), {
      maxLength: 20,
    }),
  )
  .map(([s, h, p, path]) => `${s}://${h}${p === undefined ? '' : `:${p}`}/${path.join('')}`)
  // A URL that ends in its own "#digits", or holds a comma the reader splits at, is the documented exception.
  .filter((u) => URL.canParse(u) && !/#\d+$/.test(u) && !/,(?:$|(?:sips?|sip\+\w+|tcp|https?):)/i.test(u));

const cellTarget: fc.Arbitrary<CellTarget> = fc.oneof(
  fc
    .record({ host, port, transport: fc.constantFrom('udp', 'tcp', 'tls' as const) })
    .map(({ host: h, port: p, transport }): CellTarget => ({
      kind: 'sip',
      host: h,
      transport,
      role: 'endpoint',
      ...(p !== undefined && { port: p }),
    })),
  fc
    .record({ host, port: fc.integer({ min: 1, max: 65535 }) })
    .map(({ host: h, port: p }): CellTarget => ({ kind: 'tcp', host: h, port: p, role: 'endpoint' })),
  fc
    .record({ url: urlText, expect: fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }) })
    .map(({ url, expect: e }): CellTarget => ({
      kind: 'http',
      url,
      role: 'endpoint',
      ...(e !== undefined && { expect: e }),
    })),
);

describe('[IM1] format → parse', () => {
  it('gives the same targets back', () => {
    fc.assert(
      fc.property(fc.uniqueArray(cellTarget, { maxLength: 7, selector: (t) => targetId(t) }), (list) => {
        // Only what the schema takes can be stored, so only that is exported.
        for (const t of list) expect(Target.safeParse(t).success).toBe(true);
        expect(parseEndpointCell(formatEndpointCell(list))).toEqual({ targets: list });
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on arbitrary text, and answers targets or words', () => {
    const alphabet = fc.constantFrom(...'sip+tcl:hpt/[]1.0a@;#,\n -x5'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 80 }), (text) => {
        const r = parseEndpointCell(text);
        const worded = 'error' in r && /\S/.test(r.error.vi) && /\S/.test(r.error.en);
        const stored = 'targets' in r && r.targets.every((t) => Target.safeParse(t).success);
        expect(worded || stored).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
