// Shared Jest settings: SWC transform (keeps decorator metadata for Nest/TypeORM) and the Nx resolver,
// which maps the @ppt/* path aliases from tsconfig.base.json.
const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  // Jest 30 "soft-deletes" what a test file left on its global object by wrapping each property in a
  // getter/setter; its setter for a plain data property calls itself (jest-util deleteProperty), so
  // any late write — Sentry's carrier sets \`__SENTRY__.version\` on every call — overflowed the stack
  // and crashed the worker with every file it was running. "on" really deletes them (and frees memory).
  testEnvironmentOptions: { globalsCleanup: 'on' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['**/?(*.)+(spec|int-spec|e2e-spec).ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  testTimeout: 30000,
  coverageReporters: ['text-summary', 'lcov'],
};
