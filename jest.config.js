// Unit tests: specs beside the source, transpiled by ts-jest (type checking is `npm run build`'s job).
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  roots: ['<rootDir>/libs', '<rootDir>/apps'],
  modulePathIgnorePatterns: ['<rootDir>/libs/[^/]+/dist'],
  testRegex: '.*\\.spec\\.ts$',
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleNameMapper: {
    // The packages' sources, not their builds: unit tests run on what is being edited.
    '^nest-telemetry$': '<rootDir>/libs/telemetry/src',
    '^nest-telemetry/(.*)$': '<rootDir>/libs/telemetry/src/$1',
    '^@samples/kit$': '<rootDir>/libs/sample-kit/src',
    '^@test/(.*)$': '<rootDir>/test/utils/$1',
  },
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/setup-unit.js'],
};
