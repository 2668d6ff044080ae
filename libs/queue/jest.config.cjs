module.exports = {
  displayName: 'queue',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  globalSetup: '../../migrations/jest-global-setup.ts',
};
