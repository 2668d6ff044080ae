module.exports = {
  displayName: 'db',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  globalSetup: '../../migrations/jest-global-setup.ts',
};
