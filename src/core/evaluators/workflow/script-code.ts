/**
 * Values of the event payload that a github-script `script` hands, as JavaScript values, to a
 * program that parses them as code: a shell started with `-c` (`exec.exec('bash', ['-c', ...])`,
 * `exec.getExecOutput('sh -c "..."')`), `child_process`'s `exec`/`execSync` (which run a shell), a
 * `spawn`/`execFile` given `shell: true`, `eval`, `new Function`, or `vm.run*`. The script itself is
 * safe from `${{ }}` substitution, but the value becomes code one step later: `exec.exec('bash',
 * ['-c', 'echo ' + context.payload.comment.body])` runs whatever the comment holds. An argument list
 * given to a program without a shell (`exec.exec('git', ['commit', '-m', body])`) is data.
 *
 * A value is `context.payload.<path>`, `github.context.payload.<path>`, `process.env.NAME` (what the
 * step's `env:` gives it), or a variable assigned one of them on its own declaration
 * (`const body = context.payload.comment.body.trim()`, `const { body } = context.payload.comment`,
 * `const issue = context.payload.issue` then `issue.title`). Read with regular expressions, not a
 * JavaScript parser: a call's arguments run to its closing parenthesis, counted over the text.
 */

export interface ScriptCodeValue {
  /** The value as the script writes it (`body`, `context.payload.issue.title`). */
  text: string;
  /** Offsets of that text in the script. */
  start: number;
  end: number;
  /** The expression it stands for: `github.event.issue.title`, `env.BODY`. */
  expression: string;
  /** What parses it as code (`bash -c (exec.exec)`, `eval`). */
  program: string;
}

const IDENT = '[A-Za-z_$][\\w$]*';
/** A read of the payload or of the step's environment, with the fields read after it. */
const VALUE_READ = new RegExp(
  `(?<![\\w$.])(?:(?:github\\.)?context\\.payload((?:\\.${IDENT})*)|process\\.env\\.(${IDENT}))`,
  'g',
);
/** `const|let|var NAME = <value up to the line's end or a semicolon>`. */
const DECLARATION = new RegExp(`\\b(?:const|let|var)\\s+(${IDENT})\\s*=\\s*([^\\n;]*)`, 'g');
/** `const|let|var { a, b: c } = <value>`. */
const DESTRUCTURING = /\b(?:const|let|var)\s*\{([^{}]*)\}\s*=\s*([^\n;]*)/g;
/** Shells and interpreters given a program on their command line, and the option that takes it. */
const CODE_PROGRAM = /(?:^|[\s'"`[,/])(?:ba|z|da|k)?sh|pwsh|powershell|python[\d.]*|node|perl|ruby|php/;
const CODE_OPTION = /['"`\s](?:-c|-e|-Command|--eval|-r)['"`\s,]/;

interface Sink {
  call: RegExp;
  program: string;
  code: (args: string) => boolean;
}

const shellCommandLine = (args: string) => CODE_PROGRAM.test(args) && CODE_OPTION.test(`${args} `);

/** Calls whose arguments may be code, with when they are. */
const SINKS: Sink[] = [
  { call: /\bexec\.(?:exec|getExecOutput)\s*\(/g, program: '(exec.exec)', code: shellCommandLine },
  { call: /(?<![\w$.])eval\s*\(/g, program: 'eval', code: () => true },
  { call: /\bnew\s+Function\s*\(/g, program: 'new Function', code: () => true },
  { call: /\bvm\.run\w*\s*\(/g, program: 'vm', code: () => true },
];

/**
 * The calls of `child_process` in a script: through the name it is bound to (`const cp =
 * require('child_process')`, `import cp from 'node:child_process'`), `require('child_process').`
 * itself, or the functions taken out of it (`const { execSync } = require('child_process')`).
 * `exec`/`execSync` run a shell; `spawn`/`execFile` only with `shell: true` or a shell's `-c`.
 */
function childProcessSinks(script: string): Sink[] {
  if (!/\bchild_process\b/.test(script)) return [];
  const MODULE = `(?:require\\(\\s*['"\`](?:node:)?child_process['"\`]\\s*\\))`;
  const receivers = [MODULE];
  const functions: string[] = [];
  const bound = new RegExp(`\\b(?:const|let|var)\\s+(${IDENT})\\s*=\\s*${MODULE}`, 'g');
  for (const m of script.matchAll(bound)) receivers.push(m[1]!.replace(/\$/g, '\\$'));
  for (const m of script.matchAll(
    /\bimport\s+(?:\*\s+as\s+)?([A-Za-z_$][\w$]*)\s+from\s+['"`](?:node:)?child_process['"`]/g,
  ))
    receivers.push(m[1]!.replace(/\$/g, '\\$'));
  const taken = new RegExp(
    `\\b(?:const|let|var|import)\\s*\\{([^{}]*)\\}\\s*(?:=\\s*${MODULE}|from\\s*['"\`](?:node:)?child_process['"\`])`,
    'g',
  );
  for (const m of script.matchAll(taken)) {
    for (const part of m[1]!.split(',')) {
      const [key, alias] = part.split(/:|\bas\b/).map((p) => p.trim());
      if (key) functions.push(`${(alias || key).replace(/\$/g, '\\$')}=${key}`);
    }
  }
  const call = (fns: string) => {
    const direct = functions.filter((f) => new RegExp(`=(?:${fns})$`).test(f)).map((f) => f.split('=')[0]!);
    const alternatives = [`(?:${receivers.join('|')})\\s*\\.\\s*(?:${fns})`, ...direct];
    return new RegExp(`(?<![\\w$.])(?:${alternatives.join('|')})\\s*\\(`, 'g');
  };
  return [
    { call: call('exec|execSync'), program: 'a shell (child_process)', code: () => true },
    {
      call: call('spawn|spawnSync|execFile|execFileSync'),
      program: 'a shell (child_process)',
      code: (args) => /\bshell\s*:\s*(?:true|['"`])/.test(args) || shellCommandLine(args),
    },
  ];
}

/** Payload and environment values the script passes into code (see the module's comment). */
export function scriptCodeValues(script: string): ScriptCodeValue[] {
  if (!/context\.payload|process\.env/.test(script)) return [];
  // Variables assigned a value (or an object) read from the payload or the environment.
  const bound = new Map<string, string>();
  const bind = (name: string, value: string) => {
    const read = firstRead(value);
    if (read) bound.set(name, read);
  };
  for (const m of script.matchAll(DECLARATION)) bind(m[1]!, m[2]!);
  for (const m of script.matchAll(DESTRUCTURING)) {
    const base = firstRead(m[2]!);
    if (!base || base.startsWith('env.')) continue;
    for (const part of m[1]!.split(',')) {
      const [key, alias] = part.split(':').map((p) => p.trim().replace(/\s*=.*$/, ''));
      if (key && new RegExp(`^${IDENT}$`).test(key)) bound.set(alias || key, `${base}.${key}`);
    }
  }
  // A variable built from one of them (`const cmd = `echo ${title}``), a few assignments deep.
  for (let round = 0; round < 3 && bound.size > 0; round++) {
    const reads = variableReads(bound);
    let added = false;
    for (const m of script.matchAll(DECLARATION)) {
      if (bound.has(m[1]!)) continue;
      const value = m[2]!;
      const text = inStrings(value);
      for (const r of value.matchAll(reads)) {
        if (text[r.index]) continue;
        bound.set(m[1]!, `${bound.get(r[1]!)!}${withoutMethod(r[2] ?? '', value, r)}`);
        added = true;
        break;
      }
    }
    if (!added) break;
  }
  const VARIABLE = bound.size > 0 ? variableReads(bound) : undefined;
  const out: ScriptCodeValue[] = [];
  for (const sink of [...SINKS, ...childProcessSinks(script)]) {
    for (const m of script.matchAll(sink.call)) {
      const open = m.index + m[0].length;
      const close = closingParen(script, open);
      const args = script.slice(open, close);
      if (!sink.code(args)) continue;
      const text = inStrings(args);
      const program = sink.program === '(exec.exec)' ? `${shellIn(args)} (exec.exec)` : sink.program;
      for (const r of args.matchAll(VALUE_READ)) {
        if (text[r.index]) continue;
        const shown = withoutMethod(r[0], args, r);
        const expression = r[1] !== undefined ? `github.event${withoutMethod(r[1], args, r)}` : `env.${r[2]}`;
        const start = open + r.index;
        out.push({ text: shown, start, end: start + shown.length, expression, program });
      }
      if (!VARIABLE) continue;
      for (const r of args.matchAll(VARIABLE)) {
        if (text[r.index]) continue;
        const base = bound.get(r[1]!)!;
        const shown = withoutMethod(r[0], args, r);
        const expression = `${base}${withoutMethod(r[2] ?? '', args, r)}`;
        const start = open + r.index;
        out.push({ text: shown, start, end: start + shown.length, expression, program });
      }
    }
  }
  const seen = new Set<number>();
  return out.filter((v) => !seen.has(v.start) && seen.add(v.start));
}

/** A read of one of the variables, with the fields read after it. */
function variableReads(bound: ReadonlyMap<string, string>): RegExp {
  const names = [...bound.keys()].map((n) => n.replace(/\$/g, '\\$'));
  return new RegExp(`(?<![\\w$.])(${names.join('|')})(?![\\w$])((?:\\.${IDENT})*)`, 'g');
}

/** The expression the first payload or environment read of a value stands for, if any. */
function firstRead(value: string): string | undefined {
  VALUE_READ.lastIndex = 0;
  const r = VALUE_READ.exec(value);
  VALUE_READ.lastIndex = 0;
  if (!r) return undefined;
  return r[1] !== undefined ? `github.event${withoutMethod(r[1], value, r)}` : `env.${r[2]}`;
}

/**
 * What a match reads, less its last field when that is a method called on it that returns the text
 * (`.trim()`, `.replace(...)`): `read` is the whole match or its fields. Another method (`.includes`,
 * `.startsWith`) returns no text: its name stays, and the path names no source.
 */
function withoutMethod(read: string, text: string, m: RegExpMatchArray): string {
  const after = (m.index ?? 0) + m[0].length;
  if (!/^\s*\(/.test(text.slice(after))) return read;
  return TEXT_METHOD.test(read) ? read.replace(/\.[^.]+$/, '') : read;
}

/** String methods whose result is the text, changed in ways that keep what an attacker wrote. */
const TEXT_METHOD =
  /\.(?:trim|trimStart|trimEnd|toLowerCase|toUpperCase|toLocaleLowerCase|toLocaleUpperCase|replace|replaceAll|slice|substring|substr|normalize|padStart|padEnd|toString|concat|at)$/;

/** The shell or interpreter named in a call's arguments, for the message. */
function shellIn(args: string): string {
  const m = /(?:ba|z|da|k)?sh|pwsh|powershell|python[\d.]*|node|perl|ruby|php/.exec(args);
  return `${m?.[0] ?? 'a shell'} -c`;
}

/**
 * Which offsets of a piece of JavaScript are inside the text of a string literal (quoted, or a
 * template literal outside its `${}`): a name there is a word, not a value read.
 */
function inStrings(code: string): boolean[] {
  const mask: boolean[] = new Array(code.length).fill(false);
  // The open template literals, and for each the depth of braces of its `${}` being read.
  const stack: number[] = [];
  let quote: string | undefined;
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (quote) {
      mask[i] = true;
      if (c === '\\') {
        mask[i + 1] = true;
        i++;
      } else if (c === quote) quote = undefined;
      else if (quote === '`' && c === '$' && code[i + 1] === '{') {
        stack.push(0);
        quote = undefined;
        i++;
      }
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      quote = c;
      mask[i] = true;
    } else if (stack.length > 0 && c === '{') stack[stack.length - 1]!++;
    else if (stack.length > 0 && c === '}') {
      if (stack[stack.length - 1] === 0) {
        stack.pop();
        quote = '`';
      } else stack[stack.length - 1]!--;
    }
  }
  return mask;
}

/** The offset of the parenthesis that closes the one opened just before `from` (or the text's end). */
function closingParen(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return text.length;
}
