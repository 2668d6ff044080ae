module.exports = {
  displayName: 'api-assistant-core',
  preset: '../../../../jest.preset.js',
  rootDir: __dirname,
};
