module.exports = {
  displayName: 'migrations',
  preset: '../jest.preset.js',
  rootDir: __dirname,
  globalSetup: '../libs/testing/src/global-setup.ts',
};
