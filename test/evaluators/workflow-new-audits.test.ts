// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub expressions (${{ }}) are the subject of these tests.
import { afterAll, describe, expect, it } from 'vitest';
import { workflowBotConditions } from '../../src/core/evaluators/workflow/bot-conditions.js';
import { workflowCachePoisoning } from '../../src/core/evaluators/workflow/cache-poisoning.js';
import { commandsOf } from '../../src/core/evaluators/workflow/commands.js';
import { workflowDependabotCooldown } from '../../src/core/evaluators/workflow/dependabot-cooldown.js';
import { envWrites } from '../../src/core/evaluators/workflow/env-writes.js';
import { workflowGithubEnv } from '../../src/core/evaluators/workflow/github-env.js';
import { workflowInsecureUrlScheme } from '../../src/core/evaluators/workflow/insecure-url-scheme.js';
import { workflowObfuscation } from '../../src/core/evaluators/workflow/obfuscation.js';
import { workflowSecretsOutsideEnv } from '../../src/core/evaluators/workflow/secrets-outside-env.js';
import { workflowUnredactedSecrets } from '../../src/core/evaluators/workflow/unredacted-secrets.js';
import { workflowUnsoundContains } from '../../src/core/evaluators/workflow/unsound-contains.js';
import { workflowUseTrustedPublishing } from '../../src/core/evaluators/workflow/use-trusted-publishing.js';
import { inRange } from '../../src/core/evaluators/workflow/versions.js';
import { at, evaluate, removeTrees } from '../parsers/tree.js';

afterAll(removeTrees);

const W = '.github/workflows/w.yml';
const one = (text: string) => ({ [W]: text });
/** A workflow on pushes to the default branch: its runs write cache entries every release run can restore. */
const MAIN = {
  '.github/workflows/main.yml':
    'on:\n  push:\n    branches: [main]\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: make test\n',
};
const graded = (fs: { severity?: string; confidence?: string }[]) =>
  fs.map((f) => `${f.severity ?? 'rule'}/${f.confidence ?? 'rule'}`);

describe('commandsOf', () => {
  it('splits commands at operators outside quotes, keeps ${{ }} as one word, skips comments and heredoc bodies', () => {
    const script = [
      'sudo -E FOO=1 pip install "a b" ${{ inputs.pkg }} && echo \'x;y\' | tee out # npm install z',
      'cat > f <<EOF',
      'npm install inside-heredoc',
      'EOF',
      'cmd 2>&1 >log; other\\',
      '  continued',
    ].join('\n');
    const commands = commandsOf(script);
    expect(commands.map((c) => [c.program.map((w) => w.text), c.next])).toEqual([
      [['pip', 'install', 'a b', '${{ inputs.pkg }}'], '&&'],
      [['echo', 'x;y'], '|'],
      [['tee', 'out'], ''],
      [['cat', '>', 'f', '<<EOF'], ''],
      [['cmd', '2>&1', '>log'], ';'],
      [['other', 'continued'], ''],
    ]);
    const pkg = commands[0]!.program[3]!;
    expect(script.slice(pkg.start, pkg.end)).toBe('${{ inputs.pkg }}');
  });
});

describe('commandsOf: unquoted substitutions', () => {
  it.each([
    [
      'among arguments: one word of the command, its pipe its own',
      'bencher run --token $(echo "$T" | sed \'s/x//\') --testbed ci',
      ['bencher run --token $(echo "$T" | sed \'s/x//\') --testbed ci'],
    ],
    [
      'among arguments, then an operator of the line',
      'tool --v $(a; b) && next',
      ['tool --v $(a; b)', 'next'],
    ],
    // An assignment's substitution is split with its line, so that its program is read (`curl`).
    ['assigned to a variable', 'out=$(curl -H x https://a | jq .)', ['curl -H x https://a', 'jq .)']],
    ['an arithmetic expansion stays as it was', 'echo $((1 + 2))', ['echo $((1 + 2))']],
  ])('%s', (_case, script, expected) => {
    expect(commandsOf(script).map((c) => c.program.map((w) => w.text).join(' '))).toEqual(expected);
  });
});

describe('commandsOf: here-strings', () => {
  it('reads the commands after a here-string, which has no body', () => {
    const script = [
      'gh auth login --with-token <<< "$TOKEN"',
      'pip install black',
      'cat <<<x',
      'npm i -g y',
    ].join('\n');
    expect(commandsOf(script).map((c) => c.program.map((w) => w.text).join(' '))).toEqual([
      'gh auth login --with-token <<< $TOKEN',
      'pip install black',
      'cat <<<x',
      'npm i -g y',
    ]);
  });
});

describe('commandsOf: control structures and wrappers', () => {
  it('skips reserved words, keeps `[[ ]]` whole, reads no program in `for` lists and `case` patterns, and looks through wrappers', () => {
    const script = [
      'if [ -z "$A" ] && ! grep -q x f; then',
      'elif [[ -n "$A" && "$B" == x || -z $C ]]; then echo b',
      'else timeout -s KILL 300 pip install whispers; fi',
      'for t in $A b; do curl "$t"; done',
      'case "$A" in',
      '  a | b) make a ;;',
      '  *)',
      '    sudo -u ci -E nice -n 5 npm i -g c',
      '    ;;',
      'esac',
      '(cd dir && xargs -n 1 go install) && { env X=1 cargo binstall d; }',
      'function f { gem install e; }',
    ].join('\n');
    expect(commandsOf(script).map((c) => c.program.map((w) => w.text).join(' '))).toEqual([
      '[ -z $A ]',
      'grep -q x f',
      '',
      '[[ -n $A && $B == x || -z $C ]]',
      'echo b',
      'pip install whispers',
      '',
      '',
      'curl $t',
      '',
      '',
      '',
      'make a',
      '',
      'npm i -g c',
      '',
      'cd dir',
      'go install)',
      'cargo binstall d',
      '',
      'gem install e',
      '',
    ]);
  });
});

describe('envWrites', () => {
  it('finds bash, PowerShell, cmd, tee and grouped writes, and follows script variables to their sources', () => {
    const script = [
      'V=$(jq -r .body "$GITHUB_EVENT_PATH")',
      'W="prefix $V $OTHER"',
      'echo "A=$W" >> "$GITHUB_ENV"',
      'echo "$HOME/bin" | tee -a $GITHUB_PATH',
      '"B=$env:X" | Out-File -FilePath $env:GITHUB_ENV -Append',
      'echo C=%Y%>> %GITHUB_ENV%',
      '{',
      '  echo "D<<EOF"',
      '  echo "$Z"',
      '} >> "$GITHUB_ENV"',
    ].join('\n');
    const writes = envWrites(script);
    expect(writes.map((w) => [w.file, w.text, w.envVars, w.ranges.length])).toEqual([
      ['env', 'echo "A=$W" >> "$GITHUB_ENV"', ['OTHER'], 3],
      ['path', 'echo "$HOME/bin" | tee -a $GITHUB_PATH', [], 1],
      ['env', '"B=$env:X" | Out-File -FilePath $env:GITHUB_ENV -Append', ['X'], 1],
      ['env', 'echo C=%Y%>> %GITHUB_ENV%', ['Y'], 1],
      ['env', 'echo "D<<EOF"', [], 1],
      ['env', 'echo "$Z"', ['Z'], 1],
    ]);
    expect(writes.every((w) => !w.randomDelimiter)).toBe(true);
    expect(envWrites('d=$(uuidgen)\necho "X<<$d" >> $GITHUB_ENV')[0]!.randomDelimiter).toBe(true);
  });
});

describe('workflow.github-env', () => {
  it('grades by whether the value can hold a line break, at the writing command', async () => {
    const findings = await evaluate(
      workflowGithubEnv,
      one(`on: pull_request_target
jobs:
  a:
    runs-on: x
    steps:
      - run: |
          echo "T=\${{ github.event.pull_request.title }}" >> $GITHUB_ENV
          echo "B=\${{ github.event.pull_request.body }}" >> $GITHUB_ENV
          echo "R=\${{ github.head_ref }}" >> $GITHUB_ENV
`),
      {},
    );
    expect(findings.map((f) => [at(f), ...graded([f])])).toEqual([
      [`${W}:7:11`, 'medium/medium'],
      [`${W}:8:11`, 'rule/rule'],
    ]);
  });
});

describe('workflow.github-env: free text a command substitution reads when the step runs', () => {
  it.each([
    [
      'a commit message read with git',
      'echo "M=$(git log -1 --pretty=%B)" >> "$GITHUB_ENV"',
      'high',
      'a commit message read with git',
    ],
    [
      'a one-line log',
      'echo "M=$(git log --oneline -5)" >> "$GITHUB_ENV"',
      'high',
      'a commit message read with git',
    ],
    [
      'a body read with gh pr view',
      'echo "B=$(gh pr view 1 --json body -q .body)" >> "$GITHUB_ENV"',
      'high',
      'the body of a pull request',
    ],
    [
      'comments read with gh issue view',
      'echo "C=$(gh issue view 1 --json comments)" >> "$GITHUB_ENV"',
      'high',
      'the comments of a pull request',
    ],
    [
      'a body read with gh api',
      'echo "B=$(gh api repos/o/r/pulls/1 --jq \'.body\')" >> "$GITHUB_ENV"',
      'high',
      'the body of a pull request',
    ],
    [
      'a title read with gh pr view',
      'echo "T=$(gh pr view 1 --json title -q .title)" >> "$GITHUB_ENV"',
      'medium',
      'the title of a pull request',
    ],
    ['a commit hash read with git', 'echo "S=$(git log -1 --pretty=%H)" >> "$GITHUB_ENV"', undefined, ''],
    [
      'a state read with gh pr view',
      'echo "S=$(gh pr view 1 --json state -q .state)" >> "$GITHUB_ENV"',
      undefined,
      '',
    ],
    [
      'a body read into a random-delimiter block',
      'd=$(openssl rand -hex 8)\n          { echo "B<<$d"; gh pr view 1 --json body -q .body; echo "$d"; } >> "$GITHUB_ENV"',
      undefined,
      '',
    ],
  ])('%s', async (_name, command, severity, what) => {
    const findings = await evaluate(
      workflowGithubEnv,
      one(`on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: |\n          ${command}\n`),
      {},
    );
    expect(findings.map((f) => [at(f), f.severity ?? 'high'])).toEqual(
      severity ? [[`${W}:7:11`, severity]] : [],
    );
    if (severity) expect(findings[0]!.message).toContain(`writes ${what}`);
  });
});

describe("workflow.github-env: a file of the triggering run's artifact", () => {
  const download = (path: string) =>
    `      - uses: actions/download-artifact@v4\n        with: { name: pr${path ? `, path: ${path}` : ''} }\n`;
  it.each([
    [
      'a file of the folder the artifact is put in',
      'results/',
      'echo "N=$(cat results/n)" >> "$GITHUB_ENV"',
      [`${W}:8:14`],
    ],
    [
      'a repository file beside that folder',
      'results/',
      'echo "V=$(jq -r .version package.json)" >> "$GITHUB_ENV"',
      [],
    ],
    [
      'any file when the artifact is put in the work tree',
      '',
      'echo "V=$(jq -r .version package.json)" >> "$GITHUB_ENV"',
      [`${W}:8:14`],
    ],
  ])('%s', async (_name, path, write, where) => {
    const findings = await evaluate(
      workflowGithubEnv,
      one(
        `on: workflow_run\njobs:\n  a:\n    runs-on: x\n    steps:\n${download(path)}      - run: ${write}\n`,
      ),
      {},
    );
    expect(findings.map(at)).toEqual(where);
  });
});

describe('workflow.github-env: a value checked against a pattern first', () => {
  const script = (check: string, write = 'echo "NAME=$NAME" >> "$GITHUB_ENV"') =>
    `on: issue_comment
jobs:
  a:
    runs-on: x
    steps:
      - env:
          BODY: \${{ github.event.comment.body }}
        run: |
          NAME=$(echo "$BODY" | awk '{print $2}')
${check
  .split('\n')
  .map((l) => `          ${l}`)
  .join('\n')}
          ${write}
`;
  const exits = (condition: string) => `if [[ ${condition} ]]; then\n  echo bad >&2\n  exit 1\nfi`;
  // An anchored pattern of characters that are no line break, the script exiting otherwise: low.
  it.each([
    [
      'an allow-list, exit otherwise',
      exits('-z "$NAME" || ! "$NAME" =~ ^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$'),
      'rule/low',
    ],
    ['a check then || exit', '[[ "$NAME" =~ ^[[:alnum:]_-]+$ ]] || exit 1', 'rule/low'],
    // Not a guarantee: a pattern that is not anchored, or matches a line break, or a check that does
    // not end the script, or one made before the value is assigned again.
    ['no end anchor', exits('! "$NAME" =~ ^[A-Za-z0-9._-]+'), 'rule/rule'],
    ['a negated bracket', exits('! "$NAME" =~ ^[^;]+$'), 'rule/rule'],
    ['a class of spaces', exits('! "$NAME" =~ ^[[:alnum:][:space:]]+$'), 'rule/rule'],
    ['a dot', exits('! "$NAME" =~ ^v.+$'), 'rule/rule'],
    ['joined with &&', exits('-n "$NAME" && ! "$NAME" =~ ^[a-z]+$'), 'rule/rule'],
    ['no exit', 'if [[ ! "$NAME" =~ ^[a-z]+$ ]]; then\n  echo bad >&2\nfi', 'rule/rule'],
    ['assigned again after the check', `${exits('! "$NAME" =~ ^[a-z]+$')}\nNAME="$BODY"`, 'rule/rule'],
    // Not run whenever the write is: a check in one branch, in a subshell (its exit ends only the
    // subshell), or a function that assigns the raw value again, called after the check.
    [
      'a check in one branch of an if',
      'if [ -z "$NAME" ]; then\n  NAME=x\nelse\n  [[ "$NAME" =~ ^[a-z]+$ ]] || exit 1\nfi',
      'rule/rule',
    ],
    ['a check in a subshell', '( [[ "$NAME" =~ ^[a-z]+$ ]] || exit 1 )', 'rule/rule'],
    [
      'a function assigning the raw value, called after the check',
      'again() { NAME="$BODY"; }\n[[ "$NAME" =~ ^[a-z]+$ ]] || exit 1\nagain',
      'rule/rule',
    ],
    [
      'a branch assigning before the check',
      'if [ -z "$NAME" ]; then\n  NAME=x\nfi\n[[ "$NAME" =~ ^[a-z]+$ ]] || exit 1',
      'rule/low',
    ],
  ])('%s', async (_name, check, want) => {
    const findings = await evaluate(workflowGithubEnv, one(script(check)), {});
    expect(graded(findings)).toEqual([want]);
  });

  // The write in the branch a matching check opens: written only when the value matches.
  const write = 'echo "NAME=$NAME" >> "$GITHUB_ENV"';
  it.each([
    ['the branch of a match', 'if [[ "$NAME" =~ ^[0-9]+$ ]]; then', `  ${write}\nfi`, 'rule/low'],
    ['after a plain line of it', 'if [[ $NAME =~ ^[a-z]+$ ]]; then\n  echo ok', `  ${write}\nfi`, 'rule/low'],
    // Not a guarantee: the else branch, a pattern that admits a line break, a nested if, or the value
    // assigned again inside the branch.
    ['the else branch', 'if [[ "$NAME" =~ ^[0-9]+$ ]]; then\n  echo ok\nelse', `  ${write}\nfi`, 'rule/rule'],
    ['a dot in the pattern', 'if [[ "$NAME" =~ ^v.+$ ]]; then', `  ${write}\nfi`, 'rule/rule'],
    [
      'a nested if',
      'if [[ "$NAME" =~ ^[0-9]+$ ]]; then\n  if [ -n "$X" ]; then',
      `  ${write}\nfi\nfi`,
      'rule/rule',
    ],
    [
      'assigned again in it',
      'if [[ "$NAME" =~ ^[0-9]+$ ]]; then\n  NAME="$BODY"',
      `  ${write}\nfi`,
      'rule/rule',
    ],
  ])('%s', async (_name, check, written, want) => {
    const findings = await evaluate(
      workflowGithubEnv,
      one(script(check, written.replaceAll('\n', '\n          '))),
      {},
    );
    expect(graded(findings)).toEqual([want]);
  });
});

describe('workflow.github-env: a value whose line feeds tr strips', () => {
  const script = (assign: string) => `on: issue_comment
jobs:
  a:
    runs-on: x
    steps:
      - env:
          BODY: \${{ github.event.comment.body }}
        run: |
          ${assign}
          echo "NAME=$NAME" >> "$GITHUB_ENV"
`;
  it.each([
    ['translated to spaces', `NAME=$(echo "$BODY" | grep -v x | tr '\\n' ' ')`, 'rule/low'],
    ['deleted', `NAME=$(echo "$BODY" | tr -d '\\n')`, 'rule/low'],
    ['carriage returns and line feeds deleted', `NAME="$(echo "$BODY" | tr -d '\\r\\n')"`, 'rule/low'],
    // Not every line feed gone: another set, a list, a second substitution, a later command.
    ['only carriage returns deleted', `NAME=$(echo "$BODY" | tr -d '\\r')`, 'rule/rule'],
    ['an alternative that does not strip', `NAME=$(echo "$BODY" || tr -d '\\n')`, 'rule/rule'],
    ['a second substitution', `NAME=$(echo "$BODY")$(echo x | tr -d '\\n')`, 'rule/rule'],
    ['a command after tr', `NAME=$(echo "$BODY" | tr -d '\\n' | sed 's/a/\\n/')`, 'rule/rule'],
    ['translated to a line feed', `NAME=$(echo "$BODY" | tr '\\n' '\\n')`, 'rule/rule'],
    // Every way the script gives the variable a value must strip: not a later append, read, printf -v,
    // loop variable, or a branch or function that assigns the raw value.
    ['then the raw value appended', `NAME=$(echo "$BODY" | tr -d '\\n')\nNAME+="$BODY"`, 'rule/rule'],
    [
      'then read from the raw value',
      `NAME=$(echo "$BODY" | tr -d '\\n')\nread -r -d "" NAME <<< "$BODY" || true`,
      'rule/rule',
    ],
    ['then printf -v', `NAME=$(echo "$BODY" | tr -d '\\n')\nprintf -v NAME '%s' "$BODY"`, 'rule/rule'],
    [
      'a raw branch before the stripped one',
      `if [ -n "$BODY" ]; then\n  NAME="$BODY"\nelse\n  NAME=$(echo "$BODY" | tr -d '\\n')\nfi`,
      'rule/rule',
    ],
    [
      'a raw branch after [[ ]];',
      `NAME=$(echo "$BODY" | tr -d '\\n')\nif [[ -n "$RAW" ]]; then NAME="$BODY"; fi`,
      'rule/rule',
    ],
    [
      'a function that assigns the raw value',
      `raw() { NAME="$BODY"; }\nNAME=$(echo "$BODY" | tr -d '\\n')\nraw`,
      'rule/rule',
    ],
    [
      'a loop over the raw value',
      `NAME=$(echo "$BODY" | tr -d '\\n')\nfor NAME in $BODY; do :; done`,
      'rule/rule',
    ],
    ['an assigning expansion', `NAME=$(echo "$BODY" | tr -d '\\n')\n: "\${NAME:=$BODY}"`, 'rule/rule'],
    // Every assignment strips (in each branch), or another variable is assigned: still low.
    [
      'stripped in both branches',
      `if [ -n "$BODY" ]; then\n  NAME=$(echo "$BODY" | tr -d '\\n')\nelse\n  NAME=$(echo "$OTHER" | tr '\\n' ' ')\nfi`,
      'rule/low',
    ],
    [
      'another variable assigned',
      `NAME=$(echo "$BODY" | tr -d '\\n')\nNAME_RAW="$BODY"\nread -r OTHER`,
      'rule/low',
    ],
  ])('%s', async (_name, assign, want) => {
    const findings = await evaluate(
      workflowGithubEnv,
      one(script(assign.replace(/\n/g, '\n          '))),
      {},
    );
    expect(graded(findings)).toEqual([want]);
    if (want === 'rule/low')
      expect(findings[0]!.message).toMatch(/through tr, which deletes or replaces every line feed/);
  });
});

describe('workflow.github-env: the value from every way the script sets the variable', () => {
  const script = (assign: string) => `on: issue_comment
jobs:
  a:
    runs-on: x
    steps:
      - env:
          BODY: \${{ github.event.comment.body }}
        run: |
          ${assign.replace(/\n/g, '\n          ')}
          echo "NAME=$NAME" >> "$GITHUB_ENV"
`;
  it.each([
    [
      'the raw value in one branch',
      'if [ -n "$BODY" ]; then\n  NAME="$BODY"\nelse\n  NAME=none\nfi',
      ['rule/rule'],
    ],
    ['read from the raw value', 'read -r NAME <<< "$BODY"', ['rule/rule']],
    ['appended to a constant', 'NAME=none\nNAME+="$BODY"', ['rule/rule']],
    ['a function that assigns it', 'set_name() { NAME="$BODY"; }\nNAME=none\nset_name', ['rule/rule']],
    // A plain assignment that always runs replaces the value.
    ['replaced by a constant', 'NAME="$BODY"\nNAME=none', []],
  ])('%s', async (_name, assign, want) => {
    expect(graded(await evaluate(workflowGithubEnv, one(script(assign)), {}))).toEqual(want);
  });
});

describe('workflow.bot-conditions', () => {
  it('is medium on pull_request and silent on push', async () => {
    const job = "jobs:\n  a:\n    if: github.actor == 'dependabot[bot]'\n    runs-on: x\n    steps: []\n";
    expect(graded(await evaluate(workflowBotConditions, one(`on: pull_request\n${job}`), {}))).toEqual([
      'medium/rule',
    ]);
    expect(await evaluate(workflowBotConditions, one(`on: push\n${job}`), {})).toEqual([]);
  });

  // The actor of an `opened` pull request is its author: no bot can stand in for the outsider there.
  const message =
    '"github.actor" names whoever triggered the latest event, which a fork\'s pull request can arrange to be a bot ' +
    "(by having Dependabot update its branch); this check then admits the outsider's code. Check the author " +
    'instead (github.event.pull_request.user.login), or require the pull request to come from this repository.';
  it.each([
    ['pull_request_target: types: [opened]', 'pull_request_target:\n    types: [opened]', []],
    ['pull_request: types: [opened]', 'pull_request:\n    types: [opened]', []],
    [
      'pull_request_target: types: [opened, synchronize]',
      'pull_request_target:\n    types: [opened, synchronize]',
      [['rule', message]],
    ],
    ['pull_request_target with no types', 'pull_request_target:', [['rule', message]]],
    [
      'pull_request_target: types: [reopened]',
      'pull_request_target:\n    types: [reopened]',
      [['rule', message]],
    ],
    [
      'pull_request_target: types: [labeled]',
      'pull_request_target:\n    types: [labeled]',
      [['rule', message]],
    ],
    [
      'pull_request: types: [opened, synchronize]',
      'pull_request:\n    types: [opened, synchronize]',
      [['medium', message]],
    ],
    [
      'pull_request_target on opened, pull_request by default',
      'pull_request_target:\n    types: [opened]\n  pull_request:',
      [['medium', message]],
    ],
    ['workflow_run', 'workflow_run:\n    workflows: [CI]\n    types: [completed]', [['rule', message]]],
  ])('reports by the activity types of the trigger: %s', async (_name, on, expected) => {
    const job = "jobs:\n  a:\n    if: github.actor == 'dependabot[bot]'\n    runs-on: x\n    steps: []\n";
    const findings = await evaluate(workflowBotConditions, one(`on:\n  ${on}\n${job}`), {});
    expect(findings.map((f) => [f.severity ?? 'rule', f.message])).toEqual(expected);
  });

  // A job or step that runs on opened events only (`github.event.action == 'opened'`, read from the
  // parsed condition) is guarded like `types: [opened]`: the actor is the pull request's author.
  const actor = "github.actor == 'dependabot[bot]'";
  it.each([
    ['in the same condition, with &&', { job: `github.event.action == 'opened' && ${actor}` }, []],
    ['reversed operands', { job: `'opened' == github.event.action && ${actor}` }, []],
    ['in ${{ }}', { job: `\${{ github.event.action == 'opened' && ${actor} }}` }, []],
    ['compared case-insensitively', { job: `github.event.action == 'OPENED' && ${actor}` }, []],
    ['as !(action != opened)', { job: `!(github.event.action != 'opened') && ${actor}` }, []],
    ["in the job's if, the check in a step's", { job: "github.event.action == 'opened'", step: actor }, []],
    ["in a needed job's if", { needed: "github.event.action == 'opened'", job: actor }, []],
    ["in the step's if, the check in its run", { step: "github.event.action == 'opened'", run: actor }, []],
    ['in a run expression, with &&', { run: `github.event.action == 'opened' && ${actor}` }, []],
    ['no guard, the check in a run script', { run: actor }, [`${W}:12:23`]],
    ['with || and another condition', { job: `github.event.action == 'opened' || ${actor}` }, [`${W}:8:45`]],
    [
      'with || and another action',
      { job: `(github.event.action == 'opened' || github.event.action == 'synchronize') && ${actor}` },
      [`${W}:8:87`],
    ],
    ['another action', { job: `github.event.action == 'synchronize' && ${actor}` }, [`${W}:8:50`]],
    ['action != opened', { job: `github.event.action != 'opened' && ${actor}` }, [`${W}:8:45`]],
    [
      "a needed job's if, with always()",
      { needed: "github.event.action == 'opened'", job: `always() && ${actor}` },
      [`${W}:8:22`],
    ],
    [
      'text around ${{ }} (always true)',
      { job: "x ${{ github.event.action == 'opened' }}", step: actor },
      [`${W}:11:14`],
    ],
  ])("reads github.event.action == 'opened' as types: [opened]: %s", async (_name, where, expected) => {
    const { needed, job, step, run } = where as {
      needed?: string;
      job?: string;
      step?: string;
      run?: string;
    };
    const text = [
      'on:',
      '  pull_request_target:',
      'jobs:',
      '  first:',
      `    if: ${JSON.stringify(needed ?? 'true')}`,
      '    steps: [{run: x}]',
      '  a:',
      `    if: ${JSON.stringify(job ?? 'true')}`,
      '    needs: first',
      '    steps:',
      `      - if: ${JSON.stringify(step ?? 'true')}`,
      `        run: echo ${run ? `\${{ ${run} }}` : 'x'}`,
      '',
    ].join('\n');
    const findings = await evaluate(workflowBotConditions, one(text), {});
    expect(findings.map(at)).toEqual(expected);
    expect(findings.map((f) => [f.severity ?? 'rule', f.message])).toEqual(
      expected.map(() => ['rule', message]),
    );
  });
});

describe('workflow.bot-conditions: a check that sets an env value', () => {
  const flag = "  WIDE: ${{ github.event_name == 'schedule' || github.actor == 'dependabot[bot]' }}\n";
  const steps = (condition: string) =>
    `jobs:\n  a:\n    runs-on: x\n    steps:\n      - run: ./build.sh\n${condition}`;
  // On pull_request alone, a value no condition reads decides only what scripts make of it: low. Read
  // by an if:, or on a privileged trigger, it keeps its grade.
  it.each([
    ['pull_request', '', 'medium/low'],
    ['pull_request', "        if: env.WIDE == 'true'\n", 'medium/rule'],
    ['pull_request', "        if: ${{ env['WIDE'] }}\n", 'medium/rule'],
    ['pull_request_target', '', 'rule/rule'],
  ])('on %s, with a step condition %j', async (on, condition, want) => {
    const findings = await evaluate(
      workflowBotConditions,
      one(`on: ${on}\nenv:\n${flag}${steps(condition)}`),
      {},
    );
    expect(graded(findings)).toEqual([want]);
  });
});

describe('workflow.bot-conditions: where the head comes from', () => {
  const actor = "github.actor == 'dependabot[bot]'";
  const message =
    '"github.actor" names whoever triggered the latest event, which a fork\'s pull request can arrange to be a bot ' +
    "(by having Dependabot update its branch); this check then admits the outsider's code. Check the author " +
    'instead (github.event.pull_request.user.login), or require the pull request to come from this repository.';
  const PR = 'github.event.pull_request.head.repo';
  const RUN = 'github.event.workflow_run.head_repository';
  it.each([
    // A sibling every fork meets: naming a bot admits nobody the job did not already admit.
    [
      '|| a fork head (workflow_run)',
      'workflow_run',
      `${RUN}.full_name != github.repository || ${actor}`,
      [],
    ],
    ['|| fork == true (workflow_run)', 'workflow_run', `${RUN}.fork == true || ${actor}`, []],
    ['|| fork == true (pull_request_target)', 'pull_request_target', `${PR}.fork == true || ${actor}`, []],
    ['|| a bare fork', 'pull_request_target', `${PR}.fork || ${actor}`, []],
    [
      '|| !(same repository)',
      'pull_request_target',
      `!(${PR}.full_name == github.repository) || ${actor}`,
      [],
    ],
    [
      '!(same repository && !actor)',
      'pull_request_target',
      `!(${PR}.full_name == github.repository && !(${actor}))`,
      [],
    ],
    // A sibling only this repository meets does not admit every fork: the actor check still does.
    [
      '|| same repository',
      'workflow_run',
      `${RUN}.full_name == github.repository || ${actor}`,
      [['rule', message]],
    ],
    ['|| fork == false', 'pull_request_target', `${PR}.fork == false || ${actor}`, [['rule', message]]],
    [
      "|| fork == 'true' (never equal)",
      'pull_request_target',
      `${PR}.fork == 'true' || ${actor}`,
      [['rule', message]],
    ],
    [
      '|| a fork head && another condition',
      'workflow_run',
      `(${RUN}.fork && false) || ${actor}`,
      [['rule', message]],
    ],
    // A same-repository condition with &&, for either event.
    [
      '&& same repository (workflow_run)',
      'workflow_run',
      `${RUN}.full_name == github.repository && ${actor}`,
      [],
    ],
    ['&& fork == false (workflow_run)', 'workflow_run', `${RUN}.fork == false && ${actor}`, []],
    ['&& !fork (workflow_run)', 'workflow_run', `!${RUN}.fork && ${actor}`, []],
    ['&& !(a fork head)', 'workflow_run', `!(${RUN}.full_name != github.repository) && ${actor}`, []],
    [
      '&& a fork head',
      'workflow_run',
      `${RUN}.full_name != github.repository && ${actor}`,
      [['rule', message]],
    ],
    ['&& fork == true', 'workflow_run', `${RUN}.fork == true && ${actor}`, [['rule', message]]],
  ])('%s', async (_name, on, condition, expected) => {
    const text = `on: ${on}\njobs:\n  a:\n    if: ${JSON.stringify(condition)}\n    runs-on: x\n    steps: []\n`;
    const findings = await evaluate(workflowBotConditions, one(text), {});
    expect(findings.map((f) => [f.severity ?? 'rule', f.message])).toEqual(expected);
  });
});

describe('workflow.unsound-contains', () => {
  it('is medium confidence for values the workflow author sets', async () => {
    const findings = await evaluate(
      workflowUnsoundContains,
      one(`on: workflow_dispatch
jobs:
  a:
    if: contains('prod staging', inputs.target) || contains('main', github.head_ref)
    runs-on: x
    steps: []
`),
      {},
    );
    expect(findings.map((f) => [at(f), f.confidence])).toEqual([
      [`${W}:4:9`, 'medium'],
      [`${W}:4:52`, undefined],
    ]);
  });
});

describe('workflow.obfuscation', () => {
  it('grades encoded commands high, uses: paths medium and expressions low; a format of one value is a conversion', async () => {
    const findings = await evaluate(
      workflowObfuscation,
      one(`on: push
jobs:
  a:
    runs-on: x
    steps:
      - uses: ./.github/actions/../actions/x
      - run: echo "\${{ fromJSON(toJSON(github.sha)) }} \${{ format('{0}', github.run_id) }}"
      - run: echo aGk= | base64 -d | sh -s
`),
      {},
    );
    expect(findings.map((f) => [at(f), f.severity ?? 'rule'])).toEqual([
      [`${W}:6:15`, 'medium'],
      [`${W}:7:24`, 'low'],
      [`${W}:8:26`, 'rule'],
    ]);
  });

  it('leaves a local path that starts above the workspace alone, and still reports a ".." after a named directory', async () => {
    const findings = await evaluate(
      workflowObfuscation,
      one(`on: push
jobs:
  a:
    runs-on: x
    steps:
      - uses: ./../__action__
      - uses: ./../../tools/action
      - uses: ./../tools/../other
      - uses: owner/repo/../evil@v1
`),
      {},
    );
    expect(findings.map((f) => [at(f), f.severity ?? 'rule', f.confidence ?? 'rule'])).toEqual([
      [`${W}:8:15`, 'medium', 'rule'],
      [`${W}:9:15`, 'medium', 'rule'],
    ]);
  });
});

describe('workflow.dependabot-cooldown', () => {
  const D = '.github/dependabot.yml';
  const entry = (ecosystem: string, extra: string) =>
    `  - package-ecosystem: ${ecosystem}\n    directory: /\n    schedule: { interval: weekly }\n${extra}`;
  it('leaves an entry that opens no version updates (open-pull-requests-limit: 0) alone, and reports the others', async () => {
    const findings = await evaluate(
      workflowDependabotCooldown,
      {
        [D]: `version: 2\nupdates:\n${[
          entry('gomod', '    open-pull-requests-limit: 0\n'),
          entry('pip', '    open-pull-requests-limit: "0"\n'),
          entry('npm', '    open-pull-requests-limit: 5\n'),
          entry('cargo', '    cooldown: { default-days: 3 }\n'),
        ].join('')}`,
      },
      { days: 7 },
    );
    expect(findings.map((f) => [at(f), f.severity ?? 'rule', f.confidence ?? 'rule'])).toEqual([
      [`${D}:11:24`, 'rule', 'rule'],
      [`${D}:18:31`, 'rule', 'rule'],
    ]);
  });
});

describe('workflow.unsound-contains: closed vocabularies', () => {
  it.each([
    // Only the listed associations are parts of the string: as sound as a list.
    [`contains('["OWNER", "COLLABORATOR", "MEMBER"]', github.event.comment.author_association)`, []],
    [`contains('owner member', github.event.issue.author_association)`, []],
    // CONTRIBUTOR is a part of FIRST_TIME_CONTRIBUTOR: a contributor passes a check meant for first-timers.
    [`contains('FIRST_TIME_CONTRIBUTOR', github.event.pull_request.author_association)`, [`${W}:4:9`]],
    // A value anyone chooses stays reported, whatever the string.
    [`contains('["OWNER", "MEMBER"]', github.event.comment.user.login)`, [`${W}:4:9`]],
  ])('%s', async (condition, expected) => {
    const findings = await evaluate(
      workflowUnsoundContains,
      one(`on: issue_comment
jobs:
  a:
    if: ${condition}
    runs-on: x
    steps: []
`),
      {},
    );
    expect(findings.map(at)).toEqual(expected);
  });
});

describe('workflow.cache-poisoning', () => {
  it('is medium confidence for a release workflow without a recognised publishing step', async () => {
    const findings = await evaluate(
      workflowCachePoisoning,
      {
        ...one(`on:
  release:
jobs:
  a:
    runs-on: x
    steps:
      - uses: actions/cache@v4
        with: { path: x, key: y }
      - run: ./ship.sh
`),
        ...MAIN,
      },
      {},
    );
    expect(findings.map((f) => [at(f), f.confidence])).toEqual([[`${W}:7:15`, 'medium']]);
  });

  it('is low confidence for a pushed tag without a publishing step (a release pull request, checks on tags)', async () => {
    const findings = await evaluate(
      workflowCachePoisoning,
      one(`on:
  push:
    tags: ['v*']
jobs:
  a:
    runs-on: x
    steps:
      - uses: actions/setup-go@v5
      - run: ./open-release-pr.sh
`),
      {},
    );
    expect(findings.map((f) => [at(f), f.confidence])).toEqual([[`${W}:8:15`, 'low']]);
  });
});

describe("workflow.cache-poisoning: the order of a job's steps", () => {
  it('leaves a cache restored after the last publishing step, and reports one before it', async () => {
    const findings = await evaluate(
      workflowCachePoisoning,
      one(`on:
  push:
    tags: ['v*']
jobs:
  release:
    runs-on: x
    steps:
      - uses: actions/setup-go@v5
      - uses: goreleaser/goreleaser-action@v6
        with: { args: release }
      - uses: actions/cache@v4
        with:
          path: dist/
          key: bins-\${{ github.sha }}
`),
      {},
    );
    expect(findings.map(at)).toEqual([`${W}:8:15`]);
  });

  it('counts a step whose push an expression decides as one that may publish after the cache', async () => {
    const findings = await evaluate(
      workflowCachePoisoning,
      one(`on:
  push:
    tags: ['v*']
jobs:
  image:
    runs-on: x
    steps:
      - uses: docker/build-push-action@v6
        with: { push: true, tags: acme/base }
      - uses: actions/cache@v4
        with:
          path: dist/
          key: bins-\${{ github.sha }}
      - uses: docker/build-push-action@v6
        with:
          push: \${{ inputs.authenticated }}
          tags: acme/app
`),
      {},
    );
    expect(findings.map(at)).toEqual([`${W}:10:15`]);
  });
});

describe('workflow.cache-poisoning: a setup action run before anything is in the workspace', () => {
  // actions/setup-go keys its cache on go.sum (or cache-dependency-path) in the workspace: run before
  // the checkout it warns and restores nothing, nor saves anything at the end of the job.
  const release = (runsOn: string, before: string, setup = '- uses: actions/setup-go@v5') =>
    one(`on:
  push:
    tags: ['v*']
jobs:
  release:
    runs-on: ${runsOn}
    steps:
${before}      ${setup}
      - uses: actions/checkout@v4
      - uses: goreleaser/goreleaser-action@v6
        with: { args: release }
`);
  it.each([
    ['first in the job', 'ubuntu-latest', '', undefined, false],
    [
      'after a script that only fails the run off a tag',
      'ubuntu-22.04',
      "      - uses: actions/github-script@v7\n        with: { script: core.setFailed('tags only') }\n",
      undefined,
      false,
    ],
    ['after tool setup', 'ubuntu-24.04', '      - uses: docker/setup-buildx-action@v3\n', undefined, false],
    [
      'with a relative cache-dependency-path',
      'ubuntu-latest',
      '',
      '- uses: actions/setup-go@v5\n        with: { cache-dependency-path: src/go.sum }',
      false,
    ],
    // Reported: something may be in the workspace, or the path is outside it.
    ['after a script', 'ubuntu-latest', '      - run: git clone https://example.com/x .\n', undefined, true],
    ['on a self-hosted runner, which keeps the last workspace', '[self-hosted]', '', undefined, true],
    ['on a runner named by an expression', '${{ matrix.os }}', '', undefined, true],
    [
      'with a cache-dependency-path outside the workspace',
      'ubuntu-latest',
      '',
      '- uses: actions/setup-go@v5\n        with: { cache-dependency-path: /opt/deps/go.sum }',
      true,
    ],
    [
      'after a script that writes files',
      'ubuntu-latest',
      "      - uses: actions/github-script@v7\n        with:\n          script: require('fs').writeFileSync('go.sum', '')\n",
      undefined,
      true,
    ],
  ])('setup-go %s', async (_what, runsOn, before, setup, reported) => {
    const findings = await evaluate(workflowCachePoisoning, release(runsOn, before, setup), {});
    expect(findings.map((f) => f.message.split(' restores')[0])).toEqual(
      reported ? ['"actions/setup-go@v5"'] : [],
    );
  });
});

describe('workflow.cache-poisoning: what the job publishes, not the trigger alone', () => {
  const graded = (fs: { location: unknown; severity?: string; confidence?: string }[]) =>
    fs.map((f) => [at(f as never), f.confidence ?? 'rule']);

  it('is low confidence for a preview a workflow of pull requests alone pushes, and keeps the release build', async () => {
    const findings = await evaluate(
      workflowCachePoisoning,
      {
        '.github/workflows/preview.yml': `on:
  pull_request:
    types: [opened, synchronize]
jobs:
  preview:
    runs-on: x
    steps:
      - uses: actions/setup-java@v4
        with: { distribution: temurin, java-version: 21, cache: maven }
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/app-pr:\${{ github.event.number }}
`,
        '.github/workflows/publish.yml': `on:
  push:
    branches: [main]
jobs:
  publish:
    runs-on: x
    steps:
      - uses: actions/setup-java@v4
        with: { distribution: temurin, java-version: 21, cache: maven }
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/app:latest
`,
      },
      {},
    );
    expect(graded(findings)).toEqual([
      ['.github/workflows/preview.yml:9:65', 'low'],
      ['.github/workflows/publish.yml:9:65', 'rule'],
    ]);
    expect(findings[0]!.message).toContain('a build of the pull request');
  });

  it('is low confidence for the test runs and pull requests a release starts, and medium for a job that may ship', async () => {
    const findings = await evaluate(
      workflowCachePoisoning,
      {
        ...one(`on:
  release:
    types: [prereleased]
jobs:
  flake:
    name: Flake Test
    runs-on: x
    steps:
      - uses: actions/cache@v4
        with: { path: x, key: y }
      - run: go test ./... -count=3
  coverage:
    runs-on: x
    steps:
      - uses: actions/setup-go@v5
      - run: |
          set -o pipefail
          go test -coverprofile=c.out ./... | tee out.txt
  docs:
    runs-on: x
    steps:
      - uses: jdx/mise-action@v2
      - run: bun scripts/docs.js
      - uses: peter-evans/create-pull-request@v7
  build-and-test:
    runs-on: x
    steps:
      - uses: actions/cache@v4
        with: { path: x, key: y }
      - run: go test ./... && ./ship.sh
  assets:
    runs-on: x
    steps:
      - uses: actions/setup-go@v5
      - run: go test ./... && ./ship.sh
`),
        ...MAIN,
      },
      {},
    );
    expect(graded(findings)).toEqual([
      [`${W}:9:15`, 'low'],
      [`${W}:15:15`, 'low'],
      [`${W}:22:15`, 'low'],
      [`${W}:28:15`, 'medium'],
      [`${W}:34:15`, 'medium'],
    ]);
    expect(findings[0]!.message).toContain('job "flake" runs tests and no step here publishes');
    expect(findings[2]!.message).toContain('job "docs" opens a pull request');
  });
});

describe('publishing by changesets/action and maturin: cache-poisoning and use-trusted-publishing', () => {
  /** A job on pushes to main with a setup-node cache (line 8) and `step` from line 9 on. */
  const release = (step: string) =>
    one(
      `on:\n  push:\n    branches: [main]\njobs:\n  release:\n    runs-on: x\n    steps:\n      - uses: actions/setup-node@v4\n        with: { node-version: 22, cache: pnpm }\n${step}`,
    );
  const changesets = (publish: string) =>
    `      - uses: changesets/action@v1\n        with: { ${publish} }\n        env:\n          NPM_TOKEN: \${{ secrets.NPM_TOKEN }}\n`;
  it.each([
    [
      'changesets/action with a publish command',
      changesets('publish: pnpm release'),
      [`${W}:9:42`],
      [`${W}:13:22`],
    ],
    ['changesets/action opening the version pull request only', changesets('version: pnpm version'), [], []],
    // changesets/action v2 renamed its inputs: `publish-script`, `version-script`.
    [
      'changesets/action v2 with a publish script',
      changesets('publish-script: pnpm release, version-script: pnpm version'),
      [`${W}:9:42`],
      [`${W}:13:22`],
    ],
    [
      'changesets/action v2 opening the version pull request only',
      changesets('version-script: pnpm version'),
      [],
      [],
    ],
    [
      'maturin-action uploading',
      '      - uses: PyO3/maturin-action@v1\n        with: { command: upload, args: dist/* }\n        env:\n          MATURIN_PYPI_TOKEN: ${{ secrets.PYPI_TOKEN }}\n',
      [`${W}:9:42`],
      [`${W}:13:31`],
    ],
    [
      'maturin-action building',
      '      - uses: PyO3/maturin-action@v1\n        with: { command: build }\n        env:\n          MATURIN_PYPI_TOKEN: ${{ secrets.PYPI_TOKEN }}\n',
      [],
      [],
    ],
    [
      'semantic-release in a script, given an npm token',
      '      - run: npx semantic-release@24.2.3\n        env:\n          GITHUB_TOKEN: ${{ github.token }}\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n',
      [`${W}:9:42`],
      [`${W}:13:22`],
    ],
    [
      'semantic-release in a script, releasing on GitHub only',
      '      - run: npx semantic-release\n        env:\n          GITHUB_TOKEN: ${{ github.token }}\n',
      [`${W}:9:42`],
      [],
    ],
    [
      'semantic-release-action given an npm token',
      '      - uses: cycjimmy/semantic-release-action@v4\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n',
      [`${W}:9:42`],
      [`${W}:12:22`],
    ],
    [
      'maturin publish in a script',
      '      - run: maturin publish\n        env:\n          MATURIN_PYPI_TOKEN: ${{ secrets.PYPI_TOKEN }}\n',
      [`${W}:9:42`],
      [`${W}:12:31`],
    ],
  ])('%s', async (_name, step, cache, token) => {
    const files = release(step);
    expect((await evaluate(workflowCachePoisoning, files, {})).map(at)).toEqual(cache);
    expect((await evaluate(workflowUseTrustedPublishing, files, {})).map(at)).toEqual(token);
  });
});

describe('workflow.cache-poisoning: jobs that publish on some runs, and signatures pushed to a registry', () => {
  const job = (on: string, steps: string) =>
    `on:\n${on}\njobs:\n  image:\n    runs-on: x\n    steps:\n      - uses: actions/cache@v4\n        with: { path: x, key: y }\n      - uses: actions/setup-node@v4\n        with: { node-version: 22, cache: pnpm }\n${steps}`;
  const mixed = '  push:\n    branches: [main]\n    tags: [v*]\n  pull_request:';
  it.each([
    {
      name: 'an image pushed on every run but a pull request: medium',
      text: job(
        mixed,
        "      - uses: docker/build-push-action@v6\n        with: { push: '${{ github.event_name != ''pull_request'' }}' }\n",
      ),
      want: ['medium', 'medium'],
    },
    {
      name: 'an image never pushed: nothing',
      text: job(mixed, '      - uses: docker/build-push-action@v6\n        with: { push: false }\n'),
      want: [] as string[],
    },
    {
      name: 'a workflow of pull requests alone that pushes when an expression allows: a preview, low',
      text: job(
        '  pull_request:',
        "      - uses: docker/build-push-action@v6\n        with: { push: '${{ inputs.push }}' }\n",
      ),
      want: ['low', 'low'],
    },
    {
      name: 'a pushed tag whose job signs the image it built in the registry: a publishing job',
      text: job(
        "  push:\n    tags: ['v*']",
        '      - run: make image\n      - run: cosign sign --yes ghcr.io/acme/app:v1\n',
      ),
      want: ['rule', 'rule'],
    },
    {
      name: 'a Gradle publish on pushes to main: a publishing job',
      text: job('  push:\n    branches: [main]', '      - run: ./gradlew clean publish --stacktrace\n'),
      want: ['rule', 'rule'],
    },
    {
      name: "Gradle's publishToMavenLocal on pushes to main: the runner's own Maven repository, nothing",
      text: job('  push:\n    branches: [main]', '      - run: ./gradlew publishToMavenLocal\n'),
      want: [] as string[],
    },
    {
      name: 'one publication to the local Maven repository, then the real one: a publishing job',
      text: job(
        '  push:\n    branches: [main]',
        '      - run: ./gradlew publishMavenPublicationToMavenLocal publishMavenPublicationToSonatypeRepository\n',
      ),
      want: ['rule', 'rule'],
    },
    {
      name: "Bundler's rake release on a pushed tag: a publishing job",
      text: job("  push:\n    tags: ['v*']", '      - run: bundle exec rake release\n'),
      want: ['rule', 'rule'],
    },
    {
      name: 'the release task of one gem of several on a pushed tag: a publishing job',
      text: job("  push:\n    tags: ['v*']", '      - run: bundle exec rake release:sinatra\n'),
      want: ['rule', 'rule'],
    },
    {
      name: "Bundler's check that the tree is clean: still no publishing step, low",
      text: job("  push:\n    tags: ['v*']", '      - run: bundle exec rake release:guard_clean\n'),
      want: ['low', 'low'],
    },
    {
      name: 'a pushed tag whose job signs a file (sign-blob): still no publishing step, low',
      text: job(
        "  push:\n    tags: ['v*']",
        '      - run: make dist && cosign sign-blob --yes dist/app.tgz\n',
      ),
      want: ['low', 'low'],
    },
  ])('$name', async ({ text, want }) => {
    const findings = await evaluate(workflowCachePoisoning, { ...one(text), ...MAIN }, {});
    // Reported at the cache step and at setup-node's cache input, wherever the trigger puts them.
    const lines = text.split('\n');
    const line = (t: string) => lines.findIndex((l) => l.includes(t)) + 1;
    const places = [`${W}:${line('actions/cache@')}:15`, `${W}:${line('cache: pnpm')}:42`];
    expect(findings.map((f) => [at(f), f.confidence ?? 'rule'])).toEqual(want.map((c, k) => [places[k], c]));
  });
});

describe('workflow.cache-poisoning: a job its own if: keeps to pull requests', () => {
  // On pushes to main and on pull requests; the job pushes an image built with the GitHub cache.
  const wf = (cond?: string) =>
    `on:\n  push:\n    branches: [main]\n  pull_request:\njobs:\n  preview:\n${cond ? `    if: ${cond}\n` : ''}    runs-on: x\n    steps:\n      - uses: docker/build-push-action@v6\n        with: { push: true, tags: ghcr.io/o/app:pr, cache-from: type=gha }\n`;
  it.each([
    // What a pull request's run pushes is a preview of the change, no release: low confidence.
    { name: 'the event is a pull request', cond: "github.event_name == 'pull_request'", want: 'rule/low' },
    {
      name: 'the pull request comes from a branch of this repository',
      cond: 'github.event.pull_request.head.repo.full_name == github.repository',
      want: 'rule/low',
    },
    { name: 'no condition: pushes to main publish too', cond: undefined, want: 'rule/rule' },
    {
      name: 'a pull request or main',
      cond: "github.event_name == 'pull_request' || github.ref == 'refs/heads/main'",
      want: 'rule/rule',
    },
  ])('$name: $want', async ({ cond, want }) => {
    const findings = await evaluate(workflowCachePoisoning, { ...one(wf(cond)), ...MAIN }, {});
    expect(findings.map((f) => [at(f), ...graded([f])])).toEqual([[`${W}:${cond ? 11 : 10}:65`, want]]);
  });
});

describe('workflow.cache-poisoning: an expression in cache-from', () => {
  // A release job that pushes its image, built with BuildKit's cache-from; the GitHub cache stays on
  // when an expression only fills in its scope or another parameter.
  const x = (e: string) => `\${{ ${e} }}`;
  const wf = (from: string) =>
    `on:
  push:
    tags: ['v*']
jobs:
  image:
    runs-on: x
    steps:
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/app:v1
          cache-from: ${from}
`;
  it.each<[string, string, string[]]>([
    ['a scope from an expression', `type=gha,scope=${x('github.ref_name')}-amd64`, [`${W}:12:23`]],
    // The value's place: inside the quotes, or the block's first line.
    ['an expression in a parameter before the type', `"scope=${x('matrix.arch')},type=gha"`, [`${W}:12:24`]],
    [
      'one of several entries, in a block',
      `|
            type=registry,ref=ghcr.io/acme/app:${x('github.ref_name')}
            type=gha,scope=${x('github.workflow')}`,
      [`${W}:13:1`],
    ],
    ['no expression', 'type=gha,scope=release', [`${W}:12:23`]],
    ['the type from an expression', `type=${x('inputs.cache')},scope=release`, []],
    ['the whole entry from an expression', x("github.event_name == 'push' && 'type=gha' || ''"), []],
    ['a registry cache named by an expression', `type=registry,ref=${x('env.CACHE_REF')}`, []],
  ])('%s', async (_name, from, want) => {
    const findings = await evaluate(workflowCachePoisoning, { ...one(wf(from)), ...MAIN }, {});
    expect(findings.map((f) => [at(f), f.severity ?? 'rule', f.confidence ?? 'rule'])).toEqual(
      want.map((w) => [w, 'rule', 'rule']),
    );
  });
});

describe('workflow.cache-poisoning: who can write the entries a release restores', () => {
  const release = `on:
  push:
    tags: ['v*']
jobs:
  image:
    runs-on: x
    steps:
      - uses: actions/cache@v4
        with: { path: x, key: y }
      - run: docker push ghcr.io/acme/app:v1
`;
  const other = (on: string) => ({
    '.github/workflows/other.yml': `on:\n${on}\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: make test\n`,
  });
  // A tag's run restores its own entries and the default branch's: only a run on the default branch
  // can plant one.
  it.each([
    ['no other workflow', {}, 'low'],
    ['pull requests only', other('  pull_request:'), 'low'],
    ['other tags and releases', other("  release:\n  push:\n    tags: ['x*']"), 'low'],
    ['pushes to the default branch', other('  push:\n    branches: [main]'), 'rule'],
    ['a push of tags and branches', other("  push:\n    tags: ['x*']\n    branches: [main]"), 'rule'],
    ['comments', other('  issue_comment:'), 'rule'],
    ['a schedule', other("  schedule:\n    - cron: '0 0 * * *'"), 'rule'],
  ])('a tag release beside a workflow on %s', async (_name, files, want) => {
    const findings = await evaluate(workflowCachePoisoning, { ...one(release), ...files }, {});
    expect(findings.map((f) => [at(f), f.confidence ?? 'rule'])).toEqual([[`${W}:8:15`, want]]);
    const note = 'No workflow of this repository runs on the default branch';
    if (want === 'low') expect(findings[0]!.message).toContain(note);
    else expect(findings[0]!.message).not.toContain(note);
  });

  it('a manual run of the release workflow itself runs on the default branch', async () => {
    const findings = await evaluate(
      workflowCachePoisoning,
      one(release.replace('on:\n', 'on:\n  workflow_dispatch:\n')),
      {},
    );
    expect(findings.map((f) => f.confidence ?? 'rule')).toEqual(['rule']);
  });

  // A step that reads a flag of the workflow's env: low when the flag holds only on pull request runs.
  it.each([
    ["${{ github.event_name == 'pull_request' }}", "env.USE_CACHE == 'true'", 'low'],
    ["${{ github.event_name != 'pull_request' }}", "env.USE_CACHE == 'true'", 'rule'],
    ["${{ github.event_name == 'push' }}", "env.USE_CACHE == 'true'", 'rule'],
    ["${{ github.event_name == 'pull_request' }}", "env.USE_CACHE != 'true'", 'rule'],
    ["${{ github.event_name == 'pull_request' }}", "env.USE_CACHE == 'true' || always()", 'rule'],
  ])('a cache step gated on USE_CACHE: %s by if: %s', async (flag, condition, want) => {
    const findings = await evaluate(
      workflowCachePoisoning,
      {
        ...one(`on:
  pull_request:
  push:
    branches: [main]
    tags: ['v*']
env:
  USE_CACHE: ${flag}
jobs:
  image:
    runs-on: x
    steps:
      - uses: actions/cache@v4
        if: ${condition}
        with: { path: x, key: y }
      - run: docker push ghcr.io/acme/app:v1
`),
      },
      {},
    );
    expect(findings.map((f) => [at(f), f.confidence ?? 'rule'])).toEqual([[`${W}:12:15`, want]]);
  });
});

describe('workflow.insecure-url-scheme', () => {
  it('reports inputs with medium confidence and keeps ports and credentials out of the host test', async () => {
    const findings = await evaluate(
      workflowInsecureUrlScheme,
      one(`on: push
jobs:
  a:
    runs-on: x
    steps:
      - uses: some/action@v1
        with:
          server-url: http://ci.example.com:8080
      - run: git clone http://user@git.example.com:8000/repo.git && curl http://db:5432
`),
      {},
    );
    expect(findings.map((f) => [at(f), f.confidence])).toEqual([
      [`${W}:8:23`, 'medium'],
      [`${W}:9:24`, undefined],
    ]);
  });
});

describe('workflow.insecure-url-scheme: code-signing timestamp authorities', () => {
  // A Flutter app signs its Windows build with a timestamp from DigiCert's (http-only) authority.
  it('leaves an input that names a timestamp server alone, not a download server', async () => {
    const findings = await evaluate(
      workflowInsecureUrlScheme,
      one(`on: push
jobs:
  sign:
    runs-on: windows-latest
    steps:
      - uses: some/signtool-action@v1
        with:
          timestamp-server: http://timestamp.digicert.com
          tsa_url: http://timestamp.sectigo.com
          download-url: http://downloads.example.com/signtool.zip
`),
      {},
    );
    expect(findings.map((f) => [at(f), f.confidence])).toEqual([[`${W}:10:25`, 'medium']]);
  });
});

describe('advisory version ranges', () => {
  it('reads the comparison operators and refuses what it cannot read', () => {
    expect(inRange('1.0.1', '>= 1.0.0, < 1.0.2')).toBe(true);
    expect(inRange('v1.0.2', '>= 1.0.0, < 1.0.2')).toBe(false);
    expect(inRange('35.7.6', '<= 35.7.6')).toBe(true);
    expect(inRange('2', '= 2.0.0')).toBe(true);
    expect(inRange('1.0.0', 'around 1')).toBeUndefined();
  });
});

describe('workflow.secrets-outside-env', () => {
  const defaults0 = () => ({
    names: (workflowSecretsOutsideEnv.schema as { properties: { names: { default: string } } }).properties
      .names.default,
  });
  const job = (on: string) => `on: ${on}
jobs:
  e2e:
    runs-on: x
    steps:
      - run: ./remote-tests.sh
        env:
          SSH_KEY: \${{ secrets.TEST_MACHINE_SSH_KEY }}
`;
  it('grades a deployment-like name by where the workflow runs: low where pull requests run it, medium elsewhere', async () => {
    const options = { names: 'ssh' };
    const onPr = await evaluate(workflowSecretsOutsideEnv, one(job('[push, pull_request]')), options);
    const onPush = await evaluate(workflowSecretsOutsideEnv, one(job('push')), options);
    expect(onPr.map((f) => [at(f), f.confidence])).toEqual([[`${W}:8:24`, 'low']]);
    expect(onPush.map((f) => [at(f), f.confidence ?? 'rule'])).toEqual([[`${W}:8:24`, 'rule']]);
  });

  it('leaves user names, identifiers and public keys alone, in a publishing job too', async () => {
    const text = `on: push
jobs:
  release:
    runs-on: x
    steps:
      - run: gh release create v1.0.0
        env:
          GH_TOKEN: \${{ github.token }}
          QUAY_USER: \${{ secrets.QUAY_BOT_USERNAME }}
          QUAY_TOKEN: \${{ secrets.QUAY_BOT_TOKEN }}
          AZURE_CLIENT_ID: \${{ secrets.AZURE_CLIENT_ID }}
          AWS_ACCESS_KEY_ID: \${{ secrets.AWS_ACCESS_KEY_ID }}
          DEPLOY_PUB: \${{ secrets.SSH_PUBLIC_KEY }}
`;
    const findings = await evaluate(workflowSecretsOutsideEnv, one(text), { names: 'deploy|aws|ssh|quay' });
    expect(findings.map((f) => f.key)).toEqual(['release/quay_bot_token', 'release/aws_access_key_id']);
  });

  it.each([
    ['a scanner token', 'SNYK_TOKEN', 'low'],
    ['a chat webhook', 'SLACK_WEBHOOK', 'low'],
    ['a coverage token', 'CODECOV_TOKEN', 'low'],
    // A registry's or a signing credential of a publishing job stays a release credential.
    ['a registry password', 'REGISTRY_PASSWORD', 'high'],
    ['a signing key', 'GPG_PRIVATE_KEY', 'high'],
    // A webhook's URL is its token: a credential, though its last word is URL.
    ['a chat webhook URL', 'SLACK_WEBHOOK_URL', 'low'],
    // The service after an owner's or a purpose's prefix is still the service.
    ["a chat webhook behind the owner's and a purpose's names", 'ACME_DELIVERY_SLACK_WEBHOOK', 'low'],
    ['a coverage token behind a prefix', 'CI_CODECOV_TOKEN', 'low'],
    ['a scanner token with its service last', 'SCAN_TOKEN_SNYK', 'low'],
    // A word of deploying beside the service keeps it a deployment credential.
    ['a deploy token named for a chat service too', 'ACME_SLACK_DEPLOY_TOKEN', 'high'],
    // A service's name inside another word is no service (STEAMS is not TEAMS).
    ["a token of a word that holds a service's name", 'STEAMS_TOKEN', 'high'],
  ])('grades a service token of a publishing job low: %s', async (_name, secret, confidence) => {
    const text = `on: push
jobs:
  release:
    runs-on: x
    env:
      TOKEN: \${{ secrets.${secret} }}
    steps:
      - run: npm publish
`;
    const findings = await evaluate(workflowSecretsOutsideEnv, one(text), defaults0());
    expect(findings.map((f) => f.confidence ?? 'rule')).toEqual([confidence]);
  });

  it.each([
    ["an image repository's name", 'DOCKER_REPOSITORY', []],
    ["a repository's name", 'RELEASE_REPO_NAME', []],
    ['a cloud resource group', 'AZURE_RESOURCEGROUP', []],
    ["an organisation's name", 'DOCKER_ORG_NAME', []],
    ["an image's name", 'DOCKER_FRONTEND_CONTAINER_NAME', []],
    ['a namespace', 'HUB_NAMESPACE', []],
    ['a bucket', 'CONTENT_BUCKET', []],
    ["a token's name, which names a token held elsewhere", 'NPM_TOKEN_NAME', []],
    // A credential word beside the name keeps it a credential.
    ["a repository's token", 'DOCKER_REPOSITORY_TOKEN', ['release/docker_repository_token']],
    ["a repository's password", 'DOCKER_PASSWORD', ['release/docker_password']],
    // A stand-in a validation build gets where the credential would go.
    ['a dummy password', 'DUMMY_DOCKER_PASSWORD', []],
  ])('leaves the name of where to publish alone in a publishing job: %s', async (_name, secret, keys) => {
    const text = `on: push
jobs:
  release:
    runs-on: x
    steps:
      - run: docker push "org/$IMAGE"
        env:
          IMAGE: \${{ secrets.${secret} }}
`;
    const findings = await evaluate(workflowSecretsOutsideEnv, one(text), defaults0());
    expect(findings.map((f) => f.key)).toEqual(keys);
  });

  it('leaves names of images, namespaces, accounts and certificate profiles alone, and reports the credentials beside them', async () => {
    const publish = `on: push
jobs:
  publish:
    runs-on: x
    steps:
      - uses: docker/login-action@74a5d142397b4f367a81961eba4e8cd7edddf772 # v3.4.0
        with: { username: "\${{ secrets.HUB_USERNAME }}", password: "\${{ secrets.HUB_PASSWORD }}" }
      - run: docker buildx imagetools create -t \${{ secrets.HUB_NAMESPACE_NAME }}/\${{ secrets.WEB_IMAGE_NAME }}:latest \${{ secrets.DOCKER_ORG_NAME }}/web:rc
      - run: signer -a \${{ secrets.CLOUD_SIGNING_ACCOUNT_NAME }} -c \${{ secrets.CLOUD_CERT_PROFILE_NAME }} app.exe
        env:
          CLIENT_SECRET: \${{ secrets.CLOUD_CLIENT_SECRET }}
`;
    const published = await evaluate(workflowSecretsOutsideEnv, one(publish), defaults0());
    expect(published.map((f) => [at(f), f.key, f.confidence ?? 'rule'])).toEqual([
      [`${W}:7:73`, 'publish/hub_password', 'high'],
      [`${W}:11:30`, 'publish/cloud_client_secret', 'high'],
    ]);
    // Not a publishing job: \`cert\` inside CERT_PROFILE_NAME makes no deployment credential by its name.
    const sign = `on: push
jobs:
  sign:
    runs-on: windows-latest
    steps:
      - uses: azure/trusted-signing-action@v0
        with:
          certificate-profile-name: \${{ secrets.AZURE_CERT_PROFILE_NAME }}
          code-signing-account-name: \${{ secrets.AZURE_CODE_SIGNING_NAME }}
          azure-client-secret: \${{ secrets.AZURE_CLIENT_SECRET }}
`;
    const signed = await evaluate(workflowSecretsOutsideEnv, one(sign), defaults0());
    expect(signed.map((f) => [at(f), f.key])).toEqual([[`${W}:10:36`, 'sign/azure_client_secret']]);
    expect(signed[0]!.message).toContain('a deployment credential by its name');
  });

  it("takes a secret named for an identifier for a credential when it is all of a login's credential input", async () => {
    const text = `on: push
jobs:
  infra:
    runs-on: x
    steps:
      - uses: google-github-actions/auth@v2
        with:
          credentials_json: \${{ secrets.GCP_SERVICE_ACCOUNT }}
      - uses: azure/login@v2
        with:
          creds: '{"clientId":"\${{ secrets.ARM_CLIENT_ID }}","clientSecret":"\${{ secrets.ARM_CLIENT_SECRET }}"}'
`;
    const findings = await evaluate(workflowSecretsOutsideEnv, one(text), defaults0());
    // The ids around the client's secret in azure/login's JSON stay identifiers.
    expect(findings.map((f) => f.key)).toEqual(['infra/gcp_service_account', 'infra/arm_client_secret']);
    expect(findings[0]!.message).toContain(
      'a deployment credential (the credentials_json of google-github-actions/auth)',
    );
  });

  /** The rule's own list of deployment names (its schema's default). */
  const defaults = {
    names: (workflowSecretsOutsideEnv.schema as { properties: { names: { default: string } } }).properties
      .names.default,
  };

  it('grades a name-only match low in a job that runs tests and neither deploys nor signs, whatever runs the workflow', async () => {
    const workflow = (on: string, steps: string) => `on: ${on}
jobs:
  integration:
    runs-on: x
    env:
      AWS_SECRET_ACCESS_KEY: \${{ secrets.AWS_SECRET_ACCESS_KEY }}
    steps:
      - name: Generate secrets file
        run: ./scripts/secrets.sh
        env:
          GCLOUD_SERVICE_KEY: \${{ secrets.GCLOUD_SERVICE_KEY }}
${steps}`;
    const graded = async (on: string, steps: string) =>
      (await evaluate(workflowSecretsOutsideEnv, one(workflow(on, steps)), defaults)).map((f) => [
        at(f),
        f.confidence ?? 'rule',
      ]);
    // On a push to any branch, in a reusable workflow, behind a dispatch: a test command, or a step named for tests.
    expect(await graded('push', '      - run: go test -v -tags integration ./...')).toEqual([
      [`${W}:6:34`, 'low'],
      [`${W}:11:35`, 'low'],
    ]);
    expect(await graded('workflow_call', '      - name: Run e2e\n        run: ./hack/e2e.sh')).toEqual([
      [`${W}:6:34`, 'low'],
      [`${W}:11:35`, 'low'],
    ]);
    expect(
      await graded(
        'repository_dispatch',
        '      - run: make -C e2e test.run\n      - uses: actions/upload-artifact@v4',
      ),
    ).toEqual([
      [`${W}:6:34`, 'low'],
      [`${W}:11:35`, 'low'],
    ]);
    // A job that also deploys, is named for a release, or runs no tests keeps the grade of the name.
    for (const steps of [
      '      - run: go test ./...\n      - run: kubectl apply -f k8s/',
      '      - run: npm test && npx cdk deploy --all',
      '      - run: go test ./...\n      - name: Release\n        run: ./scripts/upload.sh',
      '      - run: ./scripts/run.sh',
    ])
      expect(await graded('push', steps)).toEqual([
        [`${W}:6:34`, 'rule'],
        [`${W}:11:35`, 'rule'],
      ]);
  });

  it('takes the credential given to a registry or cloud login for a deployment credential, whatever its name', async () => {
    const text = `on: push
jobs:
  images:
    runs-on: x
    steps:
      - uses: docker/login-action@v3
        with:
          registry: ghcr.io
          username: \${{ secrets.BOT_USERNAME }}
          password: \${{ secrets.BOT_PAT }}
      - uses: google-github-actions/auth@v2
        with:
          credentials_json: \${{ secrets.SITE_TOKEN }}
      - uses: ./.github/actions/build
        with:
          push: true
          token: \${{ secrets.PROXY_TOKEN }}
  names:
    runs-on: x
    steps:
      - run: ./build.sh
        env:
          A: \${{ secrets.DOCKER_HUB_PASSWORD }}
          B: \${{ secrets.DOCKER_GHCR_PAT }}
          C: \${{ secrets.QUAYIO_PASSWORD }}
          D: \${{ secrets.GHCR_USERNAME }}
`;
    const findings = await evaluate(workflowSecretsOutsideEnv, one(text), defaults);
    expect(findings.map((f) => [at(f), f.key, f.confidence ?? 'rule'])).toEqual([
      [`${W}:10:25`, 'images/bot_pat', 'rule'],
      [`${W}:13:33`, 'images/site_token', 'rule'],
      [`${W}:23:18`, 'names/docker_hub_password', 'rule'],
      [`${W}:24:18`, 'names/docker_ghcr_pat', 'rule'],
      [`${W}:25:18`, 'names/quayio_password', 'rule'],
    ]);
    expect(findings[0]!.message).toContain(
      'reads secrets.BOT_PAT, a deployment credential (the password of docker/login-action)',
    );
  });

  it.each([
    [
      'docker buildx build --push',
      'docker buildx build --platform linux/amd64 \\\n            -t acme/app:1 --push .',
    ],
    [
      'docker buildx build --output push=true',
      'docker buildx build --output "type=image,push=true" --tag acme/app .',
    ],
    ['docker manifest push', 'docker manifest push acme/app:1'],
    ['goreleaser-action with flags only', ''],
  ])(
    'takes %s for publishing: every credential of the job is a release credential',
    async (_name, script) => {
      const step = script
        ? `      - run: |\n          ${script}\n`
        : '      - uses: goreleaser/goreleaser-action@v6\n        with:\n          args: --clean\n';
      const text = `on: push\njobs:\n  ship:\n    runs-on: x\n    env:\n      TOKEN: \${{ secrets.SOME_TOKEN }}\n    steps:\n${step}`;
      const findings = await evaluate(workflowSecretsOutsideEnv, one(text), defaults);
      expect(findings.map((f) => [at(f), f.confidence])).toEqual([[`${W}:6:18`, 'high']]);
    },
  );

  it('does not take an image build without a push, or goreleaser build, for publishing', async () => {
    for (const step of [
      '      - run: docker buildx build --load -t acme/app .\n',
      '      - uses: goreleaser/goreleaser-action@v6\n        with:\n          args: build --snapshot\n',
      '      - uses: goreleaser/goreleaser-action@v6\n        with:\n          install-only: true\n',
    ]) {
      const text = `on: push\njobs:\n  ship:\n    runs-on: x\n    env:\n      TOKEN: \${{ secrets.SOME_TOKEN }}\n    steps:\n${step}`;
      expect(await evaluate(workflowSecretsOutsideEnv, one(text), defaults)).toEqual([]);
    }
  });

  it('leaves alone what names a key held elsewhere and licence keys, in a publishing job too; release is a word of its own', async () => {
    const text = `on: push
jobs:
  release:
    runs-on: x
    steps:
      - run: gh release create v1.0.0
        env:
          NOTARY_KEY_ID: \${{ secrets.MACOS_NOTARY_KEY_ID }}
          NOTARY_KEY: \${{ secrets.MACOS_NOTARY_KEY }}
          KEY_ALIAS: \${{ secrets.WINDOWS_SIGNING_KEYPAIR_ALIAS }}
          VAULT_PATH: \${{ secrets.VAULT_REPO_SECRET_NAME }}
          TOOL_LICENSE: \${{ secrets.TOOL_PRO_LICENSE_KEY }}
          AWS_ACCESS_KEY_ID: \${{ secrets.AWS_ACCESS_KEY_ID }}
  check:
    runs-on: x
    steps:
      - run: goreleaser check
        env:
          GORELEASER_KEY: \${{ secrets.GORELEASER_KEY }}
          RELEASE_TOKEN: \${{ secrets.RELEASE_TOKEN }}
`;
    const findings = await evaluate(workflowSecretsOutsideEnv, one(text), defaults);
    expect(findings.map((f) => [f.key, f.confidence ?? 'rule'])).toEqual([
      ['release/macos_notary_key', 'high'],
      // An access key's id names the key: reported, low, in a publishing job too.
      ['release/aws_access_key_id', 'low'],
      ['check/release_token', 'rule'],
    ]);
  });

  // A commercial edition of a tool takes its licence key as `<TOOL>_KEY`, in the variable of that name
  // or a `key`/`license` input of the tool's own action: it unlocks the tool, it deploys nothing.
  it.each([
    [
      "the tool's key in its own action's variable",
      'uses: acme/acme-action@v2',
      'env',
      'ACME_KEY',
      'ACME_KEY',
      false,
    ],
    [
      "the tool's licence key in its action's license-key input",
      'uses: acme/pro@v1',
      'with',
      'license-key',
      'ACME_LICENSE_KEY',
      false,
    ],
    [
      "the tool's key in a key input of an action named for it",
      'uses: someone/acme-action@v1',
      'with',
      'key',
      'ACME_KEY',
      false,
    ],
    ["another tool's key", 'uses: acme/acme-action@v2', 'env', 'AUR_KEY', 'AUR_KEY', true],
    ["the tool's key under another variable", 'uses: acme/acme-action@v2', 'env', 'TOKEN', 'ACME_KEY', true],
    ["the tool's API key", 'uses: acme/acme-action@v2', 'env', 'ACME_API_KEY', 'ACME_API_KEY', true],
    ["the tool's key in a script", 'run: acme release', 'env', 'ACME_KEY', 'ACME_KEY', true],
    [
      'the key of a service that deploys',
      'uses: netlify/actions@v1',
      'env',
      'NETLIFY_KEY',
      'NETLIFY_KEY',
      true,
    ],
  ])('%s, in a publishing job', async (_name, step, map, variable, secret, reported) => {
    const text = `on: push
jobs:
  ship:
    runs-on: x
    steps:
      - run: gh release create v1.0.0
      - ${step}
        ${map}:
          ${variable}: \${{ secrets.${secret} }}
`;
    const findings = await evaluate(workflowSecretsOutsideEnv, one(text), defaults);
    expect(findings.map((f) => [at(f), f.key])).toEqual(
      reported ? [[`${W}:9:${variable.length + 17}`, `ship/${secret.toLowerCase()}`]] : [],
    );
  });

  it('leaves alone identifiers given to cloud login inputs and public keys, in a publishing job too', async () => {
    const text = `on: push
jobs:
  image:
    runs-on: x
    permissions: { contents: read, id-token: write }
    steps:
      - uses: google-github-actions/auth@v2
        with:
          workload_identity_provider: \${{ secrets.GCR_WORKLOAD_IDENTITY }}
          service_account: \${{ secrets.GCR_SERVICE_ACCOUNT }}
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: \${{ secrets.AWS_DEPLOY_TOKEN_ROLE }}
          aws-region: us-east-1
      - uses: google-github-actions/auth@v2
        with:
          credentials_json: \${{ secrets.GCP_SA_KEY }}
      - run: docker push gcr.io/acme/app:1.0
  binaries:
    runs-on: x
    steps:
      - run: ./build.sh
        env:
          AWS_PUB_KEY: \${{ secrets.AWS_PUB_KEY }}
          AWS_NAP_PUB_KEY: \${{ secrets.AWS_NAP_PUB_KEY }}
          SIGNING_KEY_PUB: \${{ secrets.AWS_SIGNING_KEY_PUB }}
          AWS_SECRET_ACCESS_KEY: \${{ secrets.AWS_SECRET_ACCESS_KEY }}
`;
    const findings = await evaluate(workflowSecretsOutsideEnv, one(text), defaults);
    // The credential given beside the identifiers, and the secret key beside the public ones, stay.
    expect(findings.map((f) => [at(f), f.key, f.confidence ?? 'rule'])).toEqual([
      [`${W}:17:33`, 'image/gcp_sa_key', 'high'],
      [`${W}:27:38`, 'binaries/aws_secret_access_key', 'rule'],
    ]);
  });

  it('judges a build secret of an image build by its name, not by the job publishing the image', async () => {
    const text = `on: push
jobs:
  image:
    runs-on: x
    steps:
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/app:edge
          secrets: |
            "nginx-repo.crt=\${{ secrets.VENDOR_CRT }}"
            "nginx-repo.key=\${{ inputs.nap != '' && secrets.VENDOR_NAP_KEY || secrets.VENDOR_KEY }}"
            "npmrc=\${{ secrets.NPM_TOKEN }}"
          secret-envs: |
            repo_token=REPO_TOKEN
        env:
          REPO_TOKEN: \${{ secrets.PRIVATE_REPO_TOKEN }}
          SENTRY: \${{ secrets.SENTRY_AUTH_TOKEN }}
      - run: ./notify.sh
        env:
          VENDOR_KEY: \${{ secrets.VENDOR_KEY }}
`;
    const findings = await evaluate(workflowSecretsOutsideEnv, one(text), defaults);
    expect(findings.map((f) => [at(f), f.key, f.confidence ?? 'rule'])).toEqual([
      // A build secret whose name says it publishes is still reported, by its name.
      [`${W}:13:24`, 'image/npm_token', 'rule'],
      // A step variable the build does not take as a secret is the publishing job's secret.
      [`${W}:18:23`, 'image/sentry_auth_token', 'high'],
      // So is the same secret read outside the build.
      [`${W}:21:27`, 'image/vendor_key', 'high'],
    ]);
  });

  it('grades low a signing key a job only checks signatures with; a job that signs keeps the grade', async () => {
    const workflow = (extra: string) => `on:
  push:
    tags: ['v*']
jobs:
  verify:
    runs-on: x
    steps:
      - env:
          KEYS: \${{ secrets.SIGNING_KEYS }}
        run: |
          printf '%s\\n' "$KEYS" > allowed_signers
          git config gpg.ssh.allowedSignersFile allowed_signers
          git verify-tag -v "$GITHUB_REF_NAME"
${extra}`;
    const graded = async (extra: string) =>
      (await evaluate(workflowSecretsOutsideEnv, one(workflow(extra)), defaults)).map((f) => [
        at(f),
        f.confidence ?? 'rule',
      ]);
    expect(await graded('')).toEqual([[`${W}:9:21`, 'low']]);
    expect(await graded('      - run: gpg --batch --detach-sign dist/app.tar.gz')).toEqual([
      [`${W}:9:21`, 'rule'],
    ]);
  });

  it('reports the credentials a step that signs reads, and passphrases by their name', async () => {
    const text = `on: workflow_dispatch
jobs:
  sign:
    runs-on: macos-latest
    steps:
      - name: Sign macOS binaries
        env:
          AC_PASSWORD: \${{ secrets.MACOS_AC_PASSWORD }}
          AC_PROVIDER: \${{ secrets.MACOS_AC_PROVIDER }}
          CERTIFICATE: \${{ secrets.MACOS_CERTIFICATE }}
        run: ./scripts/sign.sh bin
      - name: Sign in to the notary service
        env:
          NOTARY_TOKEN: \${{ secrets.NOTARY_TOKEN }}
        run: ./scripts/login.sh
      - run: ./scripts/check.sh
        env:
          PASSPHRASE: \${{ secrets.SIGNING_GPG_PASSPHRASE }}
`;
    const findings = await evaluate(workflowSecretsOutsideEnv, one(text), defaults);
    expect(findings.map((f) => [at(f), f.confidence ?? 'rule'])).toEqual([
      [`${W}:8:28`, 'rule'],
      [`${W}:10:28`, 'rule'],
      [`${W}:18:27`, 'rule'],
    ]);
    expect(findings[0]!.message).toMatch(
      /^Job "sign" reads secrets\.MACOS_AC_PASSWORD, a signing credential \(a step that signs reads it\), without an environment/,
    );
  });

  it("says that a reusable workflow's declared secret comes from its callers, who can pass no environment secret", async () => {
    const reusable = `on:
  workflow_call:
    secrets:
      Registry_Password: { required: false }
jobs:
  push:
    runs-on: x
    steps:
      - run: ./push.sh
        env:
          PASSWORD: \${{ secrets.registry_password }}
          TOKEN: \${{ secrets.DOCKERHUB_TOKEN }}
`;
    const found = await evaluate(workflowSecretsOutsideEnv, one(reusable), { names: 'registry|docker' });
    expect(found.map((f) => [at(f), f.message])).toEqual([
      [
        `${W}:11:25`,
        'Job "push" reads secrets.registry_password, a deployment credential by its name, without an environment: ' +
          "it is a secret of this reusable workflow's callers (on.workflow_call.secrets), who can only pass it their " +
          'repository or organisation secrets, available to every workflow on every branch. Give the job `environment:` ' +
          'with protection rules and store the credential as a secret of that environment, which takes the place of the one passed in.',
      ],
      // Not declared by the workflow: read from the repository or organisation, as before.
      [
        `${W}:12:22`,
        'Job "push" reads secrets.DOCKERHUB_TOKEN, a deployment credential by its name, without an environment: ' +
          'as a repository or organisation secret it is available to every workflow on every branch. Store it as an ' +
          'environment secret and give the job `environment:` with protection rules.',
      ],
    ]);
  });
  const reusableLogin = `on:
  workflow_call:
    secrets:
      hub_password: { required: false }
      quay_password: { required: false }
jobs:
  push:
    runs-on: x
    steps:
      - uses: docker/login-action@v3
        with:
          username: \${{ secrets.CLOUD_ACCESS_KEY_ID }}
          password: \${{ secrets.CLOUD_SECRET_ACCESS_KEY }}
      - uses: docker/login-action@v3
        with:
          registry: quay.io
          password: \${{ secrets.quay_password }}
      - uses: docker/login-action@v3
        with:
          password: \${{ secrets.hub_password }}
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: \${{ secrets.AWS_ACCESS_KEY_ID }}
          aws-secret-access-key: \${{ secrets.AWS_SECRET_ACCESS_KEY }}
`;
  const caller = (secrets: string) =>
    `on: push\njobs:\n  call:\n    uses: ./.github/workflows/w.yml\n${secrets}`;
  it.each([
    [
      'no caller here: every secret as before',
      {},
      [
        'cloud_secret_access_key:rule',
        'quay_password:rule',
        'hub_password:rule',
        'aws_secret_access_key:rule',
      ],
    ],
    [
      'callers here pass one of its secrets: the other is low',
      {
        '.github/workflows/a.yml': caller('    secrets:\n      quay_password: ${{ secrets.QUAY_TOKEN }}\n'),
        '.github/workflows/b.yml': caller('    secrets:\n      QUAY_PASSWORD: ${{ secrets.QUAY_TOKEN }}\n'),
      },
      [
        'cloud_secret_access_key:rule',
        'quay_password:rule',
        'hub_password:low',
        'aws_secret_access_key:rule',
      ],
    ],
    [
      "every caller here passes the job's own token: low",
      {
        '.github/workflows/a.yml': caller(
          '    secrets:\n      quay_password: ${{ secrets.GITHUB_TOKEN }}\n      hub_password: ${{ secrets.HUB_TOKEN }}\n',
        ),
        '.github/workflows/b.yml': caller(
          '    secrets:\n      quay_password: ${{ github.token }}\n      hub_password: ${{ secrets.GITHUB_TOKEN }}\n',
        ),
      },
      [
        'cloud_secret_access_key:rule',
        'quay_password:low',
        'hub_password:rule',
        'aws_secret_access_key:rule',
      ],
    ],
    [
      'a caller passes all its secrets: as before',
      {
        '.github/workflows/a.yml': caller('    secrets:\n      quay_password: ${{ secrets.QUAY_TOKEN }}\n'),
        '.github/workflows/b.yml': caller('    secrets: inherit\n'),
      },
      [
        'cloud_secret_access_key:rule',
        'quay_password:rule',
        'hub_password:rule',
        'aws_secret_access_key:rule',
      ],
    ],
  ])(
    'reads the key id a login takes as its user name as an identifier; %s',
    async (_name, callers: Record<string, string>, expected) => {
      const found = await evaluate(
        workflowSecretsOutsideEnv,
        { [W]: reusableLogin, ...callers },
        { names: 'registry|docker|quay|hub|cloud|aws' },
      );
      expect(found.map((f) => `${f.key!.split('/')[1]}:${f.confidence ?? 'rule'}`)).toEqual(expected);
      const low = found.find((f) => f.confidence === 'low');
      if (low)
        expect(low.message).toMatch(
          /No workflow of this repository that calls it passes this secret|Every workflow of this repository that calls it passes the job's own token/,
        );
    },
  );

  it.each([
    [
      "an access key's id bound through env: low, its secret key as before",
      `      - run: ./upload.sh
        env:
          AWS_ACCESS_KEY_ID: \${{ secrets.AWS_ACCESS_KEY_ID }}
          AWS_SECRET_ACCESS_KEY: \${{ secrets.AWS_SECRET_ACCESS_KEY }}`,
      ['aws_access_key_id:low', 'aws_secret_access_key:rule'],
    ],
    [
      'an image build-and-push action given a registry login publishes',
      `      - uses: acme/docker-build-push@v6
        with:
          image: acme/app
          registry: docker.io
          username: \${{ secrets.HUB_USER }}
          password: \${{ secrets.HUB_PASSWORD }}`,
      ['hub_password:high'],
    ],
    [
      'the same action told not to push publishes nothing',
      `      - uses: acme/docker-build-push@v6
        with:
          image: acme/app
          pushImage: false
          registry: docker.io
          username: \${{ secrets.HUB_USER }}
          password: \${{ secrets.HUB_PASSWORD }}`,
      [],
    ],
  ])('%s', async (_name, steps, expected) => {
    const text = `on: push\njobs:\n  ship:\n    runs-on: x\n    steps:\n${steps}\n`;
    const found = await evaluate(workflowSecretsOutsideEnv, one(text), { names: 'aws' });
    expect(found.map((f) => `${f.key!.split('/')[1]}:${f.confidence ?? 'rule'}`)).toEqual(expected);
  });
});

describe('workflow.unredacted-secrets: fields that identify rather than authenticate', () => {
  // A service principal's clientId printed in a log opens nothing without its clientSecret, which
  // the next line reads: medium for both before.
  it.each([
    ['clientId', 'low'],
    ['tenantId', 'low'],
    ['subscription_id', 'low'],
    ['project_id', 'low'],
    ['clientSecret', 'rule'],
    ['private_key', 'rule'],
    ['password', 'rule'],
  ])('fromJson(secrets.CREDS).%s is %s', async (field, severity) => {
    const text = `on: push
permissions: {}
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: ./deploy.sh
        env:
          VALUE: \${{ fromJson(secrets.CREDS).${field} }}
`;
    const findings = await evaluate(workflowUnredactedSecrets, one(text), {});
    expect(findings.map((f) => [at(f), f.severity ?? 'rule'])).toEqual([[`${W}:10:22`, severity]]);
    expect(findings[0]!.message.includes('names an identifier, not a credential')).toBe(severity === 'low');
  });
});
