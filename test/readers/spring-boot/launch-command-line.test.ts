/**
 * What the command that starts a Spring Boot application hands it, read from disk through the
 * real engine: the `java` launcher's options up to the jar or main class (OpenJDK libjli/java.c
 * ParseArguments: `-jar` takes no value, so `java -jar -Dx=y app.jar` passes -Dx=y to the JVM).
 */
import { readTree } from '../../../src/engine/read-tree';
import { linkDeployment } from '../../../src/model/links';
import { readJavaCommandLine } from '../../../src/readers/launch/java-command-line';
import type { LaunchArg } from '../../../src/readers/launch/launch';
import { writeTree } from '../../disk-tree';

function modelOf(files: Record<string, string>) {
  const dir = writeTree(files);
  return readTree({ paths: [dir], cwd: dir, config: {} }).model;
}

/** `address -> backend name` for every link nginx makes. */
function links(files: Record<string, string>): string[] {
  return linkDeployment(modelOf(files)).map((link) => `${link.target.address.text} -> ${link.backend.name}`);
}

const nginxTo = (address: string) => `server {\n    listen 80;\n    location / {\n        proxy_pass http://${address};\n    }\n}\n`;
const WEB = '  web:\n    image: nginx:1.25\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf\n';

describe('java: options up to the jar or main class', () => {
  // application.yml activates dev (8085); only a -D the JVM gets switches it to docker (9000).
  const profiles = {
    'app/src/main/resources/application.yml': 'spring:\n  profiles:\n    active: dev\n',
    'app/src/main/resources/application-dev.yml': 'server:\n  port: 8085\n',
    'app/src/main/resources/application-docker.yml': 'server:\n  port: 9000\n',
    'docker-compose.yml': `services:\n  app:\n    build:\n      context: ./\n      dockerfile: ./app/Dockerfile\n${WEB}`,
    'nginx/default.conf': nginxTo('app:9000'),
  };
  const withCommand = (command: string) => ({ ...profiles, 'app/Dockerfile': `FROM eclipse-temurin:17\nCOPY app/target/app.jar /app.jar\n${command}\n` });

  test('-D after -jar and before the jar file is a JVM option (mall4j: java -jar -Xmx512m -Dspring.profiles.active=docker x.jar)', () => {
    expect(links(withCommand('CMD java -jar -Xmx512m -Dspring.profiles.active=docker /app.jar'))).toEqual(['app:9000 -> app [profiles docker]']);
  });

  test('-D after the jar file is an application argument, which Spring Boot does not read as a property', () => {
    expect(links(withCommand('CMD java -jar /app.jar -Dspring.profiles.active=docker'))).toEqual([]);
  });

  test('--class-path takes the next word; the -D after it is before the main class (hapi-fhir)', () => {
    const command =
      'ENTRYPOINT ["java", "--class-path", "/app/main.jar", "-Dspring.profiles.active=docker", "org.springframework.boot.loader.launch.PropertiesLauncher"]';
    expect(links(withCommand(command))).toEqual(['app:9000 -> app [profiles docker]']);
  });

  test('a -D after the main class goes to main(), not to the JVM', () => {
    expect(links(withCommand('ENTRYPOINT ["java", "--class-path", "/app/main.jar", "Main", "-Dspring.profiles.active=docker"]'))).toEqual([]);
  });

  test('--name=value after the jar is a Spring argument; before it, a JVM option', () => {
    expect(links(withCommand('CMD java -jar /app.jar --spring.profiles.active=docker'))).toEqual(['app:9000 -> app [profiles docker]']);
    expect(links(withCommand('CMD java --spring.profiles.active=docker -jar /app.jar'))).toEqual([]);
  });
});

describe('readJavaCommandLine', () => {
  const words = (...values: string[]): LaunchArg[] =>
    values.map((value, i) => ({ value, span: { file: 'f', start: { line: 1, column: i + 1, offset: i }, end: { line: 1, column: i + 2, offset: i + 1 } } }));
  const read = (...values: string[]) => {
    const line = readJavaCommandLine(words('java', ...values));
    return {
      jar: line.jar,
      options: line.options.map((a) => a.value),
      main: line.main?.value,
      appArgs: line.appArgs.map((a) => a.value),
      argFile: line.argFile,
    };
  };

  test('-jar anywhere among the options makes the first other word the jar', () => {
    expect(read('-jar', '-Dx=y', 'app.jar', '-Dz=1')).toEqual({ jar: true, options: ['-jar', '-Dx=y'], main: 'app.jar', appArgs: ['-Dz=1'], argFile: false });
  });

  test('the module options take their value from the next word; -m ends the options', () => {
    expect(read('-p', 'mods', '--add-opens', 'a/b=c', '-Dx=y', '-m', 'app/Main', '--k=v')).toMatchObject({
      options: ['-p', 'mods', '--add-opens', 'a/b=c', '-Dx=y', '-m', 'app/Main'],
      main: 'app/Main',
      appArgs: ['--k=v'],
    });
  });

  test('an @argfile before the main leaves the rest unread; --disable-@files makes it the main class', () => {
    expect(read('-Dx=y', '@opts', '-jar', 'app.jar')).toMatchObject({ options: ['-Dx=y'], main: undefined, appArgs: [], argFile: true });
    expect(read('--disable-@files', '@opts')).toMatchObject({ main: '@opts', argFile: false });
  });

  test('without a main word nothing is run (java -version)', () => {
    expect(read('-version')).toMatchObject({ main: undefined, appArgs: [] });
  });
});
