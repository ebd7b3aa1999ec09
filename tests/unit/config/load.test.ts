// The inventory file: every problem reported with file, line, path and reason; a file with any
// problem is refused whole.
import { describe, expect, it } from 'vitest';
import { loadInventoryFile, parseInventoryText } from '../../../server/config/load';
import { ValidationError } from '../../../server/errors';

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

  it('names file, line, path and reason for a schema error', () => {
    const text = GOOD.replace('host: 127.0.0.2', 'host: "-f"');
    expect(issuesOf(text)).toEqual(['prov.yaml:11: points[0].targets[0].host: host must not begin with "-"']);
  });

  it('reports every problem at once, including unknown keys and bad levels', () => {
    const text = GOOD.replace('level: district, parent: P', 'level: county, parent: P').replace(
      'unit: D1',
      'unit: D1\n    colour: red',
    );
    const issues = issuesOf(text);
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatch(/^prov\.yaml:4: units\[1\]\.level: /);
    expect(issues[1]).toMatch(/^prov\.yaml:10: points\[0\]: Unrecognized key: "colour"/);
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
    expect(issues).toContain('prov.yaml:4: units[1].parent: a district cannot sit under the district "D1"');
    expect(issues).toContain('prov.yaml:4: units[1].parent: cycle through unit "D1"');
    expect(issues).toContain('prov.yaml:13: points[1].code: duplicate point code "D1"');
    expect(issues).toContain('prov.yaml:16: points[1].unit: unknown unit "NOWHERE"');
    expect(issues).toContain('prov.yaml:24: points[2].targets[0].host: host 127.0.0.2 already belongs to point "D1"');
    expect(issues).toHaveLength(5);
  });

  it('refuses YAML syntax errors with their line', () => {
    const [issue] = issuesOf('units:\n  - { id: P, name: [oops\n');
    expect(issue).toMatch(/^prov\.yaml:\d+: \(syntax\): /);
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
    expect(issues.some((i) => /meetings\[0\]\.session\.plannedEnd: must be after session\.start/.test(i))).toBe(true);
    expect(issues.some((i) => /meetings\[0\]\.lineTest: line test must end before the session starts/.test(i))).toBe(
      true,
    );
  });

  it('reports an unreadable file as such', () => {
    expect(() => loadInventoryFile('/nonexistent/prov.yaml')).toThrow(/prov\.yaml: \(file\): cannot read/);
  });
});
