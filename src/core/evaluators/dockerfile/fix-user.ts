import { lineBreak, makeFix } from '../../fix/edits.js';
import type { FixAttempt } from '../../fix/yaml-fix.js';
import {
  type DockerfileModel,
  finalStage,
  parseDockerfile,
  type Stage,
  stageChain,
} from '../../parsers/dockerfile.js';
import type { TextEdit } from '../../types.js';
import { vendored } from '../../vendored.js';
import type { LineIndex } from '../../workspace/lines.js';

/** The unprivileged user the fix switches to: numeric, so it needs no entry in /etc/passwd. */
export const FIX_USER = '10001';

/** Instructions after which the image's user no longer matters for the build. */
const RUNTIME_ONLY = new Set(['CMD', 'ENTRYPOINT', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'STOPSIGNAL', 'VOLUME']);

/**
 * The fix of a final stage that runs as root, or of `stage`, another stage a build targets: `USER
 * 10001` before its final CMD/ENTRYPOINT (so the build steps before it keep running as root), or at
 * its end when build steps follow them. Not for Windows images, whose users are names, not numbers.
 */
export function userFix(model: DockerfileModel, text: string, lines: LineIndex, stage?: Stage): FixAttempt {
  const final = stage ?? finalStage(model);
  if (!final) return { unfixable: 'no final stage' };
  // The stages built on it would run their steps as the new user too, which may need root.
  const child = model.stages.find((s) => s.index > final.index && stageChain(model, s).includes(final));
  if (child) {
    return {
      unfixable: `the stage "${child.from.name ?? child.index}" is built FROM this one, and would run its steps as the new user too: set the user by hand`,
    };
  }
  const image = final.from.image ?? '';
  if (model.escapeChar === '`' || /windows|nanoserver|servercore/i.test(image)) {
    return { unfixable: 'a Windows image names its users (USER ContainerUser); set one by hand' };
  }
  const source = text.replace(/\r(?!\n)/g, ' ');
  const fromLine = final.from.span.start.line;
  // The stage's instructions: up to the next stage's FROM.
  const endLine = model.stages[final.index + 1]?.from.span.start.line ?? Number.POSITIVE_INFINITY;
  const instructions = vendored('dockerfile-ast')
    .DockerfileParser.parse(source)
    .getInstructions()
    .filter((i) => i.getRange().start.line + 1 >= fromLine && i.getRange().start.line + 1 < endLine)
    .map((i) => ({
      keyword: i.getKeyword(),
      start: i.getRange().start.line + 1,
      end: i.getRange().end.line + 1,
    }));
  if (instructions.length < 1) return { unfixable: 'the final stage could not be read' };
  const lastOf = (k: string) => instructions.map((i) => i.keyword).lastIndexOf(k);
  const starts = [lastOf('CMD'), lastOf('ENTRYPOINT')].filter((i) => i > 0);
  let at = starts.length > 0 ? Math.min(...starts) : -1;
  // A build step after the start command would run as the new user: then the USER goes last.
  if (at > 0 && instructions.slice(at).some((i) => !RUNTIME_ONLY.has(i.keyword))) at = -1;
  const eol = lineBreak(text);
  const line = `USER ${FIX_USER}`;
  let edit: TextEdit;
  if (at > 0) {
    let first = instructions[at]!.start;
    // Comments directly above the start command describe it: the USER goes above them.
    while (first > fromLine + 1 && /^\s*#/.test(lineText(text, lines, first - 1))) first--;
    const start = lines.lineStart(first);
    edit = { start, end: start, text: `${line}${eol}` };
  } else {
    const last = instructions[instructions.length - 1]!.end;
    if (last >= lines.lineCount || lines.lineStart(last + 1) >= text.length) {
      const end = text.length;
      edit = { start: end, end, text: text.endsWith('\n') ? `${line}${eol}` : `${eol}${line}` };
    } else {
      const start = lines.lineStart(last + 1);
      edit = { start, end: start, text: `${line}${eol}` };
    }
  }
  const after = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  const check = parseDockerfile(model.path, after).stages[final.index];
  if (check?.users[check.users.length - 1]?.value !== FIX_USER) {
    return { unfixable: 'the USER line could not be placed without changing another instruction' };
  }
  const what = stage ? `the stage "${stage.from.name ?? stage.index}"` : 'the final stage';
  const fix = makeFix(text, lines, `Run ${what} as the unprivileged user ${FIX_USER}`, [edit]);
  return fix ? { fix } : { unfixable: 'nothing to change' };
}

function lineText(text: string, lines: LineIndex, line: number): string {
  const start = lines.lineStart(line);
  const next = line < lines.lineCount ? lines.lineStart(line + 1) : text.length;
  return text.slice(start, next);
}
