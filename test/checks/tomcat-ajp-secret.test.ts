import { rule } from '../../checks/tomcat-ajp-secret';
import { testRule } from '../harness';

// Line 4 holds the first connector; its protocol value starts at column 38 when written as
// `    <Connector port="8009" protocol="AJP/1.3"`.
const serverXml = (connectors: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Server port="8005" shutdown="SHUTDOWN">\n  <Service name="Catalina">\n${connectors}  </Service>\n</Server>\n`;
const EXCEPTION = 'The AJP Connector is configured with secretRequired="true" but the secret attribute is either null or "". This combination is not valid.';

testRule(rule, {
  accept: [
    { name: 'AJP with a secret', tree: { 'conf/server.xml': serverXml('    <Connector port="8009" protocol="AJP/1.3" secret="s3cret"/>\n') } },
    {
      name: 'AJP with secretRequired="false"',
      tree: { 'conf/server.xml': serverXml('    <Connector port="8009" protocol="AJP/1.3" address="127.0.0.1" secretRequired="false"/>\n') },
    },
    {
      name: 'the secret comes from catalina.properties',
      tree: {
        'conf/server.xml': serverXml('    <Connector port="8009" protocol="AJP/1.3" secret="${ajp.secret}"/>\n'),
        'conf/catalina.properties': 'ajp.secret=s3cret\n',
      },
    },
    {
      name: 'a secret from outside the tree (an undefined ${name}) is not judged',
      tree: { 'conf/server.xml': serverXml('    <Connector port="8009" protocol="AJP/1.3" secret="${ajp.secret}"/>\n') },
    },
    { name: 'HTTP connectors need no secret', tree: { 'conf/server.xml': serverXml('    <Connector port="8080" protocol="HTTP/1.1"/>\n') } },
    {
      name: 'the AJP connector is commented out, as in the stock server.xml',
      tree: { 'conf/server.xml': serverXml('    <!--\n    <Connector port="8009" protocol="AJP/1.3"/>\n    -->\n') },
    },
    {
      name: 'Tomcat 9.0.30 has no secretRequired',
      tree: {
        Dockerfile: 'FROM tomcat:9.0.30-jdk11\nCOPY conf/ /usr/local/tomcat/conf/\n',
        'conf/server.xml': serverXml('    <Connector port="8009" protocol="AJP/1.3"/>\n'),
      },
    },
    {
      // ansible-examples' tomcat role: the release it downloads predates secretRequired (7.0.100).
      name: 'an install step downloads Tomcat 7.0.61',
      tree: {
        'roles/tomcat/tasks/main.yml':
          '- name: Download Tomcat\n  get_url: url=http://archive.apache.org/dist/tomcat/tomcat-7/v7.0.61/bin/apache-tomcat-7.0.61.tar.gz dest=/opt/apache-tomcat-7.0.61.tar.gz\n',
        'roles/tomcat/templates/server.xml': serverXml('    <Connector port="8009" protocol="AJP/1.3" redirectPort="8443"/>\n'),
      },
    },
    {
      name: 'requiredSecret still works on Tomcat 10.1',
      tree: {
        Dockerfile: 'FROM tomcat:10.1-jdk17\n',
        'conf/server.xml': serverXml('    <Connector port="8009" protocol="AJP/1.3" requiredSecret="s3cret"/>\n'),
      },
    },
    {
      name: 'suppressed with a reason after " - "',
      tree: {
        'conf/server.xml': serverXml(
          '    <!-- cfglint-disable-next-line tomcat-ajp-secret - nothing uses this port yet -->\n    <Connector port="8009" protocol="AJP/1.3"/>\n',
        ),
      },
    },
  ],
  reject: [
    {
      name: 'a Dockerfile downloads Tomcat 9.0.85, which requires a secret by default',
      tree: {
        Dockerfile: 'FROM eclipse-temurin:17-jre\nRUN curl -fsSLO https://archive.apache.org/dist/tomcat/tomcat-9/v9.0.85/bin/apache-tomcat-9.0.85.tar.gz\n',
        'conf/server.xml': serverXml('    <Connector port="8009" protocol="AJP/1.3"/>\n'),
      },
      findings: [
        {
          messageId: 'missingSecret',
          primary: { file: 'conf/server.xml', line: 4, column: 38 },
          related: [{ file: 'Dockerfile', line: 2, column: 77, label: 'Tomcat 9.0.85 (apache-tomcat-9.0.85) requires a secret by default' }],
        },
      ],
    },
    {
      // Releases before 9.0.31, 8.5.51 and 7.0.100 have no secretRequired and start the connector.
      name: 'AJP without secret, secretRequired by default, the Tomcat version not known: a warning',
      tree: { 'conf/server.xml': serverXml('    <Connector port="8009" protocol="AJP/1.3" redirectPort="8443"/>\n') },
      findings: [
        {
          messageId: 'missingSecret',
          severity: 'warning',
          primary: { file: 'conf/server.xml', line: 4, column: 38, endLine: 4, endColumn: 45 },
          related: [],
          messageIncludes: ['port 8009', 'has no secret', '(the default since Tomcat 9.0.31, 8.5.51 and 7.0.100; the Tomcat version is not known'],
          helpIncludes: [EXCEPTION],
        },
      ],
    },
    {
      name: 'secretRequired="true" written out and an empty secret, on Tomcat 10.1',
      tree: {
        'docker/Dockerfile': 'FROM tomcat:10.1-jdk17\n',
        'docker/server.xml': serverXml('    <Connector protocol="AJP/1.3"\n               port="8009" secretRequired="true" secret=""/>\n'),
      },
      findings: [
        {
          messageId: 'missingSecret',
          primary: { file: 'docker/server.xml', line: 4, column: 26 },
          related: [
            { file: 'docker/server.xml', line: 5, column: 44, label: 'secretRequired is set here' },
            { file: 'docker/server.xml', line: 5, column: 58, label: 'the secret is empty' },
          ],
          message: 'AJP connector on port 8009 has an empty secret while secretRequired is true',
        },
      ],
    },
    {
      name: 'two AJP connectors, by protocol name and by class name',
      tree: {
        'server.xml': serverXml(
          '    <Connector port="8009" protocol="AJP/1.3"/>\n    <Connector port="8010" protocol="org.apache.coyote.ajp.AjpNioProtocol" address="0.0.0.0"/>\n',
        ),
      },
      findings: [
        { messageId: 'missingSecret', primary: { file: 'server.xml', line: 4, column: 38 }, messageIncludes: ['port 8009'] },
        { messageId: 'missingSecret', primary: { file: 'server.xml', line: 5, column: 38, endColumn: 74 }, messageIncludes: ['port 8010'] },
      ],
    },
    {
      name: 'requiredSecret on Tomcat 11',
      tree: {
        Dockerfile: 'FROM tomcat:11.0-jdk21\n',
        'conf/server.xml': serverXml('    <Connector port="8009" protocol="AJP/1.3" requiredSecret="s3cret"/>\n'),
      },
      findings: [
        {
          messageId: 'requiredSecretIgnored',
          severity: 'error',
          primary: { file: 'conf/server.xml', line: 4, column: 38 },
          related: [
            { file: 'conf/server.xml', line: 4, column: 47, label: 'Tomcat 11 ignores it' },
            { file: 'Dockerfile', line: 1, column: 6, label: 'Tomcat 11.0 (tomcat:11.0-jdk21) from this image' },
          ],
          helpIncludes: ['rename requiredSecret to secret'],
        },
      ],
    },
    {
      name: 'requiredSecret with the version unknown: a warning',
      tree: { 'conf/server.xml': serverXml('    <Connector port="8009" protocol="AJP/1.3" requiredSecret="s3cret"/>\n') },
      findings: [
        {
          messageId: 'requiredSecretIgnored',
          severity: 'warning',
          primary: { file: 'conf/server.xml', line: 4, column: 38 },
          messageIncludes: ['the Tomcat version is not known'],
        },
      ],
    },
    {
      name: 'a connector without protocol attribute is HTTP; an AJP connector whose secretRequired comes from catalina.properties',
      tree: {
        'conf/server.xml': serverXml('    <Connector port="8080"/>\n    <Connector port="${ajp.port}" secretRequired="${ajp.required}" protocol="AJP/1.3"/>\n'),
        'conf/catalina.properties': 'ajp.port=8009\najp.required=true\n',
      },
      findings: [
        {
          messageId: 'missingSecret',
          primary: { file: 'conf/server.xml', line: 5, column: 78 },
          related: [{ file: 'conf/server.xml', line: 5, column: 51, label: 'secretRequired is set here' }],
          messageIncludes: ['port 8009'],
        },
      ],
    },
  ],
});
