// No globalSetup: the adapters need neither PostgreSQL nor Redis; each test starts the local portal
// servers (XML-RPC, HTTP+ZIP, webhooks) it talks to.
module.exports = {
  displayName: 'syndication',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
