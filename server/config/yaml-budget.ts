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
//  - syntax errors: only the first is reported (one tab used to cascade into hundreds of errors after
//    it), in words (syntax-words.ts) with its line and column, located with the line counter rather
//    than the package's `prettyErrors`, which slices the error's line once per error.
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
import { ValidationError, issueOf, type InputIssue } from '../errors';
import { spend } from '../parsing/work';
import { words, type Words } from '../../shared/words';
import { SYNTAX_WHERE, syntaxWords } from './syntax-words';

/** ~35,000 points at the demo's 435 bytes each. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;
/** An inventory nests 5 levels (points → a point → targets → a target → host). */
export const MAX_YAML_DEPTH = 64;
/** Anchors and aliases together. */
export const MAX_YAML_ALIASES = 1_000;
/** Nodes one alias may stand for (yaml's maxAliasCount). */
export const MAX_YAML_ALIAS_EXPANSION = 100;

const mb = (n: number): string => (n / 1024 / 1024).toFixed(1).replace('.', ',');

function refuse(file: string, w: Words, line?: number): ValidationError {
  return new ValidationError([issueOf('(syntax)', w, { file, line, where: SYNTAX_WHERE })]);
}

/** The file's size checked before its text is read (`bytes`) or parsed (`chars`, UTF-16 units). */
export function checkConfigSize(file: string, size: number): void {
  if (size > MAX_CONFIG_BYTES) {
    const w = words(
      `tệp quá lớn (${mb(size)} MB, tối đa ${mb(MAX_CONFIG_BYTES)} MB)`,
      `file too large (${mb(size)} MB, at most ${mb(MAX_CONFIG_BYTES)} MB)`,
    );
    throw new ValidationError([issueOf('(file)', w, { file, where: FILE_WHERE })]);
  }
}

const FILE_WHERE = words('tệp', 'file');

// The lexer marks the lexeme after "\x1f" as a scalar's text (a block scalar line may begin with * or &).
const SCALAR_MARK = '\u001f';

/** Offset of the first line before `end` indented with a tab, or null. */
function firstTabIndent(text: string, end: number): number | null {
  const m = /^[ ]*\t/m.exec(text.slice(0, end));
  return m ? m.index : null;
}

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
      const w = words(
        `quá nhiều neo và bí danh YAML (& và *): tối đa ${MAX_YAML_ALIASES}`,
        `too many YAML anchors and aliases (& and *): at most ${MAX_YAML_ALIASES}`,
      );
      throw refuse(file, w, line);
    }
    scalarNext = lexeme === SCALAR_MARK;
    for (const token of parser.next(lexeme)) tokens.push(token);
    // The stack holds the document and every collection open around this lexeme.
    if (parser.stack.length > MAX_YAML_DEPTH) {
      // Tab-indented lines nest one level deeper each: the tab is the mistake to name, not the depth.
      const tab = firstTabIndent(text, parser.offset);
      if (tab !== null) {
        const pos = lineCounter.linePos(tab);
        throw new ValidationError([
          issueOf('(syntax)', syntaxWords('TAB_AS_INDENT', text, tab), { file, ...pos, where: SYNTAX_WHERE }),
        ]);
      }
      const line = lineCounter.linePos(parser.offset).line;
      const w = words(
        `lồng nhau quá sâu (hơn ${MAX_YAML_DEPTH} cấp)`,
        `nested too deep (over ${MAX_YAML_DEPTH} levels)`,
      );
      throw refuse(file, w, line);
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

/** The first key repeated in a mapping, found with one set per mapping (walked without recursion). */
function duplicateKey(doc: Document.Parsed, file: string, lineCounter: LineCounter): InputIssue | null {
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
          const pos = at === undefined ? undefined : lineCounter.linePos(at);
          const name = String(key).slice(0, 60);
          const w = words(
            `khoá “${name}” lặp lại trong cùng một nhóm: mỗi khoá chỉ được viết một lần`,
            `key "${name}" repeated in the same mapping: write each key once`,
          );
          return issueOf('(syntax)', w, { file, line: pos?.line, col: pos?.col, where: SYNTAX_WHERE });
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
  return null;
}

/**
 * The file's YAML document, or a ValidationError with its first syntax error (what follows a tab or a
 * bad indent is mostly the same mistake seen again) or the budget it is over.
 */
export function readYaml(text: string, file: string, lineCounter: LineCounter): Document.Parsed {
  checkConfigSize(file, text.length);
  const doc = compose(tokensOf(text, file, lineCounter), text.length);
  let first = doc.errors[0];
  for (const e of doc.errors) if (first && e.pos[0] < first.pos[0]) first = e;
  if (first) {
    const pos = lineCounter.linePos(first.pos[0]);
    const w = syntaxWords(first.code, text, first.pos[0]);
    throw new ValidationError([issueOf('(syntax)', w, { file, line: pos.line, col: pos.col, where: SYNTAX_WHERE })]);
  }
  const dup = duplicateKey(doc, file, lineCounter);
  if (dup) throw new ValidationError([dup]);
  return doc;
}

/** The document as plain data, aliases expanded within MAX_YAML_ALIAS_EXPANSION. */
export function toPlainData(doc: Document.Parsed, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_EXPANSION });
  } catch (err) {
    const message = (err as Error).message;
    if (/excessive alias count/i.test(message)) {
      const w = words(
        `bí danh YAML (*) mở rộng quá lớn: mỗi bí danh tối đa ${MAX_YAML_ALIAS_EXPANSION} nút`,
        `a YAML alias (*) expands too far: at most ${MAX_YAML_ALIAS_EXPANSION} nodes each`,
      );
      throw refuse(file, w);
    }
    // An alias to an anchor that does not exist surfaces only here.
    const anchor = /Unresolved alias \(the anchor must be set before the alias\): (\S+)/.exec(message)?.[1];
    if (anchor) {
      const name = anchor.slice(0, 60);
      throw refuse(
        file,
        words(`bí danh *${name} chưa có neo &${name} ở phía trên`, `alias *${name} has no anchor &${name} above it`),
      );
    }
    throw refuse(file, words(`không đọc được nội dung YAML (${message})`, `cannot read the YAML (${message})`));
  }
}
