module.exports = {
  displayName: 'api-finance-core',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};
