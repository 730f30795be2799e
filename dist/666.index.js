export * from './cli/666.index.js';
