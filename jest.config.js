// Five projects: `unit` needs nothing but Node; `corpus` reads ../shared/corpus and skips when
// absent; `hostile` runs the built CLI on generated hostile input; `fuzz`
// runs mutated input through the pipeline in-process (fast-check); `servers` compares the readers
// with the real servers (Debian packages that .ci/run installs).
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
};
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/test/corpus/', '/test/servers/', '/test/hostile/', '/test/fuzz/', '/node_modules/'],
    },
    { ...common, displayName: 'corpus', testMatch: ['<rootDir>/test/corpus/**/*.test.ts'] },
    { ...common, displayName: 'hostile', testMatch: ['<rootDir>/test/hostile/**/*.test.ts'] },
    { ...common, displayName: 'fuzz', testMatch: ['<rootDir>/test/fuzz/**/*.test.ts'] },
    { ...common, displayName: 'servers', testMatch: ['<rootDir>/test/servers/**/*.test.ts'] },
  ],
};
