/**
 * Compose's variable interpolation, as `docker compose` applies it to every value of a compose file
 * before anything runs (compose-go's template package): `${VAR}` and `$VAR` take the variable's value,
 * `${VAR:-default}` the default when it is unset or empty, `${VAR-default}` when it is unset,
 * `${VAR:+alt}` / `${VAR+alt}` the alternative when it is set, `$$` is a literal `$`; a default may
 * itself hold variables. The values come from the project's `.env` (the compose file's folder),
 * which Compose reads; a variable set nowhere in the repository is the deployer's environment, and
 * Compose uses what the file says without it: the default, else an empty string.
 */

/** One variable a value names, and where the value Compose uses comes from. */
export interface VariableUse {
  name: string;
  /**
   * `env-file`: the project's `.env` sets it; `default`: set nowhere in the repository, the
   * written default (or alternative) applies; `unset`: set nowhere and no default, Compose substitutes
   * an empty string; `environment`: a variable every shell sets (`HOME`), kept as written.
   */
  from: 'env-file' | 'default' | 'unset' | 'environment';
}

/** A value written with variables, and the value Compose uses. */
export interface Interpolation {
  written: string;
  value: string;
  uses: VariableUse[];
}

/**
 * Variables every environment that runs Compose sets (the user's home, name and ids, the working
 * directory): a value naming one is kept as written, and the rules that judge them (`${HOME}/.ssh`)
 * read them as such.
 */
const ENVIRONMENT_VARIABLES = new Set(['HOME', 'USER', 'PWD', 'UID', 'GID', 'XDG_RUNTIME_DIR']);

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const BRACED = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/;

/** Bound on nested defaults (`${A:-${B:-${C}}}`) followed. */
const MAX_DEPTH = 10;

/**
 * The value Compose makes of `text` with the variables `env` sets, or undefined when `text` names no
 * variable (nothing to interpolate) or Compose would not run it: an invalid template, or a required
 * variable (`${VAR:?message}`) the repository sets nowhere, which the deployer must give.
 */
export function interpolate(text: string, env: ReadonlyMap<string, string>): Interpolation | undefined {
  if (!text.includes('$')) return undefined;
  const uses: VariableUse[] = [];
  const value = expand(text, env, uses, 0);
  return value === undefined ? undefined : { written: text, value, uses };
}

function expand(
  text: string,
  env: ReadonlyMap<string, string>,
  uses: VariableUse[],
  depth: number,
): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      let j = i + 2;
      let open = 1;
      while (j < text.length) {
        if (text[j] === '$' && text[j + 1] === '{') {
          open++;
          j += 2;
          continue;
        }
        if (text[j] === '}' && --open === 0) break;
        j++;
      }
      if (open !== 0) return undefined;
      const m = BRACED.exec(text.slice(i + 2, j));
      if (!m) return undefined;
      const value = resolve(m[1]!, m[2], m[3] ?? '', env, uses, depth);
      if (value === undefined) return undefined;
      out += value;
      i = j + 1;
      continue;
    }
    const name = NAME.exec(text.slice(i + 1))?.[0];
    if (name === undefined) return undefined;
    const value = resolve(name, undefined, '', env, uses, depth);
    if (value === undefined) return undefined;
    out += value;
    i += 1 + name.length;
  }
  return out;
}

function resolve(
  name: string,
  op: string | undefined,
  arg: string,
  env: ReadonlyMap<string, string>,
  uses: VariableUse[],
  depth: number,
): string | undefined {
  const value = env.get(name);
  const set = value !== undefined;
  const nonEmpty = set && value !== '';
  if (set) uses.push({ name, from: 'env-file' });
  else if (ENVIRONMENT_VARIABLES.has(name)) {
    // Set wherever Compose runs: its value is the environment's, whatever default is written.
    uses.push({ name, from: 'environment' });
    return op === ':+' || op === '+' ? expand(arg, env, uses, depth + 1) : `\${${name}}`;
  }
  switch (op) {
    case undefined:
      if (set) return value;
      uses.push({ name, from: 'unset' });
      return '';
    case ':-':
    case '-':
      if (op === ':-' ? nonEmpty : set) return value;
      if (!set) uses.push({ name, from: 'default' });
      return expand(arg, env, uses, depth + 1);
    case ':+':
    case '+':
      if (op === ':+' ? nonEmpty : set) return expand(arg, env, uses, depth + 1);
      if (!set) uses.push({ name, from: 'default' });
      return '';
    default:
      // `:?` and `?`: required. Set nowhere here, the deployer must give it: no known value.
      return (op === ':?' ? nonEmpty : set) ? value : undefined;
  }
}

/**
 * The variables a `.env` file sets, as Compose reads it: `NAME=value` lines (`export ` allowed),
 * `#` comments, single-quoted values literal, double-quoted ones with `\n`-style escapes, unquoted
 * ones trimmed and cut at ` #`; double-quoted and unquoted values may name variables set above.
 */
export function parseDotenv(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, name, rest] = m as unknown as [string, string, string];
    let value: string;
    if (rest.startsWith("'")) {
      const end = rest.indexOf("'", 1);
      value = end < 0 ? rest.slice(1) : rest.slice(1, end);
    } else if (rest.startsWith('"')) {
      const end = rest.slice(1).search(/(?<!\\)"/);
      const body = end < 0 ? rest.slice(1) : rest.slice(1, end + 1);
      const unescaped = body.replace(/\\([nrt"\\$])/g, (_, e: string) =>
        e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e,
      );
      value = interpolate(unescaped, env)?.value ?? unescaped;
    } else {
      const plain = rest.replace(/\s+#.*$/, '').trim();
      value = interpolate(plain, env)?.value ?? plain;
    }
    env.set(name, value);
  }
  return env;
}
