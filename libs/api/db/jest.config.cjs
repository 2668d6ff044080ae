module.exports = {
  displayName: 'api-db',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  globalSetup: '../../../migrations/jest-global-setup.ts',
};
