import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// formatted after the study merge: another branch is editing these files; drop this list (and the block at the
// end of .prettierignore) once it has merged and the files have been formatted.
const deferredUntilStudyMerge = [
  'apps/cli/src/study/**',
  'apps/cli/src/commands/study.ts',
  'apps/report/src/specs/**',
  'apps/report/src/html/**',
  'apps/report/src/results/**',
  'tests/study.e2e.test.ts',
  'tests/bad-input/study.test.ts',
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    ignores: deferredUntilStudyMerge,
    rules: {
      'max-len': ['error', { code: 140, ignoreUrls: true }],
    },
  },
);
