import type { Finding } from '../core/types.js';

/** A GitHub workflow-command annotation, before escaping; the sink emits it through action/commands.ts. */
export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

/** Options of `planAnnotations`. */
export interface AnnotationOptions {
  /** GitHub shows at most this many annotations of each level per step (default 10). */
  maxPerLevel?: number;
  /** Where the full report can be read, named in the overflow notice (e.g. "the job summary"). */
  fullReportHint?: string;
  /**
   * Whether a finding sits on a line the pull request changed: those come first within their group
   * (blocking, then other open findings), so the per-step slots go to what the author just wrote.
   */
  onChangedLine?: (f: Finding) => boolean;
}

/** Options of `renderText`. */
export interface TextOptions {
  /** ANSI colours (the CLI turns them on for a TTY). */
  color?: boolean;
  /** One line per finding; each rule's fix is given once, after the findings. */
  compact?: boolean;
  /** List only the findings that fail the gate (the others are counted); fixes given once. */
  blockingOnly?: boolean;
}

/** Options of `renderMarkdown`. */
export interface MarkdownOptions {
  /** Most findings listed; the rest are counted in one line (default 200). */
  maxFindings?: number;
  /**
   * Upper bound of the output in UTF-8 bytes (default just under GitHub's 1 MiB job-summary limit;
   * a sticky PR comment would pass about 60,000).
   */
  maxBytes?: number;
  /** Where every finding can be read, named when some are left out. */
  fullReportHint?: string;
}
