module.exports = {
  displayName: 'api-assistant-core',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
  // The int-specs (ServiceTestContext, @ppt/api-testing) clone the migrated template database.
  globalSetup: '../../../../migrations/jest-global-setup.ts',
};
