module.exports = {
  displayName: 'api-identity-core',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};
