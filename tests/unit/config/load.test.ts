// The inventory file: every problem reported with file, line, path and reason; a file with any
// problem is refused whole.
import { describe, expect, it } from 'vitest';
import { loadInventoryFile, parseInventoryText } from '../../../server/config/load';
import { ValidationError } from '../../../server/errors';

function refusal(text: string): ValidationError {
  try {
    parseInventoryText(text, 'prov.yaml');
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected the file to be refused');
}

function issuesOf(text: string): string[] {
  try {
    parseInventoryText(text, 'prov.yaml');
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return err.message.split('\n');
  }
  throw new Error('expected the file to be refused');
}

const GOOD = `
units:
  - { id: P, name: Tỉnh Thử, level: province }
  - { id: D1, name: Huyện Một, level: district, parent: P }
points:
  - code: D1
    name: Điểm cầu huyện Một
    level: district
    unit: D1
    targets:
      - { kind: icmp, host: 127.0.0.2 }
`;

describe('inventory file', () => {
  it('reads the demo province kept in the repository', () => {
    const inv = loadInventoryFile('config/demo.yaml');
    expect(inv.points.length).toBeGreaterThanOrEqual(40);
    expect(inv.meetings).toHaveLength(1);
    expect(inv.units.find((u) => u.level === 'province')?.name).toBe('Tỉnh Hà Tĩnh');
  });

  it('applies defaults: parent null, role primary, no contacts', () => {
    const inv = parseInventoryText(GOOD, 'prov.yaml');
    expect(inv.units[0]!.parent).toBeNull();
    expect(inv.points[0]!.targets[0]!.role).toBe('primary');
    expect(inv.points[0]!.contacts).toEqual([]);
  });

  it('[WE1] names file, line:column, the point by its code and the field for a schema error', () => {
    const text = GOOD.replace('host: 127.0.0.2', 'host: "-f"');
    expect(issuesOf(text)).toEqual([
      'prov.yaml:11:29: điểm cầu D1, đường truyền 1, trường “host”: địa chỉ không được bắt đầu bằng “-”',
    ]);
  });

  it('[WE1] says the same in English when asked, never `points[0]`', () => {
    const text = GOOD.replace('host: 127.0.0.2', 'host: "-f"');
    const err = refusal(text);
    expect(err.messageIn('en')).toBe('prov.yaml:11:29: point D1, target 1, field "host": host must not begin with "-"');
    // The machine key a form matches its fields on stays the dotted path.
    expect(err.issues[0]!.path).toBe('points[0].targets[0].host');
  });

  it('[WE1] names a point without a readable code by its position, and a missing field as missing', () => {
    const text = GOOD.replace('  - code: D1\n', '  - code: "x y"\n').replace('    name: Điểm cầu huyện Một\n', '');
    const issues = issuesOf(text);
    expect(issues).toContain(
      'prov.yaml:6:5: điểm cầu thứ 1 (chưa có mã đọc được), trường “name”: thiếu, bắt buộc phải có',
    );
    expect(issues).toContain(
      'prov.yaml:6:11: điểm cầu thứ 1 (chưa có mã đọc được), trường “code”: mã chỉ gồm chữ không dấu, số, “.”, “_” và “-” (không có dấu cách)',
    );
    expect(issues.join('\n')).not.toMatch(/points\[|Invalid|expected|received/);
  });

  it('reports every problem at once, including unknown keys and bad levels', () => {
    const text = GOOD.replace('level: district, parent: P', 'level: county, parent: P').replace(
      'unit: D1',
      'unit: D1\n    colour: red',
    );
    const issues = issuesOf(text);
    expect(issues).toHaveLength(2);
    expect(issues[0]).toBe('prov.yaml:4:39: đơn vị D1, trường “level”: phải là một trong: province, district, commune');
    expect(issues[1]).toBe('prov.yaml:10:5: điểm cầu D1: trường không có trong mẫu: colour (viết sai tên hoặc thừa?)');
  });

  it('checks references: unknown unit, duplicate host, duplicate code, a unit above its parent', () => {
    const text = `${GOOD}
  - code: D1
    name: Trùng mã
    level: commune
    unit: NOWHERE
    targets:
      - { kind: icmp, host: 127.0.0.3 }
  - code: X
    name: Trùng địa chỉ
    level: district
    unit: D1
    targets:
      - { kind: icmp, host: 127.0.0.2 }
`.replace('level: district, parent: P', 'level: district, parent: D1');
    const issues = issuesOf(text);
    expect(issues).toContain('prov.yaml:4:57: đơn vị D1, trường “parent”: cấp huyện không thể trực thuộc cấp huyện D1');
    expect(issues).toContain('prov.yaml:4:57: đơn vị D1, trường “parent”: đơn vị trực thuộc vòng tròn qua D1');
    expect(issues).toContain('prov.yaml:13:11: điểm cầu D1, trường “code”: mã điểm cầu D1 bị trùng');
    expect(issues).toContain('prov.yaml:16:11: điểm cầu D1, trường “unit”: không có đơn vị NOWHERE');
    expect(issues).toContain(
      'prov.yaml:24:29: điểm cầu X, đường truyền 1, trường “host”: địa chỉ 127.0.0.2 đã thuộc điểm cầu D1',
    );
    expect(issues).toHaveLength(5);
  });

  it('[WE2] refuses a YAML syntax error with its line, the first problem only', () => {
    expect(issuesOf('units:\n  - { id: P, name: [oops\n')).toEqual([
      expect.stringMatching(/^prov\.yaml:3:1: cú pháp YAML: thụt lề sai/),
    ]);
  });

  it('[WE2] one tab in the file: exactly one error, on its line, saying to indent with spaces', () => {
    const text = GOOD.replace('    level: district\n', '\tlevel: district\n');
    expect(issuesOf(text)).toEqual([
      'prov.yaml:8:1: cú pháp YAML: có ký tự tab ở đầu dòng: thụt lề bằng dấu cách, không dùng tab',
    ]);
    // A tab on every line of a large file is still one error.
    const many = `units:\n${Array.from({ length: 600 }, (_, i) => `  - id: U${i}\n\tname: X\n`).join('')}`;
    expect(issuesOf(many)).toEqual([
      'prov.yaml:3:1: cú pháp YAML: có ký tự tab ở đầu dòng: thụt lề bằng dấu cách, không dùng tab',
    ]);
  });

  it('refuses a meeting whose session ends before it starts, or whose line test overlaps it', () => {
    const text = `${GOOD}
meetings:
  - id: M
    title: Hội nghị
    lineTest: { start: "2026-03-05T15:00:00+07:00", durationMin: 120 }
    session: { start: "2026-03-05T16:00:00+07:00", plannedEnd: "2026-03-05T15:30:00+07:00" }
    participants: { levels: [district], points: [GHOST] }
`;
    const issues = issuesOf(text);
    expect(issues).toContain(
      'prov.yaml:17:64: hội nghị M, trường “session.plannedEnd”: giờ kết thúc phải sau giờ bắt đầu họp (session.start)',
    );
    expect(issues).toContain(
      'prov.yaml:16:15: hội nghị M, trường “lineTest”: chạy thử đường truyền phải kết thúc trước giờ họp chính thức',
    );
  });

  it('reports an unreadable file as such', () => {
    expect(() => loadInventoryFile('/nonexistent/prov.yaml')).toThrow(
      '/nonexistent/prov.yaml: tệp: không tìm thấy tệp',
    );
  });
});
