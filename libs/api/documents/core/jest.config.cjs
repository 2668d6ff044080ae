module.exports = {
  displayName: 'api-documents-core',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};
