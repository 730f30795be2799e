import { controlsOfTheme } from '../../src/core/catalog.js';

/** Every technological control declared implemented, with a justification and no evidence. */
export function claimEverything(): string {
  const entries = controlsOfTheme('Technological').map(
    (c) => `  "${c.id}": { status: implemented, justification: "We do this." }`,
  );
  return `version: 1\ncontrols:\n${entries.join('\n')}\n`;
}
