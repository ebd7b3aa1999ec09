// Builders for real invitation files: a ZIP/DOCX written with node:zlib and a PDF written by hand
// (no PDF tool but pdftotext is installed), so the readers are tested on bytes they would meet.
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipInput {
  name: string;
  data: Buffer;
  method?: 'deflate' | 'stored';
  /** Lie in the directory about the uncompressed size (zip-bomb tests). */
  declaredSize?: number;
  /** Lie about the CRC (corruption tests). */
  crc?: number;
}

export function buildZip(entries: ZipInput[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const method = e.method === 'stored' ? 0 : 8;
    const body = method === 0 ? e.data : deflateRawSync(e.data);
    const crc = e.crc ?? crc32(e.data);
    const size = e.declaredSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** WordprocessingML the way Word writes it: paragraphs split into several runs, tabs, properties. */
export function documentXml(paragraphs: string[]): string {
  const body = paragraphs
    .map((p) => {
      if (p === '') return '<w:p/>';
      const cut = Math.floor(p.length / 2);
      const runs = [p.slice(0, cut), p.slice(cut)]
        .map((t) => `<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">${esc(t)}</w:t></w:r>`)
        .join('<w:proofErr w:type="spellStart"/>');
      return `<w:p w:rsidR="00A1"><w:pPr><w:jc w:val="both"/><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>${runs}</w:p>`;
    })
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
    `<w:body>${body}<w:sectPr/></w:body></w:document>`
  );
}

export function buildDocx(paragraphs: string[], method: 'deflate' | 'stored' = 'deflate'): Buffer {
  const types =
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
  const rels =
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';
  return buildZip([
    { name: '[Content_Types].xml', data: Buffer.from(types), method },
    { name: '_rels/.rels', data: Buffer.from(rels), method },
    { name: 'word/document.xml', data: Buffer.from(documentXml(paragraphs)), method },
  ]);
}

const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');

/** Word-wraps like a page 95 characters wide, as a PDF of a typed document is. */
export function wrap(lines: string[], width = 95): string[] {
  const out: string[] = [];
  for (const line of lines) {
    let rest = line;
    while (rest.length > width) {
      const cut = rest.lastIndexOf(' ', width);
      const at = cut > 0 ? cut : width;
      out.push(rest.slice(0, at));
      rest = rest.slice(at).trimStart();
    }
    out.push(rest);
  }
  return out;
}

/**
 * A PDF of `lines` (wrapped and paginated like a typed page). Text is shown with a Type0 font
 * (Identity-H) whose ToUnicode CMap maps each glyph id to its character, the way PDF writers make
 * Vietnamese extractable. With `null`, one page with only a drawn box: a scan has no text layer.
 */
export function buildPdf(lines: string[] | null): Buffer {
  const pages = lines ? chunk(wrap(lines), 60) : [null];
  const chars = lines ? [...new Set(lines.join(''))] : [];
  const cid = (c: string): string => hex4(chars.indexOf(c) + 1);
  const cmap =
    '/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n' +
    '/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n' +
    `${chars.length} beginbfchar\n${chars.map((c) => `<${cid(c)}> <${utf16be(c)}>`).join('\n')}\nendbfchar\n` +
    'endcmap CMapName currentdict /CMap defineresource pop end end\n';
  // 1 catalog, 2 pages, 3 font, 4 CID font, 5 ToUnicode, then a page and its content per page.
  const kids = pages.map((_, i) => `${6 + 2 * i} 0 R`).join(' ');
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`,
    '<< /Type /Font /Subtype /Type0 /BaseFont /Helvetica /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 5 0 R >>',
    '<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Helvetica /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 >>',
    stream(cmap),
  ];
  pages.forEach((page, i) => {
    let content = '0.5 w 40 40 515 762 re S\n';
    if (page) {
      content += 'BT /F1 10 Tf 12 TL 40 790 Td\n';
      for (const l of page) content += `<${[...l].map(cid).join('')}> Tj T*\n`;
      content += 'ET\n';
    }
    objs.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${7 + 2 * i} 0 R >>`,
      stream(content),
    );
  });
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'utf8');
}

function utf16be(c: string): string {
  return Buffer.from(c, 'utf16le').swap16().toString('hex').toUpperCase();
}

function stream(body: string): string {
  return `<< /Length ${Buffer.byteLength(body)} >>\nstream\n${body}endstream`;
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out.length ? out : [[]];
}
