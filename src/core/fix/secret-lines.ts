/**
 * The guard that keeps secrets out of fixes. A fix carries the lines it changes (its region, and the
 * edits made in them), and every place that shows a fix copies them: the JSON report, a review
 * comment's suggestion, `controlgate fix`'s list of what it would do. So a fix whose lines hold a
 * secret is withheld ({@link HOLDS_SECRET}), whichever rule computed it, and the user makes the
 * change by hand. Which lines hold a secret is what every detector of the project says: the secret
 * scanner, and the rules that read a literal credential from a file's structure where the scanner
 * sees a line without its name (a Kubernetes `env` value below its `name:`, a Dockerfile
 * `ENV NAME value`, a provider's credential, a job container's registry password). Each of those
 * rules exports its own judgement, used here as it is.
 */

import { literalSecretDecls } from '../evaluators/dockerfile/secret-env.js';
import { envSecretLiterals } from '../evaluators/k8s/env-secret-literal.js';
import { scanFile } from '../evaluators/secrets/source.js';
import { CREDENTIAL_ATTRIBUTES, literalCredentials } from '../evaluators/terraform/provider-credentials.js';
import { containerPasswords } from '../evaluators/workflow/container-credentials.js';
import { DOCKERFILE_GLOBS, readDockerfile } from '../parsers/dockerfile.js';
import { containersOf, podSpecOf, readK8sObjects } from '../parsers/k8s.js';
import { terraformFile } from '../parsers/terraform.js';
import { isWorkflowPath, readWorkflowSource } from '../parsers/workflow.js';
import type { FindingFix, RawFinding } from '../types.js';
import type { Workspace } from '../workspace/workspace.js';
import type { NodeSpan, YamlDocument } from '../workspace/yaml.js';

/** Why a fix is withheld when the lines it changes hold a secret (the fix carries those lines). */
export const HOLDS_SECRET = 'the lines it changes hold a secret value: fix them by hand';

/**
 * A password in a URL's user information that is not a variable (`https://deploy:…@host`), whatever the
 * host: the secrets rules leave example and loopback hosts alone, but a fix must not copy even those.
 */
const URL_PASSWORD = /:\/\/[^\s/?#@"'`<>\\:]{0,128}:(?![$%])[^\s/?#@"'`<>\\]{1,256}@/;

/** The attribute names of the Terraform rule's default, as a set (the guard does not see rule options). */
const TERRAFORM_NAMES: ReadonlySet<string> = new Set(CREDENTIAL_ATTRIBUTES);

/**
 * The raw findings with every fix whose lines hold a secret withheld: the fix removed, and
 * {@link HOLDS_SECRET} said instead. The engine passes every rule's findings through it, so no rule
 * can forget it; the lines of a file are worked out once per run, for the files that get a fix.
 */
export async function withholdSecretFixes(
  workspace: Workspace,
  raw: RawFinding[],
  judge: (fix: FindingFix) => boolean = () => true,
): Promise<RawFinding[]> {
  if (!raw.some((r) => r.fix && judge(r.fix))) return raw;
  const out: RawFinding[] = [];
  for (const r of raw) {
    if (r.fix && judge(r.fix) && r.location && (await holdsSecret(workspace, r.location.path, r.fix))) {
      const { fix: _withheld, ...rest } = r;
      out.push({ ...rest, unfixable: HOLDS_SECRET });
    } else out.push(r);
  }
  return out;
}

/**
 * Whether the lines a fix of `file` changes hold a secret: a line of {@link secretLines}, or a password
 * in a URL. The region is what counts, not the finding's line: a fix may rewrite a whole block.
 */
export async function holdsSecret(workspace: Workspace, file: string, fix: FindingFix): Promise<boolean> {
  const { startLine, endLine, text } = fix.region;
  if (URL_PASSWORD.test(text)) return true;
  const lines = await secretLines(workspace, file);
  if (lines.size === 0) return false;
  for (let line = startLine; line <= endLine; line++) if (lines.has(line)) return true;
  return false;
}

/**
 * The lines (1-based) of a file that hold a secret, by the secret scanner (its scan shared with the
 * secrets rules) and by each rule that reports a literal credential of this kind of file. Worked out
 * once per file and run.
 */
export function secretLines(workspace: Workspace, file: string): Promise<ReadonlySet<number>> {
  return workspace.memo('secret-lines', file, (f) => collect(workspace, f));
}

async function collect(workspace: Workspace, file: string): Promise<Set<number>> {
  const lines = new Set<number>();
  const add = (span: NodeSpan | undefined) => {
    if (span) for (let l = span.start.line; l <= span.end.line; l++) lines.add(l);
  };
  // A value reached through an alias is written at its anchor too.
  const addNode = (document: YamlDocument, node: { pointer: string; span: NodeSpan }) => {
    add(node.span);
    add(document.origin(node.pointer)?.span);
  };
  for (const hit of scanFile(workspace, file).hits) lines.add(hit.line);
  if (/\.(?:ya?ml|json)$/i.test(file)) {
    for (const object of readK8sObjects(workspace, file)) {
      const pod = podSpecOf(object);
      if (!pod) continue;
      for (const c of containersOf(pod)) {
        for (const e of envSecretLiterals(c)) addNode(object.document, e.node);
      }
    }
    const source = isWorkflowPath(file) ? readWorkflowSource(workspace, file) : undefined;
    if (source?.kind === 'workflow') {
      for (const job of source.jobs) {
        for (const p of containerPasswords(job)) addNode(source.document, p.password);
      }
    }
  } else if (/\.(?:tf|tofu)(?:\.json)?$/i.test(file)) {
    const model = await terraformFile(workspace, file);
    for (const c of model ? literalCredentials(model, TERRAFORM_NAMES) : []) add(c.attr.value.span);
  } else if (workspace.matcher(DOCKERFILE_GLOBS)(file)) {
    const model = readDockerfile(workspace, file);
    for (const d of model ? literalSecretDecls(model) : []) {
      add(d.decl.span);
      // A value reached through variables is written where they are declared.
      for (const o of d.from ?? []) add(o.span);
    }
  }
  return lines;
}
