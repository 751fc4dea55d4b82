/**
 * `docker build` command lines read as Docker's CLI (pflag) reads them, and Makefile recipes as
 * GNU make hands them to the shell. Expected values follow docker/cli newBuildCommand and
 * docker/buildx buildCmd (which options take a value), and the GNU make manual.
 */
import { commandBuilds, makefileCommands } from '../../../src/readers/docker/build-commands';
import { MappedText } from '../../../src/readers/kit/mapped-text';
import { parseShell } from '../../../src/readers/kit/shell-words';
import { SourceText } from '../../../src/source/text';

/** `dockerfile context target tags args` of each build of a script run from /repo, paths relative to /repo. */
function builds(script: string, makefile = false): string[] {
  const source = new SourceText(makefile ? 'Makefile' : 'script.sh', script);
  const scripts = makefile ? makefileCommands(source) : [parseShell(MappedText.of(source)).commands];
  return scripts
    .flatMap((commands) => commandBuilds(source, commands, '/repo'))
    .map(({ dockerfile, context, target, tags, args }) =>
      [
        dockerfile.replace('/repo/', ''),
        context.replace('/repo', '.'),
        target ?? '-',
        tags.join(',') || '-',
        [...args].map(([name, value]) => `${name}=${value.unresolved.length > 0 ? '?' : value.value}`).join(',') || '-',
      ].join(' '),
    );
}

describe('docker build command lines', () => {
  test('each spelling of an option with a value, short options run together, and options after the context', () => {
    expect(builds('docker build -f docker/Dockerfile -t a/b:1 --tag=a/b:2 -ta/b:3 .')).toEqual(['docker/Dockerfile . - a/b:1,a/b:2,a/b:3 -']);
    expect(builds('docker buildx build --push -qt a/b --file=x/Dockerfile ctx --target Prod')).toEqual(['x/Dockerfile ./ctx prod a/b -']);
    // -f is relative to the working directory; without it the Dockerfile is the context's.
    expect(builds('cd app && docker image build -f=Dockerfile.prod ..')).toEqual(['app/Dockerfile.prod . - - -']);
    expect(builds('sudo DOCKER_BUILDKIT=1 docker builder build --check --no-cache sub')).toEqual(['sub/Dockerfile ./sub - - -']);
    expect(builds('docker build --build-arg A=1 --build-arg B --build-arg "C=$X" -- .')).toEqual(['Dockerfile . - - A=1,B=?,C=?']);
  });

  test('an option the lists do not hold, a boolean given a separate value, a context from stdin or a URL, or a cd the script cannot follow: nothing', () => {
    expect(builds('docker build --frobnicate x -t a/b .')).toEqual([]);
    // pflag does not give a boolean the next word: `false` is a second positional argument.
    expect(builds('docker build --pull false -t a/b .')).toEqual([]);
    expect(builds('docker build -t a/b -')).toEqual([]);
    expect(builds('docker build -t a/b https://github.com/example/app.git')).toEqual([]);
    expect(builds('docker build $OPTS -t a/b .')).toEqual([]);
    expect(builds('cd "$DIR"; docker build -t a/b .')).toEqual([]);
    expect(builds('docker run -t a/b .')).toEqual([]);
  });
});

describe('Makefile recipes', () => {
  test("variables expanded before the shell reads the line: =, :=, ?= and +=, quotes left to the shell, $$ for the shell's $", () => {
    const makefile = 'A = one\nB := $(A)/two\nC ?= "three"\nC ?= four\nD = x\nD += y\nimage:\n\tdocker build -t $(B):$(C) -t "${D}" -t $$TAG .\n';
    expect(builds(makefile, true)).toEqual(['Dockerfile . - one/two:three,x y -']);
  });

  test('a recipe goes on over continuations, comments and conditionals; a variable line ends it', () => {
    const makefile =
      'image:\n\t@docker build \\\n\t\t-t a/b \\\n\t\t.\n# a comment\nifdef CI\n\tdocker build -t a/c .\nendif\nX = 1\n\tdocker build -t a/d .\n';
    expect(builds(makefile, true)).toEqual(['Dockerfile . - a/b -', 'Dockerfile . - a/c -']);
  });

  test('what make does not fix is unknown: the environment, $(shell), a target-specific or conditional value, a ?= that an include may have set', () => {
    const recipe = 'image:\n\tdocker build -t a/b:$(V) .\n';
    expect(builds(recipe, true)).toEqual(['Dockerfile . - - -']);
    expect(builds(`V = $(shell git describe)\n${recipe}`, true)).toEqual(['Dockerfile . - - -']);
    expect(builds(`image: V = 1\n${recipe}`, true)).toEqual(['Dockerfile . - - -']);
    expect(builds(`ifdef CI\nV = 1\nendif\n${recipe}`, true)).toEqual(['Dockerfile . - - -']);
    expect(builds(`include config.mk\nV ?= 1\n${recipe}`, true)).toEqual(['Dockerfile . - - -']);
    expect(builds(`V = 1\ninclude config.mk\n${recipe}`, true)).toEqual(['Dockerfile . - - -']);
    // A plain assignment after the include decides.
    expect(builds(`include config.mk\nV = 1\n${recipe}`, true)).toEqual(['Dockerfile . - a/b:1 -']);
  });
});
