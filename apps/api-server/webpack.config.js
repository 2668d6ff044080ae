const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('node:path');

// tsc compiler (not esbuild/swc): Nest and TypeORM need emitted decorator metadata.
module.exports = {
  output: { path: join(__dirname, '../../dist/apps/api-server'), clean: true },
  devtool: 'source-map',
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      additionalEntryPoints: [
        { entryName: 'worker', entryPath: 'apps/api-server/src/worker.ts' },
        { entryName: 'migrate', entryPath: 'migrations/cli.ts' },
        { entryName: 'admin', entryPath: 'apps/api-server/src/cli/admin.cli.ts' },
      ],
      outputHashing: 'none',
      optimization: false,
      generatePackageJson: true,
      externalDependencies: 'all',
      sourceMap: true,
    }),
  ],
};
