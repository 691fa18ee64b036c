// Shared Jest settings for every workspace. Tests run from TypeScript sources
// (packages are mapped to their src/), so a test never sees a stale dist/.
const path = require('node:path');

const packages = path.join(__dirname, 'packages');

/** @param {string} rootDir the workspace directory */
module.exports = function preset(rootDir) {
  return {
    rootDir,
    displayName: path.basename(rootDir),
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    transform: {
      '^.+\\.tsx?$': ['ts-jest', { tsconfig: path.join(rootDir, 'tsconfig.json') }],
    },
    moduleNameMapper: {
      '^asgi-core$': path.join(packages, 'asgi-core/src/index.ts'),
      '^starlette-ts$': path.join(packages, 'starlette-ts/src/index.ts'),
      '^fastapi-ts$': path.join(packages, 'fastapi-ts/src/index.ts'),
    },
    testTimeout: 20000,
  };
};
