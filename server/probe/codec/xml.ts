// Just enough XML for RoomOS's xAPI status documents: elements, attributes, text, the five named entities
// and character references. No DTDs (an entity declaration is refused, so no expansion bombs), no
// namespaces. Bounded depth; anything malformed throws, and the adapter reports 'protocol'.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text, trimmed. */
  text: string;
}

const MAX_DEPTH = 64;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (all, ent: string) => {
    if (ent.startsWith('#x')) return String.fromCodePoint(parseInt(ent.slice(2), 16));
    if (ent.startsWith('#')) return String.fromCodePoint(parseInt(ent.slice(1), 10));
    const v = NAMED[ent];
    if (v === undefined) throw new Error(`unknown entity ${all}`);
    return v;
  });
}

const ATTR = /([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/g;

/** The document's root element; throws on malformed input. */
export function parseXml(input: string): XmlElement {
  const stack: XmlElement[] = [];
  const top = (what: string): XmlElement => {
    const el = stack[stack.length - 1];
    if (!el) throw new Error(`${what} outside the root element`);
    return el;
  };
  let root: XmlElement | undefined;
  let i = 0;
  while (i < input.length) {
    const lt = input.indexOf('<', i);
    const text = lt < 0 ? input.slice(i) : input.slice(i, lt);
    if (text.trim() !== '') top('text').text += decode(text);
    if (lt < 0) break;
    if (input.startsWith('<?', lt)) {
      i = end(input, '?>', lt);
    } else if (input.startsWith('<!--', lt)) {
      i = end(input, '-->', lt);
    } else if (input.startsWith('<![CDATA[', lt)) {
      const close = end(input, ']]>', lt);
      top('CDATA').text += input.slice(lt + 9, close - 3);
      i = close;
    } else if (input.startsWith('<!', lt)) {
      throw new Error('declarations are not accepted');
    } else if (input.startsWith('</', lt)) {
      const close = end(input, '>', lt);
      const name = input.slice(lt + 2, close - 1).trim();
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`unexpected </${name}>`);
      open.text = open.text.trim();
      i = close;
    } else {
      const close = end(input, '>', lt);
      const selfClosing = input[close - 2] === '/';
      const inner = input.slice(lt + 1, selfClosing ? close - 2 : close - 1);
      const name = /^([A-Za-z_][\w.:-]*)/.exec(inner)?.[1];
      if (name === undefined) throw new Error('malformed tag');
      const attrs: Record<string, string> = {};
      for (const a of inner.slice(name.length).matchAll(ATTR)) attrs[a[1] ?? ''] = decode(a[3] ?? a[4] ?? '');
      const el: XmlElement = { name, attrs, children: [], text: '' };
      if (stack.length === 0) {
        if (root) throw new Error('more than one root element');
        root = el;
      } else top('element').children.push(el);
      if (!selfClosing) {
        if (stack.length >= MAX_DEPTH) throw new Error('nested too deep');
        stack.push(el);
      }
      i = close;
    }
  }
  if (!root) throw new Error('no root element');
  const open = stack[stack.length - 1];
  if (open) throw new Error(`<${open.name}> is not closed`);
  return root;
}

function end(input: string, token: string, from: number): number {
  const at = input.indexOf(token, from);
  if (at < 0) throw new Error('unterminated markup');
  return at + token.length;
}

/** The element's children named `name`. */
export const childrenOf = (el: XmlElement | undefined, name: string): XmlElement[] =>
  el ? el.children.filter((c) => c.name === name) : [];

/** The text at a path of child names (`Netstat`, `Jitter`), or undefined. */
export function textAt(el: XmlElement | undefined, ...path: string[]): string | undefined {
  let cur = el;
  for (const name of path) cur = cur?.children.find((c) => c.name === name);
  return cur?.text;
}
