import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  codeSpan,
  escapeControls,
  escapeHtml,
  escapeMarkdown,
  escapeSarifText,
  markdownCode,
  markdownLink,
  multiLine,
  safeHttpUrl,
  singleLine,
  truncate,
} from '../../src/reporters/escape.js';

const SPECIAL = '\\`*_{}[]#|~$!';

/** True when every Markdown-special character is backslash-escaped and no raw `<`, `>` or newline is left. */
function inert(md: string): boolean {
  for (let i = 0; i < md.length; i++) {
    const c = md[i]!;
    if (c === '\\') {
      if (!SPECIAL.includes(md[i + 1] ?? '')) return false;
      i++;
    } else if (SPECIAL.includes(c) || c === '<' || c === '>' || c === '\n' || c === '\r') {
      return false;
    }
  }
  return true;
}

describe('escapeControls', () => {
  it('makes control, bidi and zero-width characters visible', () => {
    expect(escapeControls('a\nb\tc\rd\u001b[31me\u0000\u007f\u0085\u202e\u2066\u200b\ufeff')).toBe(
      'a\\nb\\tc\\rd\\x1B[31me\\x00\\x7F\\x85\\u202E\\u2066\\u200B\\uFEFF',
    );
    expect(escapeControls('plain ünïcødé 🚀')).toBe('plain ünïcødé 🚀');
  });

  it('never leaves a control character behind', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(escapeControls(s)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      }),
    );
  });
});

describe('singleLine / multiLine', () => {
  it('collapse whitespace; multiLine keeps line breaks', () => {
    expect(singleLine('  a\n\n b\t\u001b ')).toBe('a b \\x1B');
    expect(multiLine('a  b\r\nc\u202e\n\nd ')).toBe('a b\nc\\u202E\n\nd');
  });

  it('returns a line that needs nothing as it is, and changes any other as collapsing and escaping do', () => {
    // The characters around the edges of what singleLine changes: spaces, every kind of whitespace
    // and line break, C0/C1 controls, format characters, and plain text.
    const alphabet = [
      ' ',
      '  ',
      'a',
      'b.',
      '\t',
      '\n',
      '\r',
      '\v',
      '\f',
      '\u0085',
      '\u00a0',
      '\u1680',
      '\u2003',
      '\u2028',
      '\u2029',
      '\u202f',
      '\u3000',
      '\ufeff',
      '\u200b',
      '\u202e',
      '\u0000',
      '\u001b',
      '\u007f',
      '\u009b',
      '\u00ad',
      '\u061c',
      'é',
      '\u{1F600}',
    ];
    const slow = (s: string) => escapeControls(s.replace(/[\s\u0085]+/g, ' ').trim());
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 12 }), (parts) => {
        const s = parts.join('');
        expect(singleLine(s)).toBe(slow(s));
      }),
      { numRuns: 5000 },
    );
    const plain = 'The container "app" runs as root: set runAsNonRoot.';
    expect(singleLine(plain)).toBe(plain);
    expect(singleLine('two  spaces')).toBe('two spaces');
    expect(singleLine('no\u00a0break')).toBe('no break');
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('escapeMarkdown', () => {
  it('neutralises markup, HTML, mentions and block starts', () => {
    expect(escapeMarkdown('**b** _i_ [l](u) <b>x</b> `c` | ~~s~~ $m$ #1 ![i](x)')).toBe(
      '\\*\\*b\\*\\* \\_i\\_ \\[l\\](u) &lt;b&gt;x&lt;/b&gt; \\`c\\` \\| \\~\\~s\\~\\~ \\$m\\$ \\#1 \\!\\[i\\](x)',
    );
    expect(escapeMarkdown('cc @octocat and @acme/team, mail me@example.com')).toBe(
      'cc @&#8203;octocat and @&#8203;acme/team, mail me@example.com',
    );
    // A name quoted in backticks by a message: the backtick is escaped, a plain character before the @.
    expect(escapeMarkdown('Downloads `@acme/security` and runs it')).toBe(
      'Downloads \\`@&#8203;acme/security\\` and runs it',
    );
    // An escaped underscore renders as a name's character, so the @ before it is broken too.
    expect(escapeMarkdown('@_@team')).toBe('@&#8203;\\_@team');
    expect(escapeMarkdown('- item')).toBe('\\- item');
    expect(escapeMarkdown('1. item')).toBe('1\\. item');
    expect(escapeMarkdown('8.9 Configuration management')).toBe('8.9 Configuration management');
    expect(escapeMarkdown('a &amp; b')).toBe('a &amp;amp; b');
  });

  it('leaves no mention for any input: every @ that starts a word in the rendered text is broken', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii' }), (s) => {
        const rendered = escapeMarkdown(`x ${s}@team`).replace(/\\(.)/g, '$1');
        expect(rendered).not.toMatch(/(?:^|[^A-Za-z0-9_])@[A-Za-z0-9_-]/);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves nothing active for any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii' }), (s) => {
        const out = escapeMarkdown(s).replace(/&(amp|lt|gt|#8203);/g, '');
        expect(inert(out.replace(/^\\[-+=]/, '').replace(/^(\d+)\\[.)]/, '$1'))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('markdownCode', () => {
  it('wraps escaped text in <code>, keeping the exact spelling visible', () => {
    expect(markdownCode('a|b`c`<x>\n  d')).toBe('<code>a\\|b\\`c\\`&lt;x&gt;\\\\n  d</code>');
  });

  it('cannot be closed or broken by its content', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii' }), (s) => {
        const out = markdownCode(s);
        const inner = out.slice('<code>'.length, -'</code>'.length).replace(/&(amp|lt|gt|#8203);/g, '');
        expect(inert(inner.replace(/ /g, ''))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('codeSpan', () => {
  it('uses a fence longer than any backtick run and pads content touching a backtick', () => {
    expect(codeSpan('abc')).toBe('`abc`');
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('``x')).toBe('``` ``x ```');
    expect(codeSpan(' a ')).toBe('`  a  `');
    expect(codeSpan('   ')).toBe('`   `');
    expect(codeSpan('')).toBe('""');
    expect(codeSpan('a|b', { table: true })).toBe('`a\\|b`');
    expect(codeSpan('a\nb')).toBe('`a\\nb`');
  });

  it('always yields one code span whose content is the input (CommonMark rules)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', minLength: 1 }), (s) => {
        const out = codeSpan(s);
        const fence = /^`+/.exec(out)![0];
        expect(out.endsWith(fence)).toBe(true);
        let content = out.slice(fence.length, out.length - fence.length);
        // No backtick run inside has the fence's length, so the span cannot end early.
        expect((content.match(/`+/g) ?? []).some((run) => run.length === fence.length)).toBe(false);
        if (/^ .* $/s.test(content) && !/^ +$/.test(content)) content = content.slice(1, -1);
        expect(content).toBe(escapeControls(s));
      }),
      { numRuns: 500 },
    );
  });
});

describe('links and URLs', () => {
  it('accepts only http(s) and encodes characters that would end a link or a cell', () => {
    expect(safeHttpUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeHttpUrl('data:text/html,x')).toBeUndefined();
    expect(safeHttpUrl('not a url')).toBeUndefined();
    expect(safeHttpUrl('https://x.test/a (b)|c')).toBe('https://x.test/a%20%28b%29%7Cc');
    expect(markdownLink('[x]', 'https://x.test/')).toBe('[\\[x\\]](https://x.test/)');
    expect(markdownLink('x', 'javascript:alert(1)')).toBe('x');
  });
});

describe('truncate', () => {
  it('cuts by code points and marks the cut', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcdefgh', 5, 'middle')).toBe('ab…gh');
    expect(truncate('🚀🚀🚀🚀', 3)).toBe('🚀🚀…');
    expect(truncate('🚀🚀🚀🚀🚀', 4, 'middle')).toBe('🚀🚀…🚀');
    expect(truncate('🚀🚀', 2)).toBe('🚀🚀');
  });

  it('never exceeds the limit nor splits a surrogate pair', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        fc.integer({ min: 1, max: 20 }),
        fc.boolean(),
        (s, max, middle) => {
          const out = truncate(s, max, middle ? 'middle' : 'end');
          expect(Array.from(out).length).toBeLessThanOrEqual(Math.max(max, 1));
          expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
        },
      ),
    );
  });
});

describe('escapeSarifText', () => {
  it('makes SARIF embedded links literal', () => {
    expect(escapeSarifText('see [x](1) \\ ok')).toBe('see \\[x\\](1) \\\\ ok');
  });
});
