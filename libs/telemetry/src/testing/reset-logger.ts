import * as path from 'node:path';

/**
 * nestjs-pino keeps one root logger per process, built by the first app that logs:
 * a second app in the same test process would write through the first one's logger
 * and destination. Call this before creating each app in tests that start several.
 * It runs nestjs-pino's own test reset, which its package does not export.
 * @publicApi
 */
export function resetNestjsPinoForTests(): void {
  const entry = require.resolve('nestjs-pino');
  const { __resetOutOfContextForTests } = require(path.join(path.dirname(entry), 'PinoLogger.js')) as {
    __resetOutOfContextForTests?: () => void;
  };
  if (typeof __resetOutOfContextForTests !== 'function') {
    throw new Error('resetNestjsPinoForTests: this nestjs-pino version has no __resetOutOfContextForTests');
  }
  __resetOutOfContextForTests();
}
