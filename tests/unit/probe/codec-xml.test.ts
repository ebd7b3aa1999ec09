import { describe, expect, it } from 'vitest';
import { childrenOf, parseXml, textAt } from '../../../server/probe/codec/xml';

describe('the xAPI XML reader', () => {
  it('[CO8] reads elements, attributes, entities and nested text', () => {
    const doc = parseXml(
      '<?xml version="1.0"?>\n<!-- x --><Status version="ce11"><Call item="3" maxOccurrence="n">' +
        '<DisplayName>MCU &amp; Tỉnh &#x1EC7;</DisplayName><Status>Connected</Status><Empty/></Call></Status>',
    );
    expect(doc.attrs.version).toBe('ce11');
    const [call] = childrenOf(doc, 'Call');
    expect(call?.attrs.item).toBe('3');
    expect(textAt(call, 'DisplayName')).toBe('MCU & Tỉnh ệ');
    expect(textAt(call, 'Status')).toBe('Connected');
    expect(textAt(call, 'Empty')).toBe('');
    expect(textAt(call, 'Missing', 'Deeper')).toBeUndefined();
  });

  it('[CO9] refuses what is not one well-formed document, and DTDs (no entity expansion)', () => {
    for (const bad of [
      '',
      'not xml',
      '<Status><Call></Status>',
      '<Status>',
      '<A/><B/>',
      '<!DOCTYPE x [<!ENTITY a "aaaa">]><Status>&a;</Status>',
      '<Status>&bogus;</Status>',
      '<a>'.repeat(100) + '</a>'.repeat(100),
      '<html><body>Đăng nhập',
    ])
      expect(() => parseXml(bad), bad.slice(0, 30)).toThrow();
  });
});
