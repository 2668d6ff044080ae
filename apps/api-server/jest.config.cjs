module.exports = {
  displayName: 'api-server',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  globalSetup: '../../migrations/jest-global-setup.ts',
};
