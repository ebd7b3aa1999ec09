import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostProblem, isDnsName, isIPv4, isIPv6, isValidHost } from '../../../shared/host';

// Hosts become arguments or stdin lines of fping/ping processes: anything that could be read as an
// option, a second host, a shell word or a disguised address must be refused.
const INJECTIONS = [
  '-f',
  '-c',
  '--',
  '-',
  '-c9',
  '--file=/etc/passwd',
  '127.0.0.1 -c 9',
  '127.0.0.1\t-c9',
  '$(x)',
  '$(reboot).vn',
  '`id`',
  ';rm',
  ';rm -rf /',
  'a;rm',
  'a&&b',
  'a|b',
  'a>b',
  '127.0.0.1\n-c 9',
  '127.0.0.1\n',
  '\n127.0.0.1',
  '127.0.0.1\r\n198.18.0.1',
  'a\0b',
  '127.0.0.1\0',
  '\0',
  '',
  ' ',
  ' 127.0.0.1',
  '127.0.0.1 ',
  '#127.0.0.1',
  '*',
  '127.0.0.1/24',
  'http://vt.example.vn',
  'vt.example.vn:5060',
  '[::1]',
  'fe80::1%eth0',
  'a_b.vn',
  'điểmcầu.vn',
  'а.vn', // Cyrillic a
  'a..b',
  '.a',
  '..',
  '.',
  '-a.vn',
  'a-.vn',
  'a.-b.vn',
];

const NOT_ADDRESSES = [
  '256.1.1.1',
  '1.2.3',
  '1.2.3.4.5',
  '01.2.3.4',
  '127.1',
  '2130706433',
  // glibc's inet_aton reads these as 127.0.0.1: letting them through would disguise an address.
  '0x7f.1',
  '0x7f.0.0.1',
  '0x7f000001',
  '0X7F.0x0.0.01',
  // Embedded IPv4 is only valid as the last 32 bits.
  '1.2.3.4::',
  '1.2.3.4::1',
  '1:2:3:4:5:6:7:8:9',
  '1::2::3',
  ':1:2:3:4:5:6:7',
  '12345::1',
  '::g',
];

const VALID = [
  '127.0.0.1',
  '0.0.0.0',
  '255.255.255.255',
  '198.18.0.2',
  '::1',
  '::',
  '2001:db8::1',
  'FE80::1',
  '::ffff:192.0.2.1',
  '64:ff9b::198.51.100.7',
  '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6::',
  'localhost',
  'a',
  'vt.example.vn',
  'hoinghi.langson.gov.vn.',
  'xn--im-cu-lta6f.vn',
  '0x7f.vn',
  '1.2.3.vn',
  'x1',
  `${'a'.repeat(63)}.vn`,
];

describe('shared/host.ts', () => {
  it.each(INJECTIONS.map((h) => [JSON.stringify(h), h]))('refuses injection %s', (_, host) => {
    expect(isValidHost(host)).toBe(false);
    expect(hostProblem(host)).toEqual(expect.any(String));
  });

  it.each(NOT_ADDRESSES.map((h) => [h]))('refuses malformed or disguised address %s', (host) => {
    expect(isValidHost(host)).toBe(false);
  });

  it.each(VALID.map((h) => [h]))('accepts %s', (host) => {
    expect(hostProblem(host)).toBeNull();
  });

  it('refuses over-long names and labels', () => {
    const label63 = 'a'.repeat(63);
    const name253 = [label63, label63, label63, 'a'.repeat(61)].join('.');
    expect(name253).toHaveLength(253);
    expect(isValidHost(name253)).toBe(true);
    expect(isValidHost(name253 + 'a')).toBe(false);
    expect(hostProblem('a'.repeat(10_000))).toMatch(/253/);
    expect(isValidHost(`${'a'.repeat(64)}.vn`)).toBe(false);
  });

  it('says why a leading dash is refused', () => {
    expect(hostProblem('-c')).toMatch(/"-"/);
  });

  it('accepts every generated IPv4, IPv6 and domain name', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain()), (h) => {
        expect(hostProblem(h)).toBeNull();
      }),
      { numRuns: 3000 },
    );
    fc.assert(fc.property(fc.ipV4(), (h) => isIPv4(h)));
    fc.assert(fc.property(fc.ipV6(), (h) => isIPv6(h)));
  });

  it('never accepts anything that could be an option, a second word or a shell token (fuzz)', () => {
    const tricky = fc.string({
      unit: fc.constantFrom(...'-.:0123456789abcfx$;&|`()\'" \t\n\r\0#/\\%[]*?~'.split('')),
      maxLength: 40,
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), tricky), (h) => {
        if (!isValidHost(h)) return;
        expect(h).toMatch(/^[A-Za-z0-9][A-Za-z0-9.:-]*$|^::[0-9A-Fa-f.:]*$/);
        expect(h.length).toBeLessThanOrEqual(253);
        expect(isIPv4(h) || isIPv6(h) || isDnsName(h)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});
