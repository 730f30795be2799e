/**
 * The text of the declarations file `controlgate init` drafts: YAML a person reads and edits, with
 * the schema line editors use, the header to fill in, one section per theme, and the reason for
 * every entry. Values are written as JSON strings (valid YAML that escapes everything).
 */
import path from 'node:path';
import { allControls, THEMES, type Theme } from '../catalog.js';
import { addDays } from './check.js';
import type { Entry } from './init.js';

/** The schema line editors read (yaml-language-server, and the YAML extensions built on it). */
export const SCHEMA_COMMENT =
  '# yaml-language-server: $schema=https://raw.githubusercontent.com/controlgate/controlgate/main/schemas/controls.schema.json';

const MAX_EVIDENCE = 4;

const THEME_NOTE: Record<Theme, string> = {
  Organizational:
    'Organizational controls (5.x): policies and processes. Cite the documents that show them (a file in the repository, or a URL with an owner and a review date), or declare them not-applicable with the reason.',
  People:
    'People controls (6.x): screening, terms, awareness, reporting. Usually evidenced outside the repository: cite a URL with an owner and a review date.',
  Physical:
    "Physical controls (7.x): premises and equipment. For a repository these are usually another team's, or not applicable: say which.",
  Technological: "Technological controls (8.x): checked by controlgate's rules on every change.",
};

export interface DraftHeader {
  root: string;
  /** `YYYY-MM-DD`. */
  today: string;
  /** The first owner of CODEOWNERS' catch-all rule, when there is one. */
  owner: string | undefined;
}

/** The draft's text. */
export function renderDraft(entries: ReadonlyMap<string, Entry>, header: DraftHeader): string {
  const lines = [
    SCHEMA_COMMENT,
    '# Statement of Applicability for the 93 controls of ISO/IEC 27002:2022 (ISO/IEC 27001:2022 Annex A),',
    `# drafted by \`controlgate init\` on ${header.today}. Every entry is what controlgate's check confirms`,
    '# today: implemented where a rule found the evidence, not-applicable where the repository holds nothing',
    "# a control's rules check (confirm each one), planned with a TODO where only a person can decide.",
    'version: 1',
    `scope: ${q(`${path.basename(path.resolve(header.root)) || 'this'} repository`)}`,
    `owner: ${q(header.owner ?? 'TODO: the team accountable for these declarations')}`,
    `approved-by: ${q('TODO: who approves this Statement of Applicability')}`,
    `# reviewed: ${header.today}   # set when the declarations are approved; a year later it is stale`,
    'controls:',
  ];
  for (const theme of THEMES) {
    lines.push(`  # ${THEME_NOTE[theme]}`);
    for (const c of allControls().filter((x) => x.theme === theme)) {
      const e = entries.get(c.id);
      if (!e) continue;
      if (e.status === 'not-applicable') {
        lines.push(`  # proposed by controlgate init: confirm, or declare where ${c.id} is implemented`);
      }
      lines.push(`  ${q(c.id)}: # ${c.title}`);
      lines.push(`    status: ${e.status}`);
      if (e.status === 'implemented') {
        lines.push(`    justification: ${q(`controlgate found: ${e.because.join('; ')}.`)}`);
        lines.push(`    evidence: [${e.evidence.slice(0, MAX_EVIDENCE).map(q).join(', ')}]`);
      } else if (e.status === 'not-applicable') {
        lines.push(`    justification: ${q(e.justification)}`);
      } else {
        lines.push(`    justification: ${q(e.todo)}`);
        lines.push(`    # due: ${addDays(header.today, 90)}`);
      }
    }
  }
  lines.push(
    '# Approved risk acceptances, e.g.:',
    '#  - id: EXC-0001',
    '#    rules: [dockerfile-root-user]',
    '#    paths: ["legacy/**"]',
    '#    reason: Legacy image, removal tracked in TICKET-123',
    '#    approved-by: "@org/security"',
    `#    expires: ${addDays(header.today, 90)}`,
    'exceptions: []',
    '',
  );
  return lines.join('\n');
}

/** A YAML double-quoted scalar: JSON string syntax is valid YAML and escapes everything. */
function q(s: string): string {
  return JSON.stringify(s);
}
