module.exports = {
  displayName: 'api-community-core',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};
