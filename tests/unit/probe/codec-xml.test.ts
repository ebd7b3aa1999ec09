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
    const cases: Array<[string, RegExp]> = [
      ['', /no root element/],
      ['not xml', /text outside/],
      ['<Status><Call></Status>', /unexpected <\/Status>/],
      ['<Status>', /not closed/],
      ['<A/><B/>', /more than one root/],
      ['<!DOCTYPE x [<!ENTITY a "aaaa">]><Status>&a;</Status>', /declarations/],
      ['<Status>&bogus;</Status>', /unknown entity/],
      ['<a>'.repeat(100) + '</a>'.repeat(100), /too deep/],
      ['<html><body>Đăng nhập', /not closed/],
    ];
    for (const [bad, why] of cases) expect(() => parseXml(bad)).toThrow(why);
  });
});
