/**
 * The Kubernetes manifests of ../shared/corpus/ingress/ through the whole pipeline: each reads
 * without a crash or a YAML finding, and the controller configuration found in it is the one a
 * reader of the file would name (checked by hand against each file).
 */
import * as fs from 'fs';
import * as path from 'path';
import { lintSync } from '../../src/engine/run';
import { readTree } from '../../src/engine/read-tree';
import { findController, renderIngressNginx } from '../../src/model/ingress-nginx';
import { CORPUS } from './corpus';

const INGRESS = path.join(CORPUS, 'ingress');
const files = fs.existsSync(INGRESS) ? fs.readdirSync(INGRESS).sort() : [];
if (files.length === 0) console.log(`kubernetes corpus tests skipped: ${INGRESS} not found`);

/** Hand-judged: the controller ConfigMap's name and one rendered directive per file. */
const EXPECTED: Record<string, { configMap?: string; version?: string; directive?: [string, string] }> = {
  'Begadhabib__K8s-pro-metallb-nginx__ingress-nginx__configmap.yaml': { configMap: 'nginx-ingress-config' },
  'Donyintao__ingress-nginx__ingress-nginx-configmap.yaml': { configMap: 'nginx-configuration' },
  'HariSekhon__Kubernetes-configs__ingress-nginx__base__configmap.patch.yaml': {
    configMap: 'ingress-nginx-controller',
    directive: ['proxy_read_timeout', '60s'],
  },
  'TencentCloudContainerTeam__manifest__nginx-ingress__configmap.yaml': { configMap: 'nginx-ingress-controller', directive: ['keepalive_requests', '10000'] },
  'eramons__kubecozy__ingress-nginx-configmap.yaml': { configMap: 'mynginx1-nginx-ingress-controller' },
  'fahim-devops__ciwac-eks-manifests__nginx-ingress-configmap.yaml': { configMap: 'ingress-nginx-controller' },
  'hashbang__gitops__ingress-nginx__tcp-services-cm.yaml': {},
  'hip911__kube-nginx-ingress-with-cm__ingress-nginx__configmap.yml': { configMap: 'nginx-ingress-controller' },
  'jacklund__rpi-k8s__ingress-nginx__02-controller-configmap.yaml': { configMap: 'ingress-nginx-controller' },
  'kubernetes__ingress-nginx__deploy__static__provider__aws__nlb-with-tls-termination__deploy.yaml': {
    configMap: 'ingress-nginx-controller',
    version: 'v1.15.1',
    directive: ['keepalive_timeout', '75s'],
  },
  'kubernetes__ingress-nginx__deploy__static__provider__cloud__deploy.yaml': {
    configMap: 'ingress-nginx-controller',
    version: 'v1.15.1',
    directive: ['proxy_connect_timeout', '5s'],
  },
  'kubernetes__ingress-nginx__docs__examples__customization__custom-configuration__configmap.yaml': {
    configMap: 'ingress-nginx-controller',
    directive: ['proxy_read_timeout', '120s'],
  },
  'kubernetes__ingress-nginx__docs__examples__customization__custom-errors__custom-default-backend-error_pages.configMap.yaml': {},
  'kubernetes__ingress-nginx__docs__examples__customization__custom-headers__custom-headers.yaml': {},
  'strus38__orchestratedRPiCluster__nginx-ingress__configmap.yaml': { configMap: 'nginx-ingress-controller' },
};

describe('corpus ingress/ manifests', () => {
  test('every file has a hand-judged expectation', () => {
    if (files.length === 0) return;
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  test('the whole directory as one tree: no finding (controllers and their ConfigMaps, no application behind them)', () => {
    if (files.length === 0) return;
    const result = lintSync({ paths: ['ingress'], cwd: CORPUS, config: {} });
    expect(result.report.findings.map((f) => `${f.ruleId} ${f.primary.file}:${f.primary.start.line}`)).toEqual([]);
  });

  test.each(files)('%s: lints without a crash or a YAML finding', (file) => {
    const result = lintSync({ paths: [`ingress/${file}`], cwd: CORPUS, config: {} });
    const problems = result.report.findings.filter((f) => ['internal-error', 'read-error', 'yaml-syntax'].includes(f.ruleId));
    expect(problems.map((f) => `${f.ruleId} ${f.message}`)).toEqual([]);
  });

  test.each(files)('%s: the controller configuration found', (file) => {
    const expected = EXPECTED[file];
    const { model } = readTree({ paths: [`ingress/${file}`], cwd: CORPUS, config: {} });
    const controller = findController(model.kubernetes);
    expect(controller?.configMap?.name).toBe(expected.configMap);
    expect(controller?.version?.text).toBe(expected.version);
    if (expected.directive) {
      const rendered = renderIngressNginx(model.kubernetes).root;
      const http = rendered?.directives[0].children ?? [];
      const upstreamLevel = http.filter((entry) => entry.directive.name === 'upstream').flatMap((entry) => entry.children ?? []);
      const found = [...http, ...upstreamLevel].find((entry) => entry.directive.name === expected.directive![0]);
      expect(found?.directive.args.map((arg) => arg.value).join(' ')).toBe(expected.directive[1]);
    }
  });
});

describe('corpus: TargetGroupBindings', () => {
  /** Every file of the corpus whose text names the AWS Load Balancer Controller's API group. */
  function filesNaming(needle: string, dir = CORPUS, found: string[] = []): string[] {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) filesNaming(needle, full, found);
      else if (entry.isFile() && fs.readFileSync(full, 'latin1').includes(needle)) found.push(path.relative(CORPUS, full));
    }
    return found;
  }

  test('none is in the corpus: the one file naming elbv2.k8s.aws is an IAM policy, which the reader does not take for one', () => {
    if (!fs.existsSync(path.join(CORPUS, 'FORMATS.tsv'))) return;
    expect(filesNaming('TargetGroupBinding')).toEqual([]);
    const naming = filesNaming('elbv2.k8s.aws');
    expect(naming).toEqual(['repos/UF-CSU__club-portal-backend/deploy/cluster/terraform/templates/eks/eks-manage-alb-policy.json']);
    const { model } = readTree({ paths: [path.dirname(naming[0])], cwd: CORPUS, config: {} });
    expect(model.kubernetes.targetGroupBindings).toEqual([]);
  });
});
