// No globalSetup: storage needs neither PostgreSQL nor Redis (the S3 tests start s3rver themselves).
module.exports = {
  displayName: 'storage',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
