// biome-ignore-all lint/suspicious/noTemplateCurlyInString: workflow `${{ }}` expressions are test data here.
import { describe, expect, it } from 'vitest';
import { quoteContexts } from '../../src/core/fix/shell-context.js';

/** The context at each `@` of the script (the marks are removed before scanning). */
function at(script: string, family: 'posix' | 'pwsh' = 'posix') {
  const offsets: number[] = [];
  let text = '';
  for (const ch of script) {
    if (ch === '@' && family === 'posix') offsets.push(text.length);
    else if (ch === '§') offsets.push(text.length);
    else text += ch;
  }
  return quoteContexts(text, family, offsets);
}

describe('quoteContexts', () => {
  it('bash: quotes, escapes, comments, substitutions', () => {
    expect(at(`echo @ "a @ 'b' @" 'c @' $'d @' # e @`)).toEqual([
      'none',
      'double',
      'double',
      'single',
      'literal',
      'comment',
    ]);
    expect(at('echo "$(printf \'%s\' @)" `echo @` \\"@')).toEqual(['none', 'none', 'none']);
    expect(at('a="x#@"; b=y#@')).toEqual(['double', 'none']);
  });

  it('bash: heredocs, quoted or not, and what follows them', () => {
    expect(at('cat <<EOF\n@\nEOF\ncat <<\'EOF\'\n@\nEOF\ncat <<-"X"\n\t@\n\tX\necho @')).toEqual([
      'heredoc',
      'quoted-heredoc',
      'quoted-heredoc',
      'none',
    ]);
    expect(at('cat <<< @')).toEqual(['none']);
  });

  it('opaque spans are words: quotes inside an expression do not count', () => {
    const script = "echo ${{ format('{0}', x) }} ${{ y }}";
    const first = script.indexOf('${{');
    const second = script.lastIndexOf('${{');
    const opaque: [number, number][] = [
      [first, script.indexOf('}}') + 2],
      [second, script.length],
    ];
    expect(quoteContexts(script, 'posix', [first, second], opaque)).toEqual(['none', 'none']);
  });

  it('PowerShell: strings, here-strings, comments, subexpressions', () => {
    expect(at(`Write-Host § "a § $(§) '§'" 'b §' # c §`, 'pwsh')).toEqual([
      'none',
      'double',
      'none',
      'double',
      'single',
      'comment',
    ]);
    expect(at(`$a = @"\nx §\n"@\n$b = @'\ny §\n'@\n<# § #> §`, 'pwsh')).toEqual([
      'heredoc',
      'literal',
      'comment',
      'none',
    ]);
  });
});
