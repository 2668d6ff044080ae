module.exports = {
  displayName: 'events',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  globalSetup: '../../migrations/jest-global-setup.ts',
};
