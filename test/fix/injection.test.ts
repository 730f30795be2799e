// biome-ignore-all lint/suspicious/noTemplateCurlyInString: workflow `${{ }}` expressions and shell `${VAR}` are test data here.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTrees, roundTrip } from './round-trip.js';

afterAll(cleanupTrees);

const RULE = 'workflow-template-injection';
const FILE = '.github/workflows/triage.yml';
const wf = (runner: string, steps: string) =>
  `on:\n  issues:\n    types: [opened]\npermissions: { contents: read }\njobs:\n  triage:\n    runs-on: ${runner}\n    steps:\n${steps}`;

const CASES: { name: string; input: string; output: string; fixes: number }[] = [
  {
    name: 'bash, inside double quotes: the variable joins the quoted text',
    fixes: 1,
    input: wf(
      'ubuntu-latest',
      '      - run: |\n          echo "New issue: ${{ github.event.issue.title }}"\n',
    ),
    output: wf(
      'ubuntu-latest',
      '      - run: |\n          echo "New issue: ${ISSUE_TITLE}"\n        env:\n          ISSUE_TITLE: ${{ github.event.issue.title }}\n',
    ),
  },
  {
    name: 'bash, unquoted and single-quoted, the same value twice, env: before run:',
    fixes: 3,
    input: wf(
      'ubuntu-latest',
      "      - name: Label\n        run: |\n          gh issue edit --title ${{ github.event.issue.title }}\n          echo '${{ github.event.issue.title }}' # ${{ github.event.issue.body }}\n",
    ),
    output: wf(
      'ubuntu-latest',
      '      - name: Label\n        env:\n          ISSUE_TITLE: ${{ github.event.issue.title }}\n          ISSUE_BODY: ${{ github.event.issue.body }}\n        run: |\n          gh issue edit --title "$ISSUE_TITLE"\n          echo \'\'"$ISSUE_TITLE"\'\' # ${ISSUE_BODY}\n',
    ),
  },
  {
    name: 'an existing env: gets the entry; a name in use is not reused',
    fixes: 1,
    input: wf(
      'ubuntu-latest',
      '      - run: echo ${{ github.event.issue.title }} >> "$GITHUB_STEP_SUMMARY"\n        env: { ISSUE_TITLE: fixed }\n',
    ),
    output: wf(
      'ubuntu-latest',
      '      - run: echo "$ISSUE_TITLE_2" >> "$GITHUB_STEP_SUMMARY"\n        env: { ISSUE_TITLE: fixed, ISSUE_TITLE_2: \'${{ github.event.issue.title }}\' }\n',
    ),
  },
  {
    name: 'a heredoc body reads the variable without quotes; tabs in the script stay',
    fixes: 1,
    input: wf(
      'ubuntu-latest',
      '      - run: |\n          cat <<EOF > note.md\n          \t${{ github.event.issue.body }}\n          EOF\n',
    ),
    output: wf(
      'ubuntu-latest',
      '      - run: |\n          cat <<EOF > note.md\n          \t${ISSUE_BODY}\n          EOF\n        env:\n          ISSUE_BODY: ${{ github.event.issue.body }}\n',
    ),
  },
  {
    name: 'PowerShell on a Windows runner, CRLF kept',
    fixes: 1,
    input: wf('windows-latest', '      - run: Write-Output ${{ github.event.issue.title }}\n').replace(
      /\n/g,
      '\r\n',
    ),
    output: wf(
      'windows-latest',
      '      - run: Write-Output "$env:ISSUE_TITLE"\n        env:\n          ISSUE_TITLE: ${{ github.event.issue.title }}\n',
    ).replace(/\n/g, '\r\n'),
  },
  {
    name: "a function's value is named after what it is given, not after the function",
    fixes: 2,
    input: wf(
      'ubuntu-latest',
      '      - run: echo "New ${{ format(\'{0} ({1})\', github.event.issue.title, github.event.issue.body) }}"\n',
    ),
    output: wf(
      'ubuntu-latest',
      '      - run: echo "New ${ISSUE_TITLE}"\n        env:\n          ISSUE_TITLE: ${{ format(\'{0} ({1})\', github.event.issue.title, github.event.issue.body) }}\n',
    ),
  },
  {
    name: 'a double-quoted YAML script: the quotes the shell needs are escaped for YAML',
    fixes: 1,
    input: wf('ubuntu-latest', '      - run: "echo ${{ github.event.issue.title }} \\\\ done"\n'),
    output: wf(
      'ubuntu-latest',
      '      - run: "echo \\"$ISSUE_TITLE\\" \\\\ done"\n        env:\n          ISSUE_TITLE: ${{ github.event.issue.title }}\n',
    ),
  },
  {
    name: 'a single-quoted YAML script: its quotes are doubled, the shell quotes too',
    fixes: 2,
    input: wf(
      'ubuntu-latest',
      "      - run: 'echo ''${{ github.event.issue.title }}'' ${{ github.event.issue.body }}'\n",
    ),
    output: wf(
      'ubuntu-latest',
      "      - run: 'echo ''''\"$ISSUE_TITLE\"'''' \"$ISSUE_BODY\"'\n        env:\n          ISSUE_TITLE: ${{ github.event.issue.title }}\n          ISSUE_BODY: ${{ github.event.issue.body }}\n",
    ),
  },
  {
    name: 'a folded script between comments',
    fixes: 1,
    input: wf(
      'ubuntu-latest',
      '      - name: Note # the note\n        run: >\n          echo ${{ github.event.issue.title }}\n        # after the script\n      - run: echo done\n',
    ),
    output: wf(
      'ubuntu-latest',
      '      - name: Note # the note\n        env:\n          ISSUE_TITLE: ${{ github.event.issue.title }}\n        run: >\n          echo "$ISSUE_TITLE"\n        # after the script\n      - run: echo done\n',
    ),
  },
  {
    name: 'an env. reference only needs the variable that is already there',
    fixes: 1,
    input:
      'on: issue_comment\npermissions: {}\nenv:\n  BODY: ${{ github.event.comment.body }}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ env.BODY }}"\n',
    output:
      'on: issue_comment\npermissions: {}\nenv:\n  BODY: ${{ github.event.comment.body }}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${BODY}"\n',
  },
];

describe('fix: expressions out of run: into env:', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const { final } = await roundTrip({ [FILE]: c.input }, RULE, { fixes: c.fixes });
      expect(final[FILE]).toBe(c.output);
    });
  }

  it('a fix whose lines hold a secret is withheld, so no report or suggestion carries it', async () => {
    const token = 'ghp_R8kq2ZxV7pLm4TnW9sYb3HcJ6fDg1QaE5uKo';
    const { findings } = await roundTrip(
      {
        [FILE]: wf(
          'ubuntu-latest',
          `      - run: GH_TOKEN=${token} ./notify.sh "\${{ github.event.issue.title }}"\n`,
        ),
      },
      RULE,
      { fixes: 0 },
    );
    expect(findings.map((f) => f.unfixable)).toEqual([
      'the lines it changes hold a secret value: fix them by hand',
    ]);
    expect(JSON.stringify(findings)).not.toContain(token);
  });

  it('cmd, python, quoted heredocs and PowerShell single quotes are left alone, with the reason', async () => {
    const { findings } = await roundTrip(
      {
        [FILE]: wf(
          'ubuntu-latest',
          "      - run: echo ${{ github.event.issue.title }}\n        shell: cmd\n      - run: print('${{ github.event.issue.title }}')\n        shell: python\n      - run: |\n          cat <<'EOF'\n          ${{ github.event.issue.title }}\n          EOF\n      - run: Write-Host '${{ github.event.issue.title }}'\n        shell: pwsh\n",
        ),
      },
      RULE,
      { fixes: 0 },
    );
    expect(findings.map((f) => f.unfixable)).toEqual([
      expect.stringMatching(/^cmd expands %NAME%/),
      expect.stringMatching(/^a python script/),
      expect.stringMatching(/quoted heredoc/),
      expect.stringMatching(/single-quoted PowerShell/),
    ]);
  });
});
