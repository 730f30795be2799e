import { controlsFrom2013, getControl } from '../catalog.js';
import { locationFromSpan } from '../location.js';
import type { DeclaredStatus, Location } from '../types.js';
import { schemaValidator, validate } from '../validate.js';
import { escapePointerToken, parseYaml, type YamlDocument } from '../workspace/yaml.js';
import type { Declarations, DeclaredControl, Locator } from './model.js';

/** ISO/IEC 27002:2022 ids of every theme: 5.1-5.37, 6.1-6.8, 7.1-7.14, 8.1-8.34. */
const ID_2022 = /^(5\.([1-9]|[12][0-9]|3[0-7])|6\.[1-8]|7\.([1-9]|1[0-4])|8\.([1-9]|[12][0-9]|3[0-4]))$/;
const ID_2013 = /^A\.([5-9]|1[0-8])\.[0-9]{1,2}\.[0-9]{1,2}$/;

/** Claims least first: when several 2013 ids translate to one control, the weakest claim wins. */
const CLAIM_RANK: Record<DeclaredStatus, number> = {
  planned: 0,
  partial: 1,
  implemented: 2,
  'not-applicable': 3,
};

interface RawControl {
  status: DeclaredStatus;
  justification?: string;
  owner?: string;
  evidence?: string[];
  due?: string;
  reviewed?: string;
}

interface RawException {
  id: string;
  rules: string[];
  paths?: string[];
  control?: string;
  reason?: string;
  'approved-by'?: string;
  expires?: string;
}

/**
 * Parses and validates a declarations file. Never throws: a YAML error makes the whole file
 * unreadable; a schema error is a located problem that invalidates only the entry it is in (a control
 * becomes unverifiable, an exception is not applied); ISO/IEC 27001:2013 ids are translated with a
 * notice.
 */
export function parseDeclarations(text: string, file: string): Declarations {
  const out: Declarations = {
    file,
    unreadable: null,
    meta: { scope: null, owner: null, approvedBy: null, reviewed: null },
    controls: new Map(),
    invalid: new Map(),
    exceptions: [],
    problems: [],
    notices: [],
    locate: (_pointer) => ({ path: file, startLine: 1 }),
  };
  const problem = (message: string, location: Location | null, key: string) =>
    out.problems.push({ kind: 'declarations-file', message: `${file}: ${message}`, location, key });

  // A control declared twice is an error of that control, not of the file: its second entry is set
  // aside (blanked, so every position stays the file's own) and the control is unverifiable.
  let source = text;
  let parsed = parseYaml(source);
  const duplicates: DuplicateControl[] = [];
  while (!parsed.ok && duplicates.length < MAX_DUPLICATES && DUPLICATE_KEY.test(parsed.error.message)) {
    const found = withoutDuplicateControl(source, parsed.error.line);
    if (!found) break;
    duplicates.push(found.duplicate);
    source = found.text;
    parsed = parseYaml(source);
  }
  if (!parsed.ok) {
    const { line, column, message } = parsed.error;
    out.unreadable = `not valid YAML at line ${line}: ${message}`;
    problem(`not valid YAML: ${message}`, { path: file, startLine: line, startColumn: column }, 'yaml');
    return out;
  }
  const doc = parsed.documents[0];
  if (!doc || parsed.documents.length !== 1) {
    out.unreadable = 'a declarations file holds exactly one YAML document';
    problem(out.unreadable, { path: file, startLine: 1 }, 'documents');
    return out;
  }
  out.document = doc;
  out.locate = documentLocator(doc, file);
  const at = out.locate;

  const value = (doc.value ?? {}) as Record<string, unknown>;
  // Keys are checked by hand first: the schema's pattern error would not say what to do instead.
  const checked = structuredClone(value);
  const controlsValue = isObject(value.controls) ? value.controls : undefined;
  const usableKeys: string[] = [];
  if (controlsValue) {
    const valueKeys = new Set(Object.keys(controlsValue));
    const clean: Record<string, unknown> = {};
    for (const key of doc.sourceKeys('/controls')) {
      const where = at(`/controls/${escapePointerToken(key)}`, true);
      if (!valueKeys.has(key)) {
        problem(
          `control id ${key} must be quoted ("${key}"): YAML reads it as the number ${Number(key)}`,
          where,
          `quote:${key}`,
        );
        out.invalid.set(key, `its id must be quoted in ${file}`);
      } else if (!ID_2022.test(key) && !ID_2013.test(key)) {
        const hint = getControl(key)
          ? ''
          : ' (use an ISO/IEC 27002:2022 id: 5.1-5.37, 6.1-6.8, 7.1-7.14 or 8.1-8.34; or an ISO/IEC 27001:2013 id such as A.9.2.3)';
        problem(`unknown control id "${key}"${hint}`, where, `unknown:${key}`);
      } else {
        clean[key] = controlsValue[key];
        usableKeys.push(key);
      }
    }
    (checked as Record<string, unknown>).controls = clean;
  }

  const entryProblems = new Map<string, string>();
  for (const p of validate(schemaValidator('controls.schema.json'), checked, doc)) {
    const location: Location =
      p.line !== undefined
        ? { path: file, startLine: p.line, ...(p.column ? { startColumn: p.column } : {}) }
        : { path: file, startLine: 1 };
    problem(`${p.pointer}: ${p.message}`, location, `schema:${p.pointer}:${p.message}`);
    const entry = /^\/(controls\/[^/]+|exceptions\/\d+)/.exec(p.pointer)?.[1];
    if (entry && !entryProblems.has(entry)) entryProblems.set(entry, `${p.pointer}: ${p.message}`);
  }

  out.meta = {
    scope: str(value.scope),
    owner: str(value.owner),
    approvedBy: str(value['approved-by']),
    reviewed: str(value.reviewed),
  };
  if (controlsValue) readControls(out, controlsValue, usableKeys, entryProblems, at);
  for (const d of duplicates) {
    const lines = `lines ${d.first ?? '?'} and ${d.line}`;
    problem(
      `control id "${d.key}" is declared more than once (${lines}): keep one declaration`,
      { path: file, startLine: d.line, startColumn: d.column },
      `duplicate:${d.key}:${d.line}`,
    );
    const ids = ID_2022.test(d.key) ? [d.key] : controlsFrom2013(d.key).map((c) => c.id);
    for (const id of ids) {
      out.controls.delete(id);
      out.invalid.set(
        id,
        `${d.key === id ? 'it' : d.key} is declared more than once in ${file} (${lines}), so which declaration holds is not known`,
      );
    }
  }
  if (Array.isArray(value.exceptions)) readExceptions(out, value.exceptions, entryProblems, at, problem);
  return out;
}

/** The YAML reader's error for a key a mapping already holds. */
const DUPLICATE_KEY = /duplicated mapping key/;
/** Entries declared twice that are set aside before the file counts as unreadable. */
const MAX_DUPLICATES = 20;

interface DuplicateControl {
  key: string;
  /** 1-based line and column of the second entry, and the line of the first when found. */
  line: number;
  column: number;
  first: number | undefined;
}

/**
 * The text with the entry of `controls` at `line` (a key the mapping already holds) blanked: every
 * character but line breaks becomes a space, so the rest keeps its lines and columns. Undefined when
 * the line is no entry of the top-level `controls` block mapping (the error then stands).
 */
function withoutDuplicateControl(
  text: string,
  line: number,
): { text: string; duplicate: DuplicateControl } | undefined {
  const lines = text.split('\n');
  const at = line - 1;
  const entry = /^( +)(["']?)([A-Za-z0-9.]+)\2[ \t]*:/.exec(lines[at] ?? '');
  if (!entry) return undefined;
  const indent = entry[1]!.length;
  const key = entry[3]!;
  const content = (l: string) => l.trim() !== '' && !l.trimStart().startsWith('#');
  const indentOf = (l: string) => l.length - l.trimStart().length;
  let first: number | undefined;
  let parent = at - 1;
  for (; parent >= 0; parent--) {
    const l = lines[parent]!;
    if (!content(l)) continue;
    if (indentOf(l) < indent) break;
    const m = /^( +)(["']?)([A-Za-z0-9.]+)\2[ \t]*:/.exec(l);
    if (m && m[1]!.length === indent && m[3] === key) first = parent + 1;
  }
  if (parent < 0 || !/^controls[ \t]*:[ \t]*(#.*)?$/.test(lines[parent]!.trimEnd())) return undefined;
  let end = at + 1;
  while (end < lines.length && (!content(lines[end]!) || indentOf(lines[end]!) > indent)) end++;
  for (let i = at; i < end; i++) lines[i] = lines[i]!.replace(/[^\r]/g, ' ');
  return { text: lines.join('\n'), duplicate: { key, line, column: indent + 1, first } };
}

function readControls(
  out: Declarations,
  controls: Record<string, unknown>,
  keys: string[],
  entryProblems: Map<string, string>,
  at: (pointer: string, onKey?: boolean) => Location,
): void {
  const direct = keys.filter((k) => ID_2022.test(k));
  const old = keys.filter((k) => ID_2013.test(k));
  for (const key of direct) {
    const pointer = `/controls/${key}`;
    const bad = entryProblems.get(pointer.slice(1));
    if (bad) {
      out.invalid.set(key, `its declaration is invalid (${bad})`);
      continue;
    }
    out.controls.set(key, declared(key, controls[key] as RawControl, pointer, at(pointer, true), null));
  }
  const translated = new Map<string, DeclaredControl[]>();
  for (const key of old) {
    const pointer = `/controls/${key}`;
    const targets = controlsFrom2013(key);
    const where = at(pointer, true);
    const line = `${where.path}:${where.startLine}`;
    if (targets.length === 0) {
      out.notices.push(
        `${line}: ${key} is not an ISO/IEC 27001:2013 Annex A control; controlgate does not verify it`,
      );
      continue;
    }
    const ids = targets.map((c) => c.id);
    const bad = entryProblems.get(pointer.slice(1));
    for (const id of ids) {
      if (out.controls.has(id) || out.invalid.has(id)) {
        out.notices.push(
          `${line}: ${key} (ISO/IEC 27001:2013) is ${id}, which is declared directly; the direct declaration is used`,
        );
        continue;
      }
      if (bad) {
        out.invalid.set(id, `its declaration (as ${key}) is invalid (${bad})`);
        continue;
      }
      const list = translated.get(id) ?? [];
      list.push(declared(id, controls[key] as RawControl, pointer, where, key));
      translated.set(id, list);
    }
    if (!bad) {
      out.notices.push(
        ids.length === 1
          ? `${line}: ${key} (ISO/IEC 27001:2013) is declared as ${ids[0]} (ISO/IEC 27002:2022); consider writing "${ids[0]}"`
          : `${line}: ${key} (ISO/IEC 27001:2013) maps to ${ids.join(', ')}; the declaration applies to each`,
      );
    }
  }
  for (const [id, list] of translated) {
    if (list.length === 1) {
      out.controls.set(id, list[0]!);
      continue;
    }
    // Several old controls merged into one new one: the weakest claim is the one that can be verified.
    const statuses = new Set(list.map((d) => d.status));
    const status =
      statuses.size === 1
        ? list[0]!.status
        : [...statuses]
            .filter((s) => s !== 'not-applicable')
            .sort((a, b) => CLAIM_RANK[a] - CLAIM_RANK[b])[0]!;
    const first = list.find((d) => d.status === status) ?? list[0]!;
    out.controls.set(id, {
      ...first,
      status,
      evidence: [...new Set(list.flatMap((d) => d.evidence))],
      from2013: list.map((d) => d.from2013).join(', '),
    });
    if (statuses.size > 1) {
      const from = list.map((d) => `${d.from2013} ${d.status}`).join(', ');
      out.notices.push(
        `${first.location?.path}: ${id} is declared through several ISO/IEC 27001:2013 ids with different statuses (${from}); controlgate uses "${status}". Declare "${id}" directly to decide`,
      );
    }
  }
}

function declared(
  id: string,
  raw: RawControl,
  pointer: string,
  location: Location,
  from2013: string | null,
): DeclaredControl {
  return {
    id,
    status: raw.status,
    justification: raw.justification ?? null,
    owner: raw.owner ?? null,
    due: raw.due ?? null,
    reviewed: raw.reviewed ?? null,
    location,
    from2013,
    evidence: [...(raw.evidence ?? [])],
    pointer,
  };
}

function readExceptions(
  out: Declarations,
  list: unknown[],
  entryProblems: Map<string, string>,
  at: (pointer: string, onKey?: boolean) => Location,
  problem: (message: string, location: Location | null, key: string) => void,
): void {
  const seen = new Map<string, number>();
  list.forEach((item, i) => {
    const pointer = `/exceptions/${i}`;
    if (entryProblems.has(pointer.slice(1)) || !isObject(item)) return;
    const raw = item as unknown as RawException;
    const location = at(pointer);
    const previous = seen.get(raw.id);
    if (previous !== undefined) {
      problem(
        `exception id "${raw.id}" is also used by exception ${previous + 1}; ids must be unique`,
        at(`${pointer}/id`),
        `duplicate:${raw.id}`,
      );
      return;
    }
    seen.set(raw.id, i);
    out.exceptions.push({
      id: raw.id,
      rules: [...raw.rules],
      paths: [...(raw.paths ?? [])],
      control: raw.control ?? null,
      reason: blankToNull(raw.reason),
      approvedBy: blankToNull(raw['approved-by']),
      expires: raw.expires ?? null,
      pointer,
      location: { path: location.path, startLine: location.startLine },
    });
  });
}

/** A {@link Locator} for a parsed declarations document. */
export function documentLocator(doc: YamlDocument, file: string): Locator {
  return (pointer, onKey = false) => {
    const span = doc.nearestSpan(pointer);
    return span ? locationFromSpan(file, span, onKey) : { path: file, startLine: 1 };
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function blankToNull(v: string | undefined): string | null {
  return v && v.trim() !== '' ? v : null;
}
