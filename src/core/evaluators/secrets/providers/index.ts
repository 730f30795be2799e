import type { ProviderSpec } from '../provider.js';
import { AI_AND_OPS } from './ai-and-ops.js';
import { CLOUD } from './cloud.js';
import { COMMERCE } from './commerce.js';
import { DEVTOOLS } from './devtools.js';
import { MESSAGING } from './messaging.js';

/** Every issuer credential the scanner knows by its shape, one entry per kind. */
export const PROVIDERS: readonly ProviderSpec[] = [
  ...CLOUD,
  ...DEVTOOLS,
  ...MESSAGING,
  ...COMMERCE,
  ...AI_AND_OPS,
];
