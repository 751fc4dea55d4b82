// Two projects: `unit` needs nothing but Node; `corpus` reads ../shared/corpus and skips when absent.
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['/test/corpus/', '/node_modules/'] },
    { ...common, displayName: 'corpus', testMatch: ['<rootDir>/test/corpus/**/*.test.ts'] },
  ],
};
