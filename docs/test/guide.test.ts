// The guide cannot drift from the tested examples: every code block that follows a
// `<!-- example: docs/examples/... -->` line must equal that file, every TypeScript
// block of the guide must have such a line, every example file must appear in the
// guide (or the README, whose blocks are checked the same way), and every example file
// must be used by a test in docs/test.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const DOCS = join(__dirname, '..');
const REPO = join(DOCS, '..');
const GUIDE = join(DOCS, 'guide');
const EXAMPLES = join(DOCS, 'examples');
// Written by the security helper in its own style; its marked blocks are still checked.
const UNMARKED_ALLOWED = new Set(['security.md']);
const MARKER = /^<!-- example: (\S+) -->$/;

interface Block {
  page: string;
  line: number;
  language: string;
  content: string;
  example: string | null;
}

function blocks(page: string, dir = GUIDE): Block[] {
  const lines = readFileSync(join(dir, page), 'utf8').split('\n');
  const found: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\S*)$/.exec(lines[i]);
    if (!fence) continue;
    const end = lines.indexOf('```', i + 1);
    if (end === -1) throw new Error(`${page}:${i + 1}: unclosed code block`);
    const marker = i > 0 ? MARKER.exec(lines[i - 1]) : null;
    found.push({ page, line: i + 1, language: fence[1], content: lines.slice(i + 1, end).join('\n'), example: marker ? marker[1] : null });
    i = end;
  }
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

const pages = readdirSync(GUIDE).filter((name) => name.endsWith('.md')).sort();
const allBlocks = pages.flatMap((page) => blocks(page));
const readmeBlocks = blocks('README.md', REPO);
const exampleFiles = filesUnder(EXAMPLES)
  .map((file) => relative(REPO, file))
  .filter((file) => !file.startsWith('docs/examples/security/'))
  .sort();

test('the guide has its pages, in the order of FastAPI\'s tutorial', () => {
  const index = readFileSync(join(GUIDE, 'index.md'), 'utf8');
  const linked = [...index.matchAll(/\]\(([\w-]+\.md)\)/g)].map((m) => m[1]);
  expect(new Set(linked)).toEqual(new Set(pages.filter((page) => page !== 'index.md')));
  expect(linked.indexOf('first-steps.md')).toBe(0);
  expect(linked.indexOf('dependencies.md')).toBeGreaterThan(linked.indexOf('testing.md'));
});

test.each([...allBlocks, ...readmeBlocks].filter((block) => block.example !== null).map((block) => [`${block.page}:${block.line} ${block.example}`, block] as const))(
  'the block at %s equals its example file',
  (_name, block) => {
    const file = readFileSync(join(REPO, block.example!), 'utf8').replace(/\n$/, '');
    expect(block.content).toBe(file);
  },
);

test('every TypeScript block of the guide names its example file', () => {
  const unmarked = allBlocks
    .filter((block) => (block.language === 'ts' || block.language === 'typescript') && block.example === null && !UNMARKED_ALLOWED.has(block.page))
    .map((block) => `${block.page}:${block.line}`);
  expect(unmarked).toEqual([]);
});

test('the README\'s first TypeScript block is the tested newcomer app', () => {
  const first = readmeBlocks.find((block) => block.language === 'ts');
  expect(first?.example).toBe('docs/examples/readme/main.ts');
});

test('every example file is shown in the guide', () => {
  const shown = new Set([...allBlocks, ...readmeBlocks].map((block) => block.example));
  expect(exampleFiles.filter((file) => !shown.has(file))).toEqual([]);
});

test('every example file is used by a test', () => {
  const tests = readdirSync(join(DOCS, 'test'))
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => readFileSync(join(DOCS, 'test', name), 'utf8'))
    .join('\n');
  // An example test file (imported by a test) counts as using the modules it imports.
  const exampleTests = exampleFiles.filter((file) => /\/test-[\w-]+\.ts$/.test(file)).map((file) => readFileSync(join(REPO, file), 'utf8')).join('\n');
  const unused = exampleFiles.filter((file) => {
    const withoutExtension = file.replace(/^docs\//, '').replace(/\.ts$/, '');
    const local = './' + file.split('/').pop()!.replace(/\.ts$/, '');
    const name = file.split('/').pop()!;
    return !tests.includes(`../${withoutExtension}'`) && !tests.includes(`'${name}'`) && !exampleTests.includes(`'${local}'`);
  });
  expect(unused).toEqual([]);
});
