/** Helpers of src/readers/launch/launch.ts that the backend readers use to read options from argv. */
import { knownValue, optionValues } from '../../../src/readers/launch/launch';
import { readTreeOf } from './read-tree';

const [launch] = readTreeOf({
  'run.sh': 'exec gunicorn -b 127.0.0.1:8000 --bind=unix:/run/app.sock -w4 --workers "$WORKERS" --timeout 30 -- --bind x\n',
}).launches;

test('optionValues finds --name X, --name=X, -n X and -nX, in order, and stops at --', () => {
  const binds = optionValues(launch, ['--bind'], ['-b']);
  expect(binds.map((found) => [found.option.value, found.value.value])).toEqual([
    ['-b', '127.0.0.1:8000'],
    ['--bind=unix:/run/app.sock', 'unix:/run/app.sock'],
  ]);
  expect(optionValues(launch, ['--workers'], ['-w']).map((found) => found.value.value)).toEqual(['4', '"$WORKERS"']);
});

test('knownValue is undefined for a value the tree does not determine', () => {
  const workers = optionValues(launch, ['--workers'], ['-w']).map((found) => knownValue(found.value));
  expect(workers).toEqual(['4', undefined]);
  expect(knownValue(optionValues(launch, ['--timeout'])[0].value)).toBe('30');
});
