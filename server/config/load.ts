// Reads the versionable inventory file (YAML or JSON; YAML is a superset of JSON). Every problem is
// reported with file, line:column and the unit, point or meeting it concerns named by its code
// (`điểm cầu HT-01, trường “host”`), in Vietnamese with an English variant; a file with any problem
// is refused whole.
import { readFileSync, statSync } from 'node:fs';
import { LineCounter, isMap, isNode, isScalar } from 'yaml';
import { InventoryFile } from '../../shared/schemas';
import { words } from '../../shared/words';
import { ValidationError, formatPath, issueOf, type InputIssue } from '../errors';
import { inventoryIssues } from '../inventory/validate';
import { inventoryWhere, issueWords } from '../issue-words';
import { checkConfigSize, readYaml, toPlainData } from './yaml-budget';

export function parseInventoryText(text: string, file: string): InventoryFile {
  const lineCounter = new LineCounter();
  // Syntax errors, nesting, aliases and duplicate keys within budgets, in linear time (yaml-budget.ts).
  const doc = readYaml(text, file, lineCounter);
  const posOf = (path: readonly PropertyKey[]): { line?: number; col?: number } => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]);
    }
    return {};
  };
  /** The key's own position in the mapping at `path` (an unknown key), else the mapping's. */
  const keyPos = (path: readonly PropertyKey[], key: string): { line?: number; col?: number } => {
    const map = doc.getIn(path as unknown[], true);
    if (isMap(map)) {
      for (const pair of map.items) {
        if (isScalar(pair.key) && pair.key.value === key && pair.key.range)
          return lineCounter.linePos(pair.key.range[0]);
      }
    }
    return posOf(path);
  };
  // Unresolved aliases and alias bombs ("excessive alias count") surface only here.
  const raw = toPlainData(doc, file) ?? {};
  const parsed = InventoryFile.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((i) => {
        // An unknown key is best shown on its own line rather than on its object's first line.
        const pos =
          i.code === 'unrecognized_keys' && i.keys[0] !== undefined ? keyPos(i.path, i.keys[0]) : posOf(i.path);
        return issueOf(formatPath(i.path), issueWords(i), { file, ...pos, where: inventoryWhere(i.path, raw) });
      }),
    );
  }
  if (parsed.data.units.length === 0) {
    // An empty, all-comment or truncated file (or the wrong one) would start a server watching nothing.
    const w = words(
      'tệp không có đơn vị nào: cần ít nhất một đơn vị hành chính để có điểm cầu mà giám sát',
      'the file has no unit: at least one administrative unit is needed to have points to watch',
    );
    throw new ValidationError([
      issueOf('units', w, { file, ...posOf(['units']), where: inventoryWhere(['units'], raw) }),
    ]);
  }
  const refIssues: InputIssue[] = inventoryIssues(parsed.data).map((i) => ({
    ...i,
    file,
    ...(i.at ? { ...posOf(i.at), where: inventoryWhere(i.at, raw) } : {}),
  }));
  if (refIssues.length > 0) throw new ValidationError(refIssues);
  return parsed.data;
}

export function loadInventoryFile(file: string): InventoryFile {
  let text: string;
  try {
    // Sized before it is read: a huge file is refused without filling memory first.
    const size = statSync(file).size;
    checkConfigSize(file, size);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const w =
      code === 'ENOENT'
        ? words('không tìm thấy tệp', 'file not found')
        : code === 'EACCES'
          ? words('không có quyền đọc tệp', 'no permission to read the file')
          : code === 'EISDIR'
            ? words('đây là thư mục, không phải tệp', 'this is a folder, not a file')
            : words(
                `không đọc được tệp (${code ?? (err as Error).message})`,
                `cannot read the file (${code ?? (err as Error).message})`,
              );
    throw new ValidationError([issueOf('(file)', w, { file, where: words('tệp', 'file') })]);
  }
  return parseInventoryText(text, file);
}
