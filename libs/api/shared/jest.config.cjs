module.exports = {
  displayName: 'api-shared',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  globalSetup: '../../../migrations/jest-global-setup.ts',
};
