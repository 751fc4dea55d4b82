import { parseNginx } from '../src/readers/nginx/parse';
import { SourceText } from '../src/readers/text';
const r = parseNginx(new SourceText('x.conf', process.argv[2].replace(/\\n/g, '\n')));
console.log(JSON.stringify(r.directives, (k, v) => (k === 'file' ? undefined : k==='span'||k==='nameSpan' ? `${v.start.line}:${v.start.column}-${v.end.line}:${v.end.column}` : v)));
console.log(r.diagnostics.map(d => `${d.primary.start.line}:${d.primary.start.column} ${d.message}`));
