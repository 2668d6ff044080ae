const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('node:path');

// tsc compiler (not esbuild/swc): Nest and TypeORM need emitted decorator metadata.
module.exports = {
  output: { path: join(__dirname, '../../dist/apps/reality-server'), clean: true },
  devtool: 'source-map',
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      additionalEntryPoints: [{ entryName: 'worker', entryPath: 'apps/reality-server/src/worker.ts' }],
      outputHashing: 'none',
      optimization: false,
      generatePackageJson: true,
      externalDependencies: 'all',
      sourceMap: true,
    }),
  ],
};
