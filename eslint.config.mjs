import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/.nx', '**/.data', '**/reports', 'tools/**/*.mjs'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          banTransitiveDependencies: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:api-core', 'type:api-http', 'type:api-shared'] },
            // The portal never sees the PM API's contexts or its entities (@ppt/api-db), directly or through a
            // shared lib (Nx follows this rule transitively): shared libs (@ppt/db, @ppt/events, …) carry no
            // scope tag and import neither app's entities.
            { sourceTag: 'scope:reality-server', notDependOnLibsWithTags: ['scope:api-server'] },
            // api-server's bounded contexts (libs/api/<context>/{core,http}, docs/architecture.md):
            // http → its own core, other cores' public API, shared; core → other cores, shared, lower libs;
            // a core never reaches into HTTP; a repository is never in a core's index, and deep imports
            // (relative paths into another lib, or @ppt/x/src/...) fail the rule, so no context reads
            // another's repository.
            {
              sourceTag: 'type:api-http',
              onlyDependOnLibsWithTags: ['type:api-core', 'type:api-shared', 'type:feature', 'type:data-access', 'type:util'],
            },
            {
              sourceTag: 'type:api-core',
              onlyDependOnLibsWithTags: ['type:api-core', 'type:api-shared', 'type:feature', 'type:data-access', 'type:util'],
            },
            {
              sourceTag: 'type:api-shared',
              onlyDependOnLibsWithTags: ['type:api-shared', 'type:feature', 'type:data-access', 'type:util'],
            },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:testing'] },
            // The service-level test tier's context (libs/api/testing) boots api-server's platform and cores for
            // int-specs; only test files may import it (the override below), production code never.
            {
              sourceTag: 'type:api-testing',
              onlyDependOnLibsWithTags: ['type:api-shared', 'type:feature', 'type:data-access', 'type:util', 'type:testing'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A lib is used through its index only (a core's index never exports its repositories).
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@ppt/*/**'], message: 'Import a lib through its index (@ppt/<lib>), never a file inside it.' }] },
      ],
      'no-console': 'error',
      // An OrganizationId is made only where the id is trusted (libs/db/src/organization-id.ts); the files
      // allowed to are listed in the next block.
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.name='trustedOrganizationId']",
          message: 'Take the OrganizationId from a tenant transaction (TenantUnitOfWork.run); only trusted places make one.',
        },
        {
          // A cast would mint the brand as easily as the constructor.
          selector: "TSAsExpression[typeAnnotation.typeName.name='OrganizationId'], TSTypeAssertion[typeAnnotation.typeName.name='OrganizationId']",
          message: 'Never cast to OrganizationId: take it from a tenant transaction (TenantUnitOfWork.run).',
        },
      ],
    },
  },
  {
    // The trusted places: the unit of work (its actor is the tenant the auth guard resolved, or a job's
    // systemActor of an organisation read from a row) and the brand's own definition.
    files: ['libs/api/shared/src/common/tenant-unit-of-work.ts', 'libs/db/src/organization-id.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Test files (and benchmarks, which run the same local peers) may use the testing lib; nothing else may.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts', '**/jest-*.ts', 'tools/bench/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          // A test may take a repository by its file (to inject a failure into one query); production code
          // reaches another feature only through its lib's index.
          allow: ['\\.repository$'],
          depConstraints: [{ sourceTag: '*', onlyDependOnLibsWithTags: ['*'] }],
          banTransitiveDependencies: false,
        },
      ],
      'no-console': 'off',
      'no-restricted-syntax': 'off',
    },
  },
];
