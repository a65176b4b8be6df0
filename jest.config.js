/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // CommonJS for the tests: the handler's import() of lazily loaded clients becomes require().
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', moduleResolution: 'node10' } }] },
  setupFiles: ['<rootDir>/test/support/lambda-environment.ts'],
  setupFilesAfterEnv: ['aws-sdk-client-mock-jest'],
};
