export * from './cli/181.index.js';
