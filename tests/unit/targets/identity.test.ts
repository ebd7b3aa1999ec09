// A target's identity and the inventory's rules on it (docs/TARGETS.md TG1): the same address may carry
// an ICMP line and a SIP endpoint; one identity belongs to one point, once; credentials go by reference.
import { describe, expect, it } from 'vitest';
import { inventoryIssues } from '../../../server/inventory/validate';
import { Point } from '../../../shared/schemas';
import { targetId, targetLabel, targetWords, toWireTarget } from '../../../shared/targets';

const unit = { id: 'X', name: 'Xã Cẩm Bình', level: 'commune' as const, parent: null };
const point = (code: string, targets: unknown[]) =>
  Point.parse({ code, name: `Điểm cầu ${code}`, level: 'commune', unit: 'X', targets });

describe('[TG1] target identity', () => {
  it('[TG1] kind + host + port (+ transport / URL), names lower-cased, IPv6 in brackets beside a port', () => {
    expect(targetId({ kind: 'icmp', host: 'Room-1.Example' })).toBe('icmp:room-1.example');
    expect(targetId({ kind: 'tcp', host: '10.0.0.1', port: 1720 })).toBe('tcp:10.0.0.1:1720');
    expect(targetId({ kind: 'sip', host: '10.0.0.1' })).toBe('sip:udp:10.0.0.1:5060');
    expect(targetId({ kind: 'sip', host: '10.0.0.1', transport: 'tls' })).toBe('sip:tls:10.0.0.1:5061');
    expect(targetId({ kind: 'sip', host: '2001:db8::1', port: 5070, transport: 'tcp' })).toBe(
      'sip:tcp:[2001:db8::1]:5070',
    );
    expect(targetId({ kind: 'http', url: 'https://mcu.tinh/health' })).toBe('http:https://mcu.tinh/health');
    expect(targetId({ kind: 'videoos', host: '10.0.0.5' })).toBe('videoos:10.0.0.5:443');
    expect(targetId({ kind: 'icmp', host: '10.0.0.1', agent: 'quang-tri' })).toBe('icmp:10.0.0.1@quang-tri');
    expect(targetLabel({ kind: 'sip', host: '10.0.0.1' })).toBe('SIP/UDP 10.0.0.1:5060');
    expect(targetWords({ kind: 'icmp', host: '10.0.0.1' }).vi).toBe('địa chỉ 10.0.0.1');
  });

  it('[TG1] the dashboards get no credential, not even its reference', () => {
    const [, codec] = point('C1', [
      { kind: 'icmp', host: '10.0.0.1' },
      { kind: 'roomos', host: '10.0.0.2', user: 'admin', password: { file: '/etc/diemcau/secrets.yaml', key: 'c1' } },
    ]).targets;
    expect(toWireTarget(codec!)).toEqual({
      kind: 'roomos',
      host: '10.0.0.2',
      role: 'endpoint',
      id: 'roomos:10.0.0.2:443',
      label: 'Cisco 10.0.0.2:443',
    });
  });

  it('[TG1] an ICMP line and a SIP endpoint on one address are fine; the same endpoint on two points is not', () => {
    const a = point('A', [
      { kind: 'icmp', host: '10.0.0.1' },
      { kind: 'sip', host: '10.0.0.1' },
    ]);
    expect(inventoryIssues({ units: [unit], points: [a], meetings: [] })).toEqual([]);
    const b = point('B', [
      { kind: 'icmp', host: '10.0.0.2' },
      { kind: 'sip', host: '10.0.0.1', port: 5060 },
    ]);
    const issues = inventoryIssues({ units: [unit], points: [a, b], meetings: [] });
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ['points[1].targets[1].host', 'SIP/UDP 10.0.0.1:5060 đã thuộc điểm cầu A'],
    ]);
    const twice = point('C', [
      { kind: 'icmp', host: '10.0.0.3' },
      { kind: 'http', url: 'https://meet.tinh/' },
      { kind: 'http', url: 'https://meet.tinh/' },
    ]);
    expect(inventoryIssues({ units: [unit], points: [twice], meetings: [] })[0]).toMatchObject({
      path: 'points[0].targets[2].url',
      message: 'HTTP https://meet.tinh/ ghi hai lần',
    });
  });

  it('[TG1] refuses a second codec, a password in a URL, and a bad environment variable name, in both languages', () => {
    const two = Point.safeParse({
      code: 'C',
      name: 'C',
      level: 'commune',
      unit: 'X',
      targets: [
        { kind: 'icmp', host: '10.0.0.1' },
        { kind: 'videoos', host: '10.0.0.2', user: 'a', password: { env: 'A' } },
        { kind: 'roomos', host: '10.0.0.3', user: 'a', password: { env: 'B' } },
      ],
    });
    expect(two.success).toBe(false);
    expect(two.error!.issues[0]!.message).toMatch(/chỉ khai báo một thiết bị đầu cuối/);
    const url = Point.safeParse({
      code: 'C',
      name: 'C',
      level: 'commune',
      unit: 'X',
      targets: [
        { kind: 'icmp', host: '10.0.0.1' },
        { kind: 'http', url: 'https://admin:bi-mat@mcu.tinh/' },
      ],
    });
    expect(url.error!.issues[0]).toMatchObject({
      message: 'không ghi tên đăng nhập hay mật khẩu trong địa chỉ web',
      params: { en: 'no user name or password in the URL' },
    });
    const env = Point.safeParse({
      code: 'C',
      name: 'C',
      level: 'commune',
      unit: 'X',
      targets: [
        { kind: 'icmp', host: '10.0.0.1' },
        { kind: 'videoos', host: '10.0.0.2', user: 'a', password: { env: '1POLY' } },
      ],
    });
    expect(JSON.stringify(env.error!.issues)).toMatch(/environment variable name/);
  });
});
