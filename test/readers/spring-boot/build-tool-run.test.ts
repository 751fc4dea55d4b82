/**
 * `mvn spring-boot:run`, `./mvnw spring-boot:run`, `gradle bootRun`, `./gradlew bootRun` start the
 * Spring Boot application of the project in the directory they run in (a container's working
 * directory mapped back through its mounts and COPYs, a Procfile's directory), with the plugins'
 * `spring-boot.run.profiles` / `spring-boot.run.arguments` / `--args`. Read from disk through the
 * real engine.
 */
import { readTree } from '../../../src/engine/read-tree';
import { linkDeployment } from '../../../src/model/links';
import { writeTree } from '../../disk-tree';

function modelOf(files: Record<string, string>) {
  const dir = writeTree(files);
  return readTree({ paths: [dir], cwd: dir, config: {} }).model;
}

/** `address -> backend name` for every link nginx makes. */
function links(files: Record<string, string>): string[] {
  return linkDeployment(modelOf(files)).map((link) => `${link.target.address.text} -> ${link.backend.name}`);
}

/** Each Spring Boot backend with the compose services, Procfile entries or scripts that start it. */
function startedBy(files: Record<string, string>): string[] {
  return modelOf(files)
    .backends.filter((backend) => backend.kind === 'spring-boot')
    .map((backend) => `${backend.name} <- ${(backend.launchedBy ?? []).map((launch) => launch.file).join(', ')}`);
}

const nginxTo = (address: string) => `server {\n    listen 80;\n    location / {\n        proxy_pass http://${address};\n    }\n}\n`;

describe('mvn spring-boot:run and gradle bootRun', () => {
  const app = {
    'app/pom.xml':
      '<project><modelVersion>4.0.0</modelVersion><parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.2.0</version></parent><artifactId>demo</artifactId></project>',
    'app/src/main/resources/application.properties': 'spring.application.name=demo\n',
    'app/src/main/resources/application-docker.properties': 'server.port=9000\n',
    'nginx/app.conf': nginxTo('app:8080'),
  };
  const compose = (service: string) =>
    `services:\n  nginx:\n    image: nginx:1.25\n    volumes:\n      - ./nginx/app.conf:/etc/nginx/conf.d/default.conf\n  app:\n${service}`;
  const mounted = (command: string, workingDir = '/app') =>
    `    image: maven:3.9-eclipse-temurin-17\n${workingDir ? `    working_dir: ${workingDir}\n` : ''}    volumes:\n      - ./app:/app\n    command: ${command}\n`;

  test('a compose service runs the project its working directory mounts', () => {
    expect(links({ ...app, 'docker-compose.yml': compose(mounted('mvn spring-boot:run')) })).toEqual(['app:8080 -> app']);
  });

  test('with its build context too (hellokoding/dockercompose-springboot-nginx: build ./app, mvn clean spring-boot:run)', () => {
    const service = '    build: ./app\n    working_dir: /app\n    volumes:\n      - ./app:/app\n    command: mvn clean spring-boot:run\n';
    expect(links({ ...app, 'app/Dockerfile': 'FROM maven:3.5-jdk-8\n', 'docker-compose.yml': compose(service) })).toEqual(['app:8080 -> app']);
  });

  test('a working directory the tree does not say, or one that holds no project of the tree, runs nothing known', () => {
    expect(links({ ...app, 'docker-compose.yml': compose(mounted('mvn spring-boot:run', '')) })).toEqual([]);
    expect(links({ ...app, 'docker-compose.yml': compose(mounted('mvn spring-boot:run', '/srv')) })).toEqual([]);
  });

  test('mvn -f names the project in place of the working directory', () => {
    expect(links({ ...app, 'docker-compose.yml': compose(mounted('mvn -f /app/pom.xml spring-boot:run', '')) })).toEqual(['app:8080 -> app']);
  });

  test('an aggregator POM runs the goal in each module: no one application is certain', () => {
    const aggregator = { ...app, 'app/pom.xml': app['app/pom.xml'].replace('</project>', '<modules><module>web</module></modules></project>') };
    expect(links({ ...aggregator, 'docker-compose.yml': compose(mounted('mvn spring-boot:run')) })).toEqual([]);
  });

  test('-Dspring-boot.run.profiles and -Dspring-boot.run.arguments reach the application; a module picked with -pl does not say which', () => {
    const to9000 = { ...app, 'nginx/app.conf': nginxTo('app:9000') };
    expect(links({ ...to9000, 'docker-compose.yml': compose(mounted('mvn spring-boot:run -Dspring-boot.run.profiles=docker')) })).toEqual([
      'app:9000 -> app [profiles docker]',
    ]);
    expect(links({ ...to9000, 'docker-compose.yml': compose(mounted('mvn spring-boot:run -Dspring-boot.run.arguments=--server.port=9000')) })).toEqual([
      'app:9000 -> app',
    ]);
    expect(links({ ...to9000, 'docker-compose.yml': compose(mounted('mvn -pl app spring-boot:run -Dspring-boot.run.profiles=docker')) })).toEqual([]);
  });

  test('a Dockerfile that copies pom.xml and src/ into its WORKDIR runs that project', () => {
    const dockerfile = 'FROM maven:3.9-eclipse-temurin-17\nWORKDIR /usr/src/app\nCOPY pom.xml .\nCOPY src ./src\nCMD ["mvn", "spring-boot:run"]\n';
    expect(links({ ...app, 'app/Dockerfile': dockerfile, 'docker-compose.yml': compose('    build: ./app\n') })).toEqual(['app:8080 -> app']);
  });

  test('a Procfile runs ./gradlew bootRun in its own directory; a script finds the one project at or above it', () => {
    const gradleApp = {
      'svc/build.gradle': "plugins { id 'org.springframework.boot' version '3.2.0' }\n",
      'svc/src/main/resources/application.properties': 'server.port=9000\n',
    };
    expect(startedBy({ ...gradleApp, 'svc/Procfile': 'web: ./gradlew bootRun --args=--server.port=9100\n' })).toEqual(['svc <- svc/Procfile']);
    // --args=… are the application's arguments: --server.port wins over the file's 9000.
    const [backend] = modelOf({ ...gradleApp, 'svc/Procfile': 'web: ./gradlew bootRun --args=--server.port=9100\n' }).backends;
    expect(backend.listeners[0].address).toMatchObject({ port: 9100 });
    expect(startedBy({ ...gradleApp, 'svc/bin/start.sh': '#!/bin/sh\n./gradlew bootRun\n' })).toEqual(['svc <- svc/bin/start.sh']);
    expect(startedBy({ ...gradleApp, 'svc/Procfile': 'web: ./gradlew :web:bootRun\n' })).toEqual(['svc <- ']);
  });
});
