import { parseUses } from '../../parsers/uses.js';
import type { Job, LocatedMap, Step, WorkflowSource } from '../../parsers/workflow.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { Workspace } from '../../workspace/workspace.js';

/** A job that calls a local reusable workflow, or a step that uses a local action. */
export interface LocalCaller {
  source: WorkflowSource;
  job?: Job;
  step?: Step;
  with?: LocatedMap;
}

/**
 * The jobs and steps of the repository that call the reusable workflow or local action in `file`
 * (`uses: ./.github/workflows/x.yml`, `uses: ./path/to/action`), so that `inputs.*` can be followed
 * back to the values passed in. Indexed once per run.
 */
export function localCallers(workspace: Workspace, file: string): LocalCaller[] {
  const index = workspace.memo('workflow-local-callers', '', () => {
    const map = new Map<string, LocalCaller[]>();
    const add = (target: string, caller: LocalCaller) => {
      const list = map.get(target);
      if (list) list.push(caller);
      else map.set(target, [caller]);
    };
    walkWorkflows(workflowSources(workspace), {
      job(job, workflow) {
        const ref = job.uses && parseUses(job.uses.value);
        if (ref && ref.kind === 'local')
          add(normalize(ref.path), { source: workflow, job, ...withOf(job.with) });
      },
      step(step, source, job) {
        const ref = step.uses && parseUses(step.uses.value);
        if (ref?.kind !== 'local') return;
        const dir = normalize(ref.path).replace(/\/$/, '');
        const caller: LocalCaller = { source, step, ...(job ? { job } : {}), ...withOf(step.with) };
        for (const name of ['action.yml', 'action.yaml']) add(dir === '' ? name : `${dir}/${name}`, caller);
      },
    });
    return map;
  });
  return index.get(file) ?? [];
}

function withOf(map: LocatedMap | undefined): { with?: LocatedMap } {
  return map ? { with: map } : {};
}

/** `./a/./b/` -> `a/b/`: the path relative to the repository root, as the index lists files. */
function normalize(path: string): string {
  return path
    .split('/')
    .filter((s) => s !== '.' && s !== '')
    .join('/')
    .concat(path.endsWith('/') ? '/' : '');
}
