import * as core from '@actions/core';
import { type Logger, type Report, runCheck, UsageError } from '../core/index.js';
import { createActionsLogger, infoVerbatim } from './logger.js';
import { envInput, readSettings, type Settings } from './settings.js';
import { defaultSinks, type Sink, type SinkContext, writeSinks } from './sinks.js';

/** What {@link run} can be given instead of its defaults. */
export interface RunOptions {
  /** The sinks to write, in order (default {@link defaultSinks}); PR features add theirs here. */
  sinks?: Sink[];
}

/**
 * One Action run: inputs -> settings -> report -> sinks -> gate. The gate is the step's exit status:
 * `core.setFailed` (exit code 1) when it fails, and for any error. User errors (bad input, config or
 * rule file) are reported by their message alone; an unexpected error also leaves its stack in the
 * debug log. Never throws.
 */
export async function run(options: RunOptions = {}): Promise<void> {
  // @actions/core reads the runner's files from process.env too, so there is one environment only.
  const env = process.env;
  try {
    const settings = readSettings(envInput(env), env);
    const logger = createActionsLogger();
    const report = await check(settings, logger);
    const context: SinkContext = {
      settings,
      env,
      files: {},
      reservedAnnotations: {
        error: logger.issued.error + (report.summary.gate.result === 'fail' ? 1 : 0),
        warning: logger.issued.warning + (report.errors.length > 0 ? 1 : 0),
        notice: logger.issued.notice,
      },
    };
    const outcomes = await writeSinks(options.sinks ?? defaultSinks(), report, context);
    core.debug(`sinks: ${outcomes.map((o) => `${o.name}=${o.status}`).join(', ')}`);
    reportRuleErrors(report);
    gate(report);
  } catch (err) {
    if (err instanceof UsageError) {
      core.setFailed(err.message);
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof Error && err.stack) core.debug(err.stack);
    core.setFailed(`controlgate failed unexpectedly: ${message}`);
  }
}

function check(settings: Settings, logger: Logger): Promise<Report> {
  return runCheck({
    root: settings.root,
    ruleDirs: settings.ruleDirs,
    logger,
    ...(settings.configPath ? { configPath: settings.configPath } : {}),
    ...(settings.failOn ? { failOn: settings.failOn } : {}),
  });
}

/**
 * A rule that crashed is not a finding and does not fail the gate (the run goes on without it), but
 * its control is then unverified, which deserves one visible warning rather than a log line.
 */
function reportRuleErrors(report: Report): void {
  const { errors } = report;
  if (errors.length === 0) return;
  const ids = errors.map((e) => e.ruleId);
  const shown = ids.length > 5 ? `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more` : ids.join(', ');
  core.warning(
    `${errors.length} rule${errors.length === 1 ? '' : 's'} could not be evaluated (${shown}); their controls are unverified in this run. See the log for each error.`,
  );
  infoVerbatim(errors.map((e) => `rule ${e.ruleId}: ${e.message}`).join('\n'));
}

function gate(report: Report): void {
  const { gate: result, findings } = report.summary;
  if (result.result === 'fail') {
    core.setFailed(`controlgate gate failed: ${result.reasons.join('; ')}`);
    return;
  }
  const counts = `${findings} finding${findings === 1 ? '' : 's'}`;
  core.info(
    result.failOn === 'never'
      ? `controlgate gate passed (fail-on never disables it): ${counts}`
      : `controlgate gate passed (fail-on ${result.failOn}): ${counts}, none blocking`,
  );
}
