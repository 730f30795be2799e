import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lexShell, shellFunctionDefinitions, shellFunctionsInForce } from '../../src/core/parsers/shell.js';
import { contextAt, scriptCommands, viewOf, writesToFile } from '../../src/core/parsers/shell-commands.js';

/** Each command as `name arg arg` (words joined by `|`), nested ones marked with their depth. */
const shape = (script: string) =>
  lexShell(script).map((c) => `${'>'.repeat(c.depth)}${c.words.map((w) => w.value).join('|')}`);

describe('lexShell', () => {
  it('splits on every command operator and keeps quoted operators in their word', () => {
    expect(shape('a && b || c; d | e |& f & g\nh')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(shape(`echo "x && y" 'z | w' a\\;b`)).toEqual(['echo|x && y|z | w|a;b']);
  });

  it('removes quotes and escapes, and an escaped quote is a quote character, not the end of a string', () => {
    const [cmd] = lexShell(String.raw`echo "a\"0\"b" 'c\' d\ e $'f\'g'`);
    expect(cmd!.words.map((w) => w.value)).toEqual(['echo', 'a"0"b', 'c\\', 'd e', "f'g"]);
    expect(cmd!.words.every((w, i) => i === 0 || w.quoted)).toBe(true);
  });

  it('joins backslash continuations and keeps source offsets of every word', () => {
    const script = 'curl -fsSL \\\n  --insecure \\\n  https://x';
    const [cmd] = lexShell(script);
    expect(cmd!.words.map((w) => script.slice(w.start, w.end))).toEqual([
      'curl',
      '-fsSL',
      '--insecure',
      'https://x',
    ]);
  });

  it('drops comments, and a # inside a word is not one', () => {
    expect(shape('curl https://x#frag # -k here\n# whole line -k\necho a#b')).toEqual([
      'curl|https://x#frag',
      'echo|a#b',
    ]);
  });

  it('lexes substitutions as nested commands, with the word that holds them', () => {
    const cmds = lexShell('X=$(curl -s a | sh) && bash <(wget -O- b) && echo "`date`"');
    expect(cmds.map((c) => `${c.depth}:${c.words.map((w) => w.value).join(' ')}`)).toEqual([
      '1:curl -s a',
      '1:sh',
      '0:',
      '1:wget -O- b',
      '0:bash <(wget -O- b)',
      '1:date',
      '0:echo `date`',
    ]);
    expect(cmds[0]!.parent?.word.value).toBe('X=$(curl -s a | sh)');
    expect(cmds[2]!.assignments.map((w) => w.value)).toEqual(['X=$(curl -s a | sh)']);
  });

  it.each([
    ['a loop', 'while read -r c; do echo "$c"; done < <(git rev-list a..b)', 'git rev-list a..b'],
    ['a command', 'diff a > >(tee out)', 'tee out'],
  ])('lexes a redirection from a process substitution as its target: %s', (_name, script, nested) => {
    const cmds = lexShell(script);
    // The substitution is the redirection's target, not a command named `<(...)`.
    expect(cmds.some((c) => c.words[0]?.value.startsWith('<(') || c.words[0]?.value.startsWith('>('))).toBe(
      false,
    );
    expect(cmds.some((c) => c.depth === 1 && c.words.map((w) => w.value).join(' ') === nested)).toBe(true);
    expect(cmds.some((c) => c.redirects.some((r) => /^[<>]\(/.test(r.target?.value ?? '')))).toBe(true);
  });

  it('knows control structures: keywords, for lists, case patterns, [[ ]] and arithmetic are not commands', () => {
    expect(
      shape(
        'if [ -f a ]; then curl x; elif true; then :; else wget y; fi; for u in a b; do get $u; done; ' +
          'case "$1" in -k|--insecure) opt=1 ;; *) use $1 ;; esac; [[ -n $a && -z $b ]] && (( n++ )); ' +
          'f() { run; }; function g { other; }; while read l; do :; done',
      ),
    ).toEqual([
      '[|-f|a|]',
      'curl|x',
      'true',
      ':',
      'wget|y',
      'get|$u',
      '',
      'use|$1',
      '[[|-n|$a|&&|-z|$b|]]',
      'run',
      'other',
      'read|l',
      ':',
    ]);
  });

  it.each([
    ['`]];` then a branch', 'if [[ -n $a ]]; then NOTE="$b"; fi', ['[[|-n|$a|]]', 'NOTE=$b']],
    ['`]]&&`', '[[ $a == x ]]&& NOTE=1; echo', ['[[|$a|==|x|]]', 'NOTE=1', 'echo']],
    ['a pattern ending in `]]`', '[[ $a =~ ^[a]]$ ]] || exit 1', ['[[|$a|=~|^[a]]$|]]', 'exit|1']],
  ])('ends [[ ]] at its closing brackets: %s', (_case, script, want) => {
    const cmds = lexShell(script);
    expect(cmds.map((c) => [...c.assignments, ...c.words].map((w) => w.value).join('|'))).toEqual(want);
    expect(cmds.every((c) => Number.isFinite(c.start))).toBe(true);
  });

  it('reads redirections apart from words, and heredoc bodies as data of their command', () => {
    const script = 'cat <<-EOF > /etc/yum.conf 2>&1\n\tsslverify=0\n\tEOF\necho done';
    const [cat, echo] = lexShell(script);
    expect(cat!.words.map((w) => w.value)).toEqual(['cat']);
    expect(cat!.redirects.map((r) => `${r.op}${r.target?.value ?? ''}`)).toEqual([
      '<<-EOF',
      '>/etc/yum.conf',
      '>&1',
    ]);
    const body = cat!.redirects[0]!.body!;
    expect(script.slice(body[0], body[1])).toBe('\tsslverify=0\n');
    expect(echo!.words.map((w) => w.value)).toEqual(['echo', 'done']);
  });

  it('never throws, and every word lies inside the source', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...' \n\\\'"`$(){}[]|&;<>#=-ka'.split('')) }), (s) => {
        for (const c of lexShell(s)) {
          for (const w of [...c.words, ...c.assignments]) {
            expect(w.start).toBeGreaterThanOrEqual(0);
            expect(w.end).toBeLessThanOrEqual(s.length);
            expect(w.end).toBeGreaterThan(w.start);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('reads unclosed quotes and substitutions to the end instead of failing', () => {
    expect(shape('echo "open $(curl -k')).toEqual(['>curl|-k', 'echo|open $(curl -k']);
    lexShell(`${'$('.repeat(5000)}x`);
    lexShell(`${'"$(\\`'.repeat(3000)}`);
  });
});

describe('shellFunctionDefinitions', () => {
  it.each([
    ['name() {', 'f() { echo; }\nf', ['f']],
    ['a space before the parentheses', 'f () {\n  :\n}', ['f']],
    ['the function keyword', 'function g { :; }\nfunction h() { :; }', ['g', 'h']],
    ['after a separator', 'set -e; f() { :; }', ['f']],
    ['a comment', '# runs npm() as usual\nnpm install', []],
    ['a string', 'echo "npm() { :; }" \'function npm\'', []],
    ['a heredoc body', 'cat <<EOF\nnpm() { :; }\nEOF\nnpm test', []],
    ['an argument', 'echo npm() { :; }', []],
  ])('%s', (_name, script, names) => {
    expect(shellFunctionDefinitions(script).map((w) => w.value)).toEqual(names);
  });
});

// A definition counts only where it is certainly made before what follows runs: at the top level of
// the script, kept by no `unset`; a branch, a loop, a subshell, a substitution, a pipeline, a
// background job or a definition after `&&` or `||` may leave the program of that name in force.
describe('shellFunctionsInForce', () => {
  it.each([
    ['at the top level', 'npm() { :; }\nnpm install', ['npm']],
    ['the function keyword', 'function npm { :; }', ['npm']],
    ['after a separator', 'set -e; npm() { :; }', ['npm']],
    ['a body over lines', 'npm() {\n  :\n}\nnpm ci', ['npm']],
    ['a subshell body', 'npm() ( : )\nnpm ci', ['npm']],
    ['followed by &&', 'npm() { :; } && echo ok', ['npm']],
    ['in an if branch', 'if false; then npm() { :; }; fi', []],
    ['in an else branch', 'if x; then :; else\n  npm() { :; }\nfi', []],
    ['in a loop', 'while false; do npm() { :; }; done', []],
    ['in a for loop', 'for x in a; do npm() { :; }; done', []],
    ['in a case branch', 'case $x in a) npm() { :; } ;; esac', []],
    ['in a subshell', '( npm() { :; } )', []],
    ['in a group', '{ npm() { :; }; }', []],
    ['in a substitution', 'x=$(npm() { :; })', []],
    ['inside another function', 'f() { npm() { :; }; }', ['f']],
    ['after &&', 'false && npm() { :; }', []],
    ['after || over a line', 'true ||\n  npm() { :; }', []],
    ['in a pipeline', 'npm() { :; } | cat', []],
    ['after a pipe', 'echo | npm() { :; }', []],
    ['in the background', 'npm() { :; } &', []],
    ['unset -f', 'npm() { :; }; unset -f npm', []],
    ['unset', 'npm() { :; }\nunset npm', []],
    ['unset in a branch', 'npm() { :; }\nif x; then unset -f npm; fi', []],
    ['unset -v keeps it', 'npm() { :; }; unset -v npm', ['npm']],
    ['unset of another name keeps it', 'npm() { :; }; unset -f yarn', ['npm']],
    ['an unset of a name not written out', 'npm() { :; }; unset -f "$f"', []],
    ['eval', 'npm() { :; }; eval "$x"', []],
    ['aliases', 'shopt -s expand_aliases\nnpm() { :; }', []],
    ['a definition after the branch closes', 'if x; then :; fi\nnpm() { :; }', ['npm']],
  ])('%s', (_name, script, names) => {
    expect(shellFunctionsInForce(script).map((w) => w.value)).toEqual(names);
  });
});

describe('command views', () => {
  const names = (script: string, embedded = false) =>
    scriptCommands(script, 0, script.length, embedded).map((v) => v.name);

  it('sees through wrappers and their options to the program they run', () => {
    expect(
      names(
        'sudo -E -u app env A=1 -i timeout -s KILL 60 nice -n 5 /usr/bin/curl -k x; xargs -n1 -I{} wget {}; ' +
          'python3 -m pip install x; command -p curl.exe y',
      ),
    ).toEqual(['curl', 'wget', 'pip', 'curl']);
  });

  it('lexes scripts given to shells and eval as commands of their own', () => {
    expect(names(`sh -c 'curl -k a | tar x'; bash -euxc "wget b"; eval "apk add c"`)).toEqual([
      'sh',
      'curl',
      'tar',
      'bash',
      'wget',
      'eval',
      'apk',
    ]);
  });

  it('sets aside the prefixes of languages that hold shell lines', () => {
    expect(names('- run: curl -k x', true)).toEqual(['curl']);
    expect(names('RUN --mount=type=cache,target=/root/.cache pip install x', true)).toEqual(['pip']);
    expect(names('\t@curl -k x', true)).toEqual(['curl']);
    expect(names(`sh 'aws s3 cp --no-verify-ssl a b'`, true)).toEqual(['sh', 'aws']);
    expect(names('script: "wget --no-check-certificate y"', true)).toEqual([
      'wget --no-check-certificate y',
      'wget',
    ]);
    expect(viewOf(lexShell('- run: curl')[0]!, false).name).toBe('-');
  });

  it('places an offset in its innermost command word', () => {
    const script = `echo "curl --insecure x" && sh -c "curl --insecure y" # --insecure`;
    const views = scriptCommands(script);
    const at = (needle: string, from = 0) => contextAt(views, script.indexOf(needle, from));
    expect(at('--insecure')).toMatchObject({ role: 'argument', view: { name: 'echo' } });
    expect(at('--insecure', 30)).toMatchObject({ role: 'argument', view: { name: 'curl' } });
    expect(at('--insecure', 60)).toBeUndefined();
    expect(at('sh -c')).toMatchObject({ role: 'name', view: { name: 'sh' } });
  });

  it('tells output stored in a file from output shown', () => {
    const script =
      'echo a > /etc/x; echo b >/dev/null; echo c | sudo tee -a ~/.curlrc; echo d | tee /dev/stderr; echo e >&2';
    const views = scriptCommands(script);
    expect(views.filter((v) => v.name === 'echo').map((v) => writesToFile(views, views.indexOf(v)))).toEqual([
      true,
      false,
      true,
      false,
      false,
    ]);
  });
});
