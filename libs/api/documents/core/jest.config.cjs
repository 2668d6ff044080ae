module.exports = {
  displayName: 'api-documents-core',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
  // The service-tier int-specs clone the migrated template database.
  globalSetup: '../../../../migrations/jest-global-setup.ts',
};
