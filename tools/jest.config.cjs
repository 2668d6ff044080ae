module.exports = {
  displayName: 'tools',
  preset: '../jest.preset.js',
  rootDir: __dirname,
  // The backup round trip clones the migrated template database like every database test.
  globalSetup: '../migrations/jest-global-setup.ts',
};
