module.exports = {
  displayName: 'queue',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  globalSetup: '../../libs/testing/src/global-setup.ts',
};
