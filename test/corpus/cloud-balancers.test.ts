/**
 * The Terraform and CloudFormation readers on the real files of ../shared/corpus/terraform and
 * ../shared/corpus/cloudformation: each file read alone never crashes, and what the readers make
 * of its balancers is pinned (idle timeouts, target-group ports and health-check paths, or
 * "unknown"). The expectations come from the corpus READMEs and the files, read by hand. The
 * sets/ trees are linted whole, and every error or warning there is judged below.
 */
import * as fs from 'fs';
import * as path from 'path';
import { lintSync } from '../../src/engine/run';
import { readTree } from '../../src/engine/read-tree';
import type { CloudBalancerResources, CloudValue } from '../../src/readers/cloud-balancers';
import { CORPUS, describeCorpus } from './corpus';

const show = (value: CloudValue<unknown> | undefined, absent: string) => (value === undefined ? absent : value.known ? String(value.value) : 'unknown');

/** One line per balancer and target group, in file order. */
function summary(resources: CloudBalancerResources[]): string[] {
  const lines: string[] = [];
  for (const set of resources) {
    for (const b of set.balancers) {
      const classic = b.classic
        ? ` listeners=${b.classicListeners.map((l) => `${show(l.port, '-')}>${show(l.instancePort, '-')}`).join(',') || '-'} check=${show(b.classicHealthCheck?.port, '-')}${show(b.classicHealthCheck?.path, '')}`
        : '';
      lines.push(`${b.id} idle=${show(b.idleTimeout, 'default')}${classic}`);
    }
    for (const g of set.targetGroups) lines.push(`${g.id} port=${show(g.port, 'none')} path=${show(g.healthCheck.path, 'default')}`);
  }
  return lines;
}

const TERRAFORM: Record<string, string[]> = {
  'Cas-Maravilha__MaraBet-AI__infrastructure__templates__load_balancer.tf': [],
  'Sezgnn06__DevOps-Terraform__Day_3__variable-types.tf': ['aws_elb.my-lb idle=400 listeners=80>8000 check=8000/'],
  'Sujayde__infrastructure-deployment-with-terraform-aws-ci-cd-kubernetes__ALB_Health_Checks.tf': ['aws_lb_target_group.app_tg port=none path=/health'],
  'Sujayde__infrastructure-deployment-with-terraform-aws-ci-cd-kubernetes__alb.tf': [
    'aws_lb.app_alb idle=default',
    'aws_lb_target_group.app_tg port=80 path=/',
  ],
  'VishnuSBhatDS__server-provision-config-driven-import__alb.tf': ['aws_lb.public_alb_sandbox idle=60'],
  'Yasir-6__Template-terraform__infra__environments__dev__alb__main.tf': [],
  'Yasir-6__Template-terraform__infra__environments__dev__alb__variables.tf': [],
  // Every target-group value is a variable declared in a file not in the corpus.
  'Yasir-6__Template-terraform__infra__modules__alb__main.tf': [
    'aws_lb.Drazex_application_lb idle=default',
    'aws_lb_target_group.Drazex_target_group port=unknown path=unknown',
  ],
  'aajibad1__devops__elb.tf.json': [],
  // `idle_timeout = "${var.idle_timeout}"` on the four application balancers; none on the network ones.
  'aaomoware__terraform-modules__aws__lb__lb__lb.tf': [
    'aws_lb.alm idle=unknown',
    'aws_lb.al idle=unknown',
    'aws_lb.am idle=unknown',
    'aws_lb.a idle=unknown',
    'aws_lb.nm idle=default',
    'aws_lb.n idle=default',
  ],
  'aaomoware__terraform-modules__aws__lb__target_group__target_group.tf': [
    'aws_lb_target_group.ltga port=unknown path=unknown',
    'aws_lb_target_group.ltgn port=unknown path=unknown',
  ],
  // var.idle_timeout's default is the string "60"; the health path's default is /_healthcheck.
  'alphagov__govuk-aws__terraform__modules__aws__lb__main.tf': ['aws_lb.lb idle=60', 'aws_lb_target_group.tg_default port=unknown path=/_healthcheck'],
  'arminc__terraform-ecs__modules__alb__main.tf': ['aws_alb.alb idle=default', 'aws_alb_target_group.default port=80 path=unknown'],
  'brikis98__terraform-up-and-running-code__code__terraform__02-intro-to-terraform-syntax__webserver-cluster__main.tf': [
    'aws_lb.example idle=default',
    'aws_lb_target_group.asg port=unknown path=/',
  ],
  'brikis98__terraform-up-and-running-code__code__terraform__02-intro-to-terraform-syntax__webserver-cluster__variables.tf': [],
  'brikis98__terraform-up-and-running-code__code__terraform__08-production-grade-infrastructure__small-modules__modules__networking__alb__main.tf': [
    'aws_lb.example idle=default',
  ],
  // `idle_timeout_seconds` is not Terraform's attribute: the idle timeout stays AWS's default.
  'chichao89__capstone-infra-demo-v2__alb.tf': ['aws_lb.app_alb idle=default'],
  'cloudposse__terraform-aws-alb__main.tf': ['aws_lb.default idle=unknown', 'aws_lb_target_group.default port=unknown path=unknown'],
  'hashicorp__learn-terraform-variables__main.tf': [],
  // Listeners come from a dynamic block; the check is TCP:22 (no path).
  'hillel-devops-052021__labs__lesson14__example03__elb.tf': ['aws_elb.elb idle=400 listeners=- check=22'],
  'infrablocks__terraform-aws-classic-load-balancer__defaults.tf': [],
  'infrablocks__terraform-aws-classic-load-balancer__elb.tf': ['aws_elb.load_balancer idle=unknown listeners=- check=unknownunknown'],
  'terraform-aws-modules__terraform-aws-alb__main.tf': ['aws_lb.this idle=unknown', 'aws_lb_target_group.this port=unknown path=unknown'],
  'terraform-aws-modules__terraform-aws-elb__modules__elb__main.tf': ['aws_elb.this idle=unknown listeners=- check=unknownunknown'],
  'turnerlabs__terraform-ecs-fargate__env__dev__lb-https.tf': [],
  'turnerlabs__terraform-ecs-fargate__env__dev__lb.tf': ['aws_alb.main idle=default', 'aws_alb_target_group.main port=unknown path=unknown'],
  'wellcomecollection__catalogue-api__terraform__modules__service__target_group.tf': ['aws_lb_target_group.tcp port=unknown path=unknown'],
  'wellcomecollection__catalogue-api__terraform__modules__stack__nlb.tf': ['aws_lb.catalogue_api idle=default'],
};

const CLOUDFORMATION: Record<string, string[]> = {
  'Kong__kong-dist-cloudformation__templates__kong-elb-postgres-optional-vpc-optional-hvm.template': [
    'KongLoadBalancerNewVPC idle=default listeners=8000>8000,8001>8001 check=8000',
    'KongLoadBalancerExistingVPC idle=default listeners=8000>8000,8001>8001 check=8000',
  ],
  'aws-cloudformation__aws-cloudformation-templates__ECS__EC2LaunchType__clusters__private-vpc.json': [
    'PublicLoadBalancer idle=30',
    'PrivateLoadBalancer idle=30',
    'DummyTargetGroupPublic port=80 path=/',
    'DummyTargetGroupPrivate port=80 path=/',
  ],
  'aws-cloudformation__aws-cloudformation-templates__ElasticLoadBalancing__ELBWithLockedDownAutoScaledInstances.yaml': [
    'ElasticLoadBalancer idle=default listeners=80>80 check=80/',
  ],
  // The 80 listener's instance port is `!If [DoSSL, '7991', '7990']`; the optional 443 listener is a whole `!If`.
  'aws-quickstart__quickstart-atlassian-bitbucket__templates__quickstart-bitbucket-dc.template.yaml': [
    'LoadBalancer idle=3600 listeners=80>unknown,7999>7999 check=7990/status',
  ],
  'aws-quickstart__quickstart-hashicorp-vault__templates__quickstart-hashicorp-vault.template': [
    'VaultServerApplicationLoadBalancer idle=default',
    'VaultServerTargetGroup port=8200 path=/v1/sys/health?activecode=200&standbycode=200&sealedcode=200&uninitcode=200',
  ],
  'aws-quickstart__quickstart-heptio__templates__kubernetes-cluster.template.yaml': ['ApiLoadBalancer idle=3600 listeners=443>6443,6443>6443 check=6443'],
  'aws-quickstart__quickstart-jfrog-artifactory__templates__jfrog-artifactory-ec2-existing-vpc.template.yaml': [
    'ArtifactoryElb idle=default',
    'ArtifactoryInternalElb idle=default',
    'ArtifactorySslTargetGroup port=443 path=/artifactory/api/system/ping',
    'ArtifactoryTargetGroup port=80 path=/artifactory/api/system/ping',
    'ArtifactoryInternalTargetGroup port=80 path=default',
  ],
  'aws-quickstart__quickstart-redhat-openshift__templates__openshift3__os3-loadbalancer.template.yaml': [
    'OpenShiftMasterELB idle=300 listeners=443>443 check=443/api/',
    'ContainerAccessELB idle=300 listeners=443>443,80>80 check=22',
    'OpenShiftMasterInternalELB idle=default',
    'OpenShiftMasterInternalELBTargetGroup port=443 path=default',
  ],
  'aws-quickstart__quickstart-splunk-enterprise__templates__splunk-enterprise.template.yaml': [
    'SplunkSHCLoadBalancer idle=default listeners=8000>8000 check=8089',
    'SplunkHttpEventCollectorLoadBalancer idle=default listeners=8088>8088 check=8088/services/collector/health',
  ],
  'aws-quickstart__quickstart-tableau-server__templates__tableau-server-infrastructure.template.yaml': [
    'TableauServerAlb idle=default',
    'TsmAlb idle=default',
    'TableauServerTG port=80 path=default',
    'TsmTG port=8850 path=default',
  ],
  'aws-samples__ecs-refarch-cloudformation__infrastructure__load-balancers.yaml': ['LoadBalancer idle=default', 'DefaultTargetGroup port=80 path=default'],
  'aws-samples__ecs-refarch-cloudformation__services__product-service__service.yaml': ['TargetGroup port=80 path=/products'],
  // Port 4000 or 4100 by `Fn::If`; the idle timeouts are a parameter default "3600" and a literal "3600".
  'convox__rack__provider__aws__formation__rack.json': [
    'Router idle=3600',
    'RouterInternal idle=3600',
    'NLBRouter idle=default',
    'NLBRouterInternal idle=default',
    'ApiBalancer idle=3600',
    'ApiBalancerTargetGroup port=unknown path=/check',
  ],
  'nathanpeck__aws-cloudformation-fargate__service-stacks__public-subnet-public-loadbalancer.yml': ['TargetGroup port=80 path=/'],
  'widdix__aws-cf-templates__ecs__service-dedicated-alb.yaml': ['LoadBalancer idle=60', 'DefaultTargetGroup port=80 path=/'],
  'widdix__aws-cf-templates__jenkins__jenkins2-ha.yaml': ['MasterELB idle=60', 'MasterELBTargetGroup port=8080 path=/login'],
};

/** Errors and warnings on the sets/ trees, each judged by reading the files. */
const SETS_JUDGED: Record<string, Record<string, string>> = {
  // Its nginx.conf includes /etc/nginx/modules-enabled/*.conf, outside the tree (setup-node.sh
  // installs libnginx-mod-http-brotli-filter there), so brotli at line 51 is not reported.
  'compiler-explorer__infra': {},
  gordonmurray__terraform_aws_ecs: {},
  pubpub__platform: {},
  'testdrivenio__django-ecs-terraform': {},
};

function readAlone(dir: string, file: string) {
  return readTree({ paths: [file], cwd: path.join(CORPUS, dir), config: {} });
}

describeCorpus('corpus: Terraform and CloudFormation balancers', () => {
  const counts: string[] = [];
  afterAll(() => process.stdout.write(`cloud balancers: ${counts.join('; ')}\n`));

  test('the pins name every Terraform and CloudFormation file of the corpus', () => {
    const tf = fs
      .readdirSync(path.join(CORPUS, 'terraform'))
      .filter((name) => /\.tf(\.json)?$/.test(name))
      .sort();
    const cfn = fs
      .readdirSync(path.join(CORPUS, 'cloudformation'))
      .filter((name) => !/^(README\.md|SOURCES\.tsv)$/.test(name))
      .sort();
    expect(Object.keys(TERRAFORM).sort()).toEqual(tf);
    expect(Object.keys(CLOUDFORMATION).sort()).toEqual(cfn);
  });

  test.each(Object.entries(TERRAFORM))('Terraform %s', (file, expected) => {
    const { model, diagnostics } = readAlone('terraform', file);
    expect(diagnostics.filter((d) => d.ruleId === 'internal-error')).toEqual([]);
    const syntax = diagnostics.filter((d) => d.ruleId === 'terraform-syntax').length;
    // The two traps: JSON in a .tf file, HCL in a .tf.json file.
    expect(syntax).toBe(/Cas-Maravilha|aajibad1/.test(file) ? 1 : 0);
    expect(summary(model.cloudBalancers ?? [])).toEqual(expected);
  });

  test.each(Object.entries(CLOUDFORMATION))('CloudFormation %s', (file, expected) => {
    const { model, diagnostics } = readAlone('cloudformation', file);
    expect(diagnostics.filter((d) => d.ruleId === 'internal-error' || d.ruleId === 'cloudformation-syntax')).toEqual([]);
    expect(summary(model.cloudBalancers ?? [])).toEqual(expected);
  });

  test('every .tf file of the sets is read without a syntax or internal error', () => {
    const sets = path.join(CORPUS, 'terraform', 'sets');
    let files = 0;
    for (const tree of fs.readdirSync(sets)) {
      const { diagnostics, model } = readTree({ paths: [tree], cwd: sets, config: {} });
      expect(diagnostics.filter((d) => ['internal-error', 'terraform-syntax', 'cloudformation-syntax'].includes(d.ruleId))).toEqual([]);
      files += (model.cloudBalancers ?? []).reduce((sum, set) => sum + set.balancers.length + set.targetGroups.length, 0);
    }
    counts.push(`${files} balancers and target groups in the sets`);
    expect(files).toBeGreaterThan(0);
  });

  test.each(Object.keys(SETS_JUDGED))('set %s: every error and warning is a judged one', (tree) => {
    const { report } = lintSync({ paths: [tree], cwd: path.join(CORPUS, 'terraform', 'sets'), config: {} });
    const serious = report.findings
      .filter((finding) => finding.severity === 'error' || finding.severity === 'warning')
      .map((finding) => `${finding.ruleId} ${finding.primary.file.slice(tree.length + 1)}:${finding.primary.start.line}`);
    counts.push(`${tree}: ${serious.length} error/warning, ${report.summary.infos} info`);
    expect(serious.sort()).toEqual(Object.keys(SETS_JUDGED[tree]).sort());
  });
});
