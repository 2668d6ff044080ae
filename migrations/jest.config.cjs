module.exports = {
  displayName: 'migrations',
  preset: '../jest.preset.js',
  rootDir: __dirname,
  globalSetup: '../migrations/jest-global-setup.ts',
};
