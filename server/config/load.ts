// Reads the versionable inventory file (YAML or JSON; YAML is a superset of JSON). Every problem is
// reported with file, line and path, and a file with any problem is refused whole.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { InventoryFile } from '../../shared/schemas';
import { ValidationError, formatPath, type InputIssue } from '../errors';
import { inventoryIssues } from '../inventory/validate';

export function parseInventoryText(text: string, file: string): InventoryFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ValidationError(
      doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0].line,
        path: '(syntax)',
        // The first line is the reason; the rest is a code frame that the line number replaces.
        message: (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ''),
      })),
    );
  }
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  let raw: unknown;
  try {
    raw = doc.toJS() ?? {};
  } catch (err) {
    // Unresolved aliases and alias bombs ("excessive alias count") surface only here.
    throw new ValidationError([{ file, path: '(syntax)', message: (err as Error).message }]);
  }
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
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ValidationError([{ file, path: '(file)', message: `cannot read: ${(err as Error).message}` }]);
  }
  return parseInventoryText(text, file);
}
