/** Which start-up script commands edit a file in place, and whether the edit only replaces placeholders. */
import { ALL_UNKNOWN } from '../../../src/readers/kit/raw';
import { MappedText } from '../../../src/readers/kit/mapped-text';
import { inPlaceEdits } from '../../../src/readers/launch/in-place-edits';
import { runShell } from '../../../src/readers/launch/program';
import { SourceText } from '../../../src/source/text';

const editsOf = (script: string) =>
  inPlaceEdits(runShell(MappedText.of(new SourceText('start.sh', script)), ALL_UNKNOWN).steps, '/app').map((edit) => ({
    path: edit.path,
    line: edit.by.start.line,
    placeholders: edit.placeholders,
  }));

describe('inPlaceEdits', () => {
  it('reads a literal-word substitution as replacing that word only', () => {
    expect(editsOf("sed -i 's/__PORT__/8080/g' /etc/nginx/conf.d/app.conf\n")).toEqual([
      { path: '/etc/nginx/conf.d/app.conf', line: 1, placeholders: ['__PORT__'] },
    ]);
    // `-i.bak` keeps a backup; a variable in the replacement is only a value; a relative path is the working directory's.
    expect(editsOf('sed -i.bak -e "s|%URL%|${URL}|" site.conf\n')).toEqual([{ path: '/app/site.conf', line: 1, placeholders: ['%URL%'] }]);
    expect(editsOf("perl -pi -e 's/HOST_NAME/x/' /etc/nginx/nginx.conf\n")).toEqual([{ path: '/etc/nginx/nginx.conf', line: 1, placeholders: ['HOST_NAME'] }]);
  });

  it('reads any other script as one that may change any line', () => {
    // A regular expression, a deletion, a variable in the pattern.
    expect(editsOf("sed -i 's/listen .*/listen 81;/' /x.conf\n")[0].placeholders).toBeUndefined();
    expect(editsOf("sed -i '/#START/,/#END/d' /x.conf\n")[0].placeholders).toBeUndefined();
    expect(editsOf('sed -i "s/$OLD/new/" /x.conf\n')[0].placeholders).toBeUndefined();
    // An escape in the pattern: perl's `\@` matches `@`, but any escape is taken for a regular expression.
    expect(editsOf("perl -pi -e 's/\\@HOST\\@/x/' /etc/nginx/nginx.conf\n")).toEqual([{ path: '/etc/nginx/nginx.conf', line: 1, placeholders: undefined }]);
  });

  it('follows a filter written to a temporary file that then replaces the original', () => {
    expect(editsOf("awk '!/#DROP/' /x.conf > /tmp/x && mv /tmp/x /x.conf\n")).toEqual([{ path: '/x.conf', line: 1, placeholders: undefined }]);
    expect(editsOf("sed 's/__A__/b/' < /x.conf > /tmp/x\ncp /tmp/x /x.conf\n")).toEqual([{ path: '/x.conf', line: 1, placeholders: ['__A__'] }]);
  });

  it('finds no edit where the file is not replaced, not edited, or edited after nginx starts', () => {
    // Printed only, or written elsewhere and never moved back.
    expect(editsOf("sed 's/__A__/b/' /x.conf\n")).toEqual([]);
    expect(editsOf("awk '!/#DROP/' /x.conf > /tmp/x\nmv /tmp/x /y.conf\n")).toEqual([]);
    expect(editsOf("perl -i -e 'print 1' /x.conf\n").map((edit) => edit.placeholders)).toEqual([undefined]);
    expect(editsOf("nginx\nsed -i 's/__A__/b/' /x.conf\n")).toEqual([]);
  });
});
