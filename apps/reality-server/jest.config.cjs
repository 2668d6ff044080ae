module.exports = {
  displayName: 'reality-server',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  globalSetup: '../../migrations/jest-global-setup.ts',
  // Every e2e answer is checked against the app's OpenAPI document (libs/testing/src/contract).
  setupFilesAfterEnv: ['<rootDir>/../../libs/testing/src/contract/contract-setup.ts'],
};
