/**
 * A `java` command line read as OpenJDK's launcher reads it (src/java.base/share/native/libjli/
 * java.c `ParseArguments` and `GetOpt`): words that start with `-` are the launcher's and the
 * JVM's options until the first word that does not, which is the main class, or the jar file when
 * `-jar` was given anywhere before it (`-jar` takes no value of its own: `java -jar -Xmx512m
 * -Dx=y app.jar` hands `-Dx=y` to the JVM). `-m`/`--module` (and `--module=`) end the options at
 * once. Everything after the main is the application's arguments. Checked with OpenJDK 17.0.15:
 * `java -jar -Dx=y p.jar -Dx=z` gives the JVM x=y and the application the argument `-Dx=z`.
 */
import type { LaunchArg } from './launch';

/**
 * Options whose value is the next word, when that word does not start with `-` (java.c
 * `IsLauncherOption` and `IsModuleOption`; `--name=value` is one word). `-jar` is not one of them.
 */
const OPTIONS_WITH_VALUE = new Set([
  '-cp',
  '-classpath',
  '--class-path',
  '-m',
  '--module',
  '--describe-module',
  '-d',
  '--source',
  '-p',
  '--module-path',
  '--upgrade-module-path',
  '--add-modules',
  '--enable-native-access',
  '--limit-modules',
  '--add-exports',
  '--add-opens',
  '--add-reads',
  '--patch-module',
]);

export interface JavaCommandLine {
  /** Whether `-jar` was given: the main word is then the jar file. */
  jar: boolean;
  /** The options before the main word (values of options that take one included), in order. */
  options: LaunchArg[];
  /** The jar file, main class, source file or module; undefined when the launcher runs none (`java -version`) or the tree does not say. */
  main?: LaunchArg;
  /** The application's arguments (`main(String[])`). */
  appArgs: LaunchArg[];
  /**
   * An `@argfile` before the main word: the launcher reads more options (and maybe the main) from
   * a file the tree does not give here, so the words after it are neither options nor arguments
   * that can be told apart (args.c `JLI_PreprocessArg`).
   */
  argFile: boolean;
}

/** `argv`: the launch's words, `java` first. */
export function readJavaCommandLine(argv: LaunchArg[]): JavaCommandLine {
  const line: JavaCommandLine = { jar: false, options: [], appArgs: [], argFile: false };
  let expandArgFiles = true;
  let i = 1;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    const word = arg.value;
    if (expandArgFiles && word.startsWith('@') && !word.startsWith('@@') && word.length > 1) {
      line.argFile = true;
      return line;
    }
    // `java $JAVA_OPTS -jar app.jar`: a word that is only a variable is options the tree does not
    // show, unless it stands where the jar is (`java -jar $JAR`).
    if (isWholeVariable(arg) && !line.jar) {
      line.options.push(arg);
      continue;
    }
    if (!word.startsWith('-') || (arg.unresolved && !/^["']?-/.test(word))) break;
    line.options.push(arg);
    if (word === '-jar') line.jar = true;
    else if (word === '--disable-@files') expandArgFiles = false;
    else if (word.startsWith('--module=')) return { ...line, main: arg, appArgs: argv.slice(i + 1) };
    else if (OPTIONS_WITH_VALUE.has(word) && i + 1 < argv.length && !argv[i + 1].value.startsWith('-')) {
      const value = argv[++i];
      line.options.push(value);
      if (word === '-m' || word === '--module') return { ...line, main: value, appArgs: argv.slice(i + 1) };
    }
  }
  if (i >= argv.length) return line;
  return { ...line, main: argv[i], appArgs: argv.slice(i + 1) };
}

/** `$JAVA_OPTS`, `"${JAVA_OPTS}"`: a word that is one variable and nothing else. */
function isWholeVariable(arg: LaunchArg): boolean {
  return arg.unresolved?.length === 1 && arg.value.replace(/^"(.*)"$/s, '$1') === arg.unresolved[0];
}
