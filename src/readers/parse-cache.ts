/**
 * Parsed texts shared by the readers of one run: a Kubernetes manifest is read for launches,
 * limits, objects and mounted files, and a compose file for placed files, written files, envsubst
 * templates, launches and limits, and a Dockerfile by as many; each is parsed once. The engine empties these at the start and
 * end of each run, so nothing outlives the run that read it. (A module of its own: the engine
 * must not load a parser to clear it.)
 */
export const parsedYamlByText = new Map<string, unknown>();
export const parsedComposeByPath = new Map<string, unknown>();
/** Dockerfiles by shown name: read by the launch, placed-files, written-files, envsubst, image and Tomcat readers. */
export const parsedDockerfileByFile = new Map<string, unknown>();

export function clearParseCache(): void {
  parsedYamlByText.clear();
  parsedComposeByPath.clear();
  parsedDockerfileByFile.clear();
}
