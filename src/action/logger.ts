import { randomUUID } from 'node:crypto';
import type { Logger } from '../core/index.js';
import * as runner from './commands.js';

/** Annotation levels as GitHub counts them against the per-step limit. */
export type AnnotationLevel = 'error' | 'warning' | 'notice';

/** A {@link Logger} that also knows how many annotations it has issued. */
export interface ActionsLogger extends Logger {
  /** Annotations issued so far, by level; the annotation sink leaves room for them. */
  readonly issued: Readonly<Record<AnnotationLevel, number>>;
}

/**
 * The engine's {@link Logger} on the Actions runner. Engine warnings are rare and about the user's own
 * setup (an unknown rule id in the config), so they become annotations like findings do, and are
 * counted so the findings' annotations do not push them past GitHub's per-step limit.
 */
export function createActionsLogger(): ActionsLogger {
  const issued: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  return {
    issued,
    debug: (message) => runner.debug(message),
    info: (message) => runner.info(message),
    warning: (message) => {
      issued.warning += 1;
      runner.warning(message);
    },
    error: (message) => {
      issued.error += 1;
      runner.error(message);
    },
  };
}

/**
 * Writes text taken from the repository (file names, file content, error messages quoting it) to the
 * log with workflow-command processing paused, so a line of it starting with `::` stays plain text.
 */
export function infoVerbatim(text: string): void {
  const token = randomUUID();
  runner.info(`::stop-commands::${token}`);
  runner.info(text);
  runner.info(`::${token}::`);
}
