import { describe, expect, it } from 'vitest';
import { parseJsonc } from '../../src/core/parsers/jsonc.js';

describe('parseJsonc', () => {
  it.each([
    ['plain JSON', '{"a": [1, 2], "b": {"c": null}}', { a: [1, 2], b: { c: null } }],
    ['line and block comments', '// top\n{ /* x */ "a": 1 // end\n}', { a: 1 }],
    [
      'trailing commas in objects and arrays',
      '{ "a": [1, 2, ], "b": { "c": 3, }, }',
      { a: [1, 2], b: { c: 3 } },
    ],
    ['a trailing comma before a comment', '{ "a": 1, // last\n}', { a: 1 }],
    [
      'comment and comma characters inside strings',
      '{ "u": "https://x//y", "s": "/* ,} */" }',
      { u: 'https://x//y', s: '/* ,} */' },
    ],
    ['escaped quotes in strings', '{ "q": "say \\"hi\\", //" }', { q: 'say "hi", //' }],
    ['a byte-order mark', '\uFEFF{ "a": 1 }', { a: 1 }],
    ['a comment on the last line without a newline', '{ "a": 1 } // end', { a: 1 }],
  ])('reads %s', (_what, text, expected) => {
    expect(parseJsonc(text)).toEqual(expected);
  });

  it.each([
    ['an unterminated string', '{ "a": "b }'],
    ['an unterminated block comment', '{ "a": 1 } /* x'],
    ['two commas', '{ "a": 1,, }'],
    ['unquoted keys', '{ a: 1 }'],
    ['a comment between two values', '[1/**/2]'],
    ['empty text', ''],
  ])('refuses %s', (_what, text) => {
    expect(parseJsonc(text)).toBeUndefined();
  });
});
