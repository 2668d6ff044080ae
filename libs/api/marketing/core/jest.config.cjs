module.exports = {
  displayName: 'api-marketing-core',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};
