/** Questions about Gunicorn servers that rules ask of the model. */
import { GunicornConfigFile, GunicornModuleName } from '../readers/gunicorn/gunicorn-backend';
import { GunicornNameVerdict, judgeGunicornName } from '../reference/gunicorn-settings';

/**
 * The request-line limit a worker enforces (20.1.0 gunicorn/http/message.py:173-176): values
 * below 0 or at least 8190 become 8190; 0 means no limit (undefined here).
 */
export function effectiveRequestLineLimit(configured: number): number | undefined {
  if (configured === 0) return undefined;
  return configured < 0 || configured >= 8190 ? 8190 : configured;
}

/** A module-level name gunicorn ignores, with what it was probably meant to be. */
export interface IgnoredGunicornName {
  name: GunicornModuleName;
  verdict: GunicornNameVerdict;
}

/**
 * Names in a config file that gunicorn ignores and that were probably meant as settings. The
 * policy (checks/gunicorn-unknown-setting.md): a name is judged only if it is bound at module
 * level with `=` or `def`, does not start with `_`, is not read anywhere else in the file, and
 * the file looks like a config. It is reported only when it is near a real name (see
 * judgeGunicornName): a flag's spelling, a removed setting, the wrong case, or a small
 * misspelling. Functions are compared with server hooks only. Other names (`cores`,
 * `max_mem`) are helper variables as far as cfglint can tell, and gunicorn ignores them.
 */
export function ignoredGunicornNames(config: GunicornConfigFile): IgnoredGunicornName[] {
  if (!config.looksLikeConfig) return [];
  const result: IgnoredGunicornName[] = [];
  const seen = new Set<string>();
  for (const name of config.names) {
    if (name.referenced || name.name.startsWith('_')) continue;
    const verdict = judgeGunicornName(name.name, name.binding === 'def');
    if (!verdict) continue;
    // One finding per name: the first place it is bound.
    if (seen.has(name.name)) continue;
    seen.add(name.name);
    result.push({ name, verdict });
  }
  return result;
}
