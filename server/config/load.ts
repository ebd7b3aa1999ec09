// Reads the versionable inventory file (YAML or JSON; YAML is a superset of JSON). Every problem is
// reported with file, line and path, and a file with any problem is refused whole.
import { readFileSync, statSync } from 'node:fs';
import { LineCounter, isNode } from 'yaml';
import { InventoryFile } from '../../shared/schemas';
import { ValidationError, formatPath, type InputIssue } from '../errors';
import { inventoryIssues } from '../inventory/validate';
import { checkConfigSize, readYaml, toPlainData } from './yaml-budget';

export function parseInventoryText(text: string, file: string): InventoryFile {
  const lineCounter = new LineCounter();
  // Syntax errors, nesting, aliases and duplicate keys within budgets, in linear time (yaml-budget.ts).
  const doc = readYaml(text, file, lineCounter);
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  // Unresolved aliases and alias bombs ("excessive alias count") surface only here.
  const raw = toPlainData(doc, file) ?? {};
  const parsed = InventoryFile.safeParse(raw);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((i) => {
        // An unknown key is best shown on its own line rather than on its object's first line.
        const at = i.code === 'unrecognized_keys' && i.keys[0] !== undefined ? [...i.path, i.keys[0]] : i.path;
        return { file, line: lineOf(at), path: formatPath(i.path), message: i.message };
      }),
    );
  }
  if (parsed.data.units.length === 0) {
    // An empty, all-comment or truncated file (or the wrong one) would start a server watching nothing.
    const message = 'tệp không có đơn vị nào: cần ít nhất một đơn vị hành chính để có điểm cầu mà giám sát';
    throw new ValidationError([{ file, line: lineOf(['units']), path: 'units', message }]);
  }
  const refIssues: InputIssue[] = inventoryIssues(parsed.data).map((i) => ({
    ...i,
    file,
    line: i.at ? lineOf(i.at) : undefined,
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
    throw new ValidationError([{ file, path: '(file)', message: `cannot read: ${(err as Error).message}` }]);
  }
  return parseInventoryText(text, file);
}
