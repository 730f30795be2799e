/** The engine's public surface, shared by the Action and the CLI. No `@actions/*` imports here. */
export * from './base-results.js';
export * from './catalog.js';
export * from './config.js';
export * from './engine.js';
export * from './finding.js';
export * from './gate.js';
export * from './rules/load.js';
export * from './types.js';
export { VERSION } from './version.js';
export { Workspace } from './workspace/workspace.js';
