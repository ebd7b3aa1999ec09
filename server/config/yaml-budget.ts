// The inventory file read by the `yaml` package within budgets, in time linear in the file:
//
//  - size: MAX_CONFIG_BYTES;
//  - nesting: the parser's stack is watched lexeme by lexeme and the file refused past MAX_YAML_DEPTH.
//    The composer recurses once per level: 5,000 "[" overflowed the stack, and on Node 20 a second
//    such file in the same process crashed it outright (V8 compiling a regular expression at the
//    bottom of the exhausted stack aborts with "RegExpCompiler Allocation failed");
//  - anchors and aliases: at most MAX_YAML_ALIASES of them (each alias is resolved by a search through
//    every anchor and alias before it: 8,000 distinct anchors took 3 s), and an alias may expand to
//    at most MAX_YAML_ALIAS_EXPANSION nodes (yaml's maxAliasCount: the "billion laughs" bomb);
//  - duplicate keys: checked here with a set per mapping, not with the package's `uniqueKeys`, which
//    compares each key with every key before it (20,000 keys took 6.6 s);
//  - syntax errors: the first MAX_SYNTAX_ISSUES are listed, located with the line counter rather than
//    the package's `prettyErrors`, which slices the error's line once per error (quadratic for many
//    errors on one long line).
import {
  Composer,
  Lexer,
  LineCounter,
  Parser,
  YAMLParseError,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type CST,
  type Document,
} from 'yaml';
import { ValidationError, type InputIssue } from '../errors';
import { spend } from '../parsing/work';

/** ~35,000 points at the demo's 435 bytes each. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;
/** An inventory nests 5 levels (points → a point → targets → a target → host). */
export const MAX_YAML_DEPTH = 64;
/** Anchors and aliases together. */
export const MAX_YAML_ALIASES = 1_000;
/** Nodes one alias may stand for (yaml's maxAliasCount). */
export const MAX_YAML_ALIAS_EXPANSION = 100;
export const MAX_SYNTAX_ISSUES = 20;

const mb = (n: number): string => (n / 1024 / 1024).toFixed(1).replace('.', ',');

function refuse(file: string, message: string, line?: number): ValidationError {
  return new ValidationError([{ file, line, path: '(syntax)', message }]);
}

/** The file's size checked before its text is read (`bytes`) or parsed (`chars`, UTF-16 units). */
export function checkConfigSize(file: string, size: number): void {
  if (size > MAX_CONFIG_BYTES) {
    throw new ValidationError([
      { file, path: '(file)', message: `tệp quá lớn (${mb(size)} MB, tối đa ${mb(MAX_CONFIG_BYTES)} MB)` },
    ]);
  }
}

// The lexer marks the lexeme after "\x1f" as a scalar's text (a block scalar line may begin with * or &).
const SCALAR_MARK = '\u001f';

/** Lexes and parses `text` into CST tokens, refusing it as soon as it nests or aliases too much. */
function tokensOf(text: string, file: string, lineCounter: LineCounter): CST.Token[] {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0); // what Parser#parse does before its first lexeme
  const tokens: CST.Token[] = [];
  let aliases = 0;
  let scalarNext = false;
  for (const lexeme of new Lexer().lex(text)) {
    spend(lexeme.length + 1);
    if (!scalarNext && (lexeme.startsWith('*') || lexeme.startsWith('&')) && ++aliases > MAX_YAML_ALIASES) {
      const line = lineCounter.linePos(parser.offset).line;
      throw refuse(file, `quá nhiều neo và bí danh YAML (& và *): tối đa ${MAX_YAML_ALIASES}`, line);
    }
    scalarNext = lexeme === SCALAR_MARK;
    for (const token of parser.next(lexeme)) tokens.push(token);
    // The stack holds the document and every collection open around this lexeme.
    if (parser.stack.length > MAX_YAML_DEPTH) {
      const line = lineCounter.linePos(parser.offset).line;
      throw refuse(file, `lồng nhau quá sâu (hơn ${MAX_YAML_DEPTH} cấp)`, line);
    }
  }
  for (const token of parser.end()) tokens.push(token);
  return tokens;
}

/** `parseDocument` (yaml/dist/public-api.js) on tokens checked by tokensOf. */
function compose(tokens: CST.Token[], length: number): Document.Parsed {
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false });
  let doc: Document.Parsed | null = null;
  for (const next of composer.compose(tokens, true, length)) {
    if (!doc) doc = next;
    else {
      const range = [next.range[0], next.range[1]] as [number, number];
      doc.errors.push(new YAMLParseError(range, 'MULTIPLE_DOCS', 'Source contains multiple documents'));
      break;
    }
  }
  return doc as Document.Parsed;
}

/** Keys repeated in a mapping, found with one set per mapping (walked without recursion). */
function duplicateKeys(doc: Document.Parsed, file: string, lineCounter: LineCounter): InputIssue[] {
  const issues: InputIssue[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    spend(1);
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        // As the package's check: equal scalar values (NaN is never equal, so never a duplicate).
        if (!Number.isNaN(key) && seen.has(key)) {
          const at = isScalar(pair.key) && pair.key.range ? pair.key.range[0] : undefined;
          issues.push({
            file,
            line: at === undefined ? undefined : lineCounter.linePos(at).line,
            path: '(syntax)',
            message: 'Map keys must be unique',
          });
        }
        seen.add(key);
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    } else if (isPair(node)) {
      stack.push(node.key, node.value);
    }
  }
  return issues;
}

/**
 * The file's YAML document, or a ValidationError listing its syntax errors (the first
 * MAX_SYNTAX_ISSUES) or the budget it is over.
 */
export function readYaml(text: string, file: string, lineCounter: LineCounter): Document.Parsed {
  checkConfigSize(file, text.length);
  const doc = compose(tokensOf(text, file, lineCounter), text.length);
  const issues: InputIssue[] = doc.errors.slice(0, MAX_SYNTAX_ISSUES).map((e) => ({
    file,
    line: lineCounter.linePos(e.pos[0]).line,
    path: '(syntax)',
    message: e.message.split('\n')[0] ?? e.message,
  }));
  if (doc.errors.length > MAX_SYNTAX_ISSUES) {
    issues.push({ file, path: '(syntax)', message: `và ${doc.errors.length - MAX_SYNTAX_ISSUES} lỗi cú pháp khác` });
  }
  if (issues.length === 0) issues.push(...duplicateKeys(doc, file, lineCounter).slice(0, MAX_SYNTAX_ISSUES));
  if (issues.length > 0) throw new ValidationError(issues);
  return doc;
}

/** The document as plain data, aliases expanded within MAX_YAML_ALIAS_EXPANSION. */
export function toPlainData(doc: Document.Parsed, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_EXPANSION });
  } catch (err) {
    const message = (err as Error).message;
    if (/excessive alias count/i.test(message)) {
      throw refuse(file, `bí danh YAML (*) mở rộng quá lớn: mỗi bí danh tối đa ${MAX_YAML_ALIAS_EXPANSION} nút`);
    }
    // An alias to an anchor that does not exist surfaces only here.
    throw refuse(file, message);
  }
}
