module.exports = {
  displayName: 'api-property-core',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};
