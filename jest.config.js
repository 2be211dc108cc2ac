// Unit tests: specs beside the source, compiled by SWC (decorators + metadata as tsc emits them).
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  roots: ['<rootDir>/libs', '<rootDir>/apps'],
  testRegex: '.*\\.spec\\.ts$',
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', require('./swc.jest.config')] },
  moduleNameMapper: {
    '^@app/telemetry$': '<rootDir>/libs/telemetry/src',
    '^@app/telemetry/(.*)$': '<rootDir>/libs/telemetry/src/$1',
    '^@app/sample-kit$': '<rootDir>/libs/sample-kit/src',
    '^@test/(.*)$': '<rootDir>/test/utils/$1',
  },
  testEnvironment: 'node',
};
