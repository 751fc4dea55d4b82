/**
 * `mvn spring-boot:run`, `./mvnw spring-boot:run`, `gradle bootRun`, `./gradlew bootRun`: the
 * Spring Boot build plugins start the application of the project the build tool runs in (the
 * directory it is started in, or Maven's `-f`/`--file`, Gradle's `-p`/`--project-dir`), with its
 * `src/main/resources` on the classpath and that directory as the working directory. Maven's
 * `-pl`/`--projects` and `-rf`/`--resume-from` and Gradle's task paths (`:web:bootRun`) pick a
 * module by a name the build's settings resolve: not read, so no run is known.
 */

/** A word of a command line: a launch's argument, or a shell word before it is one. */
interface Word {
  value: string;
}

export interface BuildToolRun<A extends Word> {
  tool: 'maven' | 'gradle';
  /** The project's directory or build file as written (`-f app/pom.xml`, `-p app`); undefined: the working directory. */
  project?: A;
  /** Maven's `-Dname=value` user properties (the plugin's `spring-boot.run.*` parameters among them), with the word that sets each. */
  properties: Map<string, { value: string; word: A }>;
  /** Gradle's `--args=…` of the bootRun task. */
  args?: A;
}

/** Maven options whose value may be the next word (maven-embedder CLIManager). */
const MAVEN_OPTIONS_WITH_VALUE = new Set([
  '-f',
  '--file',
  '-s',
  '--settings',
  '-gs',
  '--global-settings',
  '-t',
  '--toolchains',
  '-gt',
  '--global-toolchains',
  '-pl',
  '--projects',
  '-rf',
  '--resume-from',
  '-P',
  '--activate-profiles',
  '-D',
  '--define',
  '-l',
  '--log-file',
  '-T',
  '--threads',
  '-b',
  '--builder',
  '-emp',
  '--encrypt-master-password',
  '-ep',
  '--encrypt-password',
]);

/** Gradle options whose value is the next word (Gradle's command-line reference). */
const GRADLE_OPTIONS_WITH_VALUE = new Set([
  '-p',
  '--project-dir',
  '-b',
  '--build-file',
  '-c',
  '--settings-file',
  '-g',
  '--gradle-user-home',
  '-x',
  '--exclude-task',
  '-I',
  '--init-script',
  '--include-build',
  '-D',
  '--system-prop',
  '-P',
  '--project-prop',
]);

/** The Spring Boot run a build tool's command line starts, or undefined. */
export function buildToolRunOf<A extends Word>(program: string, argv: A[]): BuildToolRun<A> | undefined {
  if (program === 'mvn' || program === 'mvnw') return mavenRun(argv);
  if (program === 'gradle' || program === 'gradlew') return gradleRun(argv);
  return undefined;
}

function mavenRun<A extends Word>(argv: A[]): BuildToolRun<A> | undefined {
  const run: BuildToolRun<A> = { tool: 'maven', properties: new Map() };
  let runs = false;
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i].value;
    if (/^(-pl|--projects|-rf|--resume-from)(=|$)/.test(word)) return undefined;
    if (word === '-D' || word === '--define') {
      const next = argv[++i];
      if (next) define(run, next.value, next);
      continue;
    }
    if (word.startsWith('-D')) {
      define(run, word.slice(2), argv[i]);
      continue;
    }
    if (word === '-f' || word === '--file') {
      run.project = argv[++i];
      continue;
    }
    if (word.startsWith('--file=')) {
      run.project = argv[i];
      continue;
    }
    if (MAVEN_OPTIONS_WITH_VALUE.has(word)) {
      i++;
      continue;
    }
    if (word === 'spring-boot:run' || /^org\.springframework\.boot:spring-boot-maven-plugin(:[^:]+)?:run$/.test(word)) runs = true;
  }
  return runs ? run : undefined;
}

/** `name=value` as Maven's `-D` sets a user property. */
function define<A extends Word>(run: BuildToolRun<A>, text: string, word: A): void {
  const at = text.indexOf('=');
  if (at > 0) run.properties.set(text.slice(0, at), { value: text.slice(at + 1), word });
}

function gradleRun<A extends Word>(argv: A[]): BuildToolRun<A> | undefined {
  const run: BuildToolRun<A> = { tool: 'gradle', properties: new Map() };
  let runs = false;
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i].value;
    if (word === '-p' || word === '--project-dir') {
      run.project = argv[++i];
      continue;
    }
    if (word.startsWith('--args=')) {
      run.args = argv[i];
      continue;
    }
    if (GRADLE_OPTIONS_WITH_VALUE.has(word)) {
      i++;
      continue;
    }
    if (word === 'bootRun' || word === ':bootRun') runs = true;
    else if (/:bootRun$/.test(word)) return undefined;
  }
  return runs ? run : undefined;
}
