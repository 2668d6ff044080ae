module.exports = {
  displayName: 'api-server',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  globalSetup: '../../libs/testing/src/global-setup.ts',
};
