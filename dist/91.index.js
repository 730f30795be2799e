export * from './cli/91.index.js';
