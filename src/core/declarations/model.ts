/**
 * The declarations file (`.github/controls.yml`) as controlgate reads it: the Statement of
 * Applicability for the technological controls, and the approved exceptions. Parsed with positions,
 * so every problem and every policy change points at a line.
 */
import type { ControlDeclaration, Location, RawFinding } from '../types.js';
import type { YamlDocument } from '../workspace/yaml.js';

/** Default location of the declarations file, relative to the repository root. */
export const DEFAULT_CONTROLS_FILE = '.github/controls.yml';

/** One control's declaration with what the checks need beyond the public shape. */
export interface DeclaredControl extends ControlDeclaration {
  id: string;
  evidence: string[];
  reviewed: string | null;
  /** JSON pointer of the entry in the file (`/controls/8.28`, or the 2013 key it came from). */
  pointer: string;
}

/** One approved exception (risk acceptance), as written. */
export interface DeclaredException {
  id: string;
  rules: string[];
  /** Globs; empty means everywhere (repository-level findings included). */
  paths: string[];
  control: string | null;
  reason: string | null;
  approvedBy: string | null;
  expires: string | null;
  /** JSON pointer of the item (`/exceptions/0`). */
  pointer: string;
  location: Location;
}

/** A located problem with the declarations, reported as a finding of one of the policy rules. */
export interface DeclarationProblem extends RawFinding {
  kind: PolicyProblemKind;
}

/** Where a JSON pointer of the declarations file is (`onKey`: at its mapping key). */
export type Locator = (pointer: string, onKey?: boolean) => Location;

/** Which policy rule reports a problem; the rule's `check.kind` is `policy.<kind>`. */
export type PolicyProblemKind =
  | 'declarations-file'
  | 'evidence'
  | 'justification'
  | 'undeclared'
  | 'plan-due'
  | 'review-overdue'
  | 'exceptions'
  | 'inline-ignores'
  | 'changes'
  | 'rule-files';

/** The parsed declarations file. */
export interface Declarations {
  /** Path relative to the repository root. */
  file: string;
  /** Set when the file could not be read as YAML at all: every control is then unverifiable. */
  unreadable: string | null;
  meta: { scope: string | null; owner: string | null; approvedBy: string | null; reviewed: string | null };
  /** By 2022 id; ISO/IEC 27001:2013 ids are already translated. */
  controls: Map<string, DeclaredControl>;
  /** 2022 ids whose entry is invalid, with the reason: their verdict is unverifiable. */
  invalid: Map<string, string>;
  /** Valid exceptions (an exception with a schema error is never applied). */
  exceptions: DeclaredException[];
  /** Schema and syntax problems, located; reported by `controls-file-invalid`. */
  problems: DeclarationProblem[];
  /** Explanations for the reader (2013 ids translated or ignored). */
  notices: string[];
  /** The parsed document, for locating values; undefined when unreadable. */
  document?: YamlDocument;
  /**
   * Locates a pointer of this file. When the policy comes from the base commit, it is replaced by one
   * that points into the head's version, the file people see in the pull request.
   */
  locate: Locator;
}
