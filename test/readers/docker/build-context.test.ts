import { imageName, sameImage } from '../../../src/readers/docker/build-context';

describe('image names as Docker normalises them (distribution/reference normalize.go splitDockerDomain)', () => {
  test('Docker Hub names, with the official images under library/ and latest as the tag none is written', () => {
    expect(imageName('nginx')).toEqual({ repository: 'docker.io/library/nginx', tag: 'latest' });
    expect(imageName('docker.io/library/nginx:1.27')).toEqual({ repository: 'docker.io/library/nginx', tag: '1.27' });
    expect(imageName('index.docker.io/example/app:backend')).toEqual({ repository: 'docker.io/example/app', tag: 'backend' });
  });

  test('a first part with a dot or a port, localhost, or capitals is a registry', () => {
    expect(imageName('ghcr.io/example/app')).toEqual({ repository: 'ghcr.io/example/app', tag: 'latest' });
    expect(imageName('registry:5000/app:1')).toEqual({ repository: 'registry:5000/app', tag: '1' });
    expect(imageName('localhost/app')).toEqual({ repository: 'localhost/app', tag: 'latest' });
    expect(imageName('Registry/app')).toEqual({ repository: 'Registry/app', tag: 'latest' });
  });

  test('a digest fixes no tag; a repository in capitals is no name Docker takes', () => {
    expect(imageName('example/app@sha256:0123')).toEqual({ repository: 'docker.io/example/app' });
    expect(imageName('ghcr.io/Example/app')).toBeUndefined();
  });

  test('the same image: one repository, and one tag where both fix it', () => {
    const app = (tag?: string) => ({ repository: 'docker.io/example/app', ...(tag !== undefined ? { tag } : {}) });
    expect(sameImage(app('backend'), app('backend'))).toBe(true);
    expect(sameImage(app('backend'), app())).toBe(true);
    expect(sameImage(app('backend'), app('frontend'))).toBe(false);
    expect(sameImage(app(), { repository: 'ghcr.io/example/app' })).toBe(false);
  });
});
