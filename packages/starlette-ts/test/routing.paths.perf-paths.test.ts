// Path matching without named groups (docs/benchmarks.md, fifth pass): `str`-only paths are matched by
// scanning for `/`, others by a regex with numbered groups. Both must match exactly what Starlette's
// anchored regex with named groups matches, with the same parameters.
import type { Scope } from 'asgi-core';
import { PlainTextResponse, Route, registerUrlConvertor } from '../src';
import { compilePath } from '../src/internal/paths';

const FRAGMENTS: Record<string, string> = { str: '[^/]+', int: '[0-9]+', path: '.*', pair: '[0-9]+-[0-9]+' };
registerUrlConvertor('pair', { regex: '([0-9]+)-([0-9]+)', convert: (v) => v.split('-').map(Number), toString: (v: number[]) => v.join('-') });

/** Starlette's compile_path, written independently: the reference the matcher must agree with. */
function reference(template: string, path: string): Record<string, unknown> | undefined {
  const names: string[] = [];
  const types: string[] = [];
  const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)(?::(\w+))?\}/g, (_, name: string, type = 'str') => {
    names.push(name);
    types.push(type);
    return `(?<${name}>${FRAGMENTS[type]})`;
  });
  const match = new RegExp(`^${source}$`).exec(path);
  if (match === null) return undefined;
  const params: Record<string, unknown> = {};
  names.forEach((name, i) => {
    const text = match.groups![name];
    params[name] = types[i] === 'int' ? Number(text) : types[i] === 'pair' ? text.split('-').map(Number) : text;
  });
  return params;
}

const TEMPLATES = [
  '/items/{item_id}', '/users/{id}/posts', '/users/{uid}/posts/{pid}', '/a/{x}/', '/{a}', '/b{x}/c', '/v{x}',
  '/files/{name}.txt', '/mix/{n:int}/{s}', '/p/{rest:path}', '/r/{p:pair}/{s}', '/{a}/{b}/{c}',
];
const PIECES = ['/', '/', 'a', 'items', 'posts', 'users', '.txt', '5', 'b', 'x', '1-2', 'v', 'files', 'mix', 'p', 'r', '%2F', ' '];

/** Every short path from the pieces (deterministic), plus paths made from the templates themselves. */
function candidates(): string[] {
  const out = new Set<string>(['', '/', '//', '///']);
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  for (let i = 0; i < 4000; i++) {
    let path = '';
    const length = 1 + (next() % 7);
    for (let j = 0; j < length; j++) path += PIECES[next() % PIECES.length];
    out.add(path);
  }
  for (const template of TEMPLATES) {
    for (const fill of ['x', '5', '1-2', '', 'a/b', 'a.txt']) out.add(template.replace(/\{[^}]+\}/g, fill));
  }
  return [...out];
}

function routeMatch(route: Route, path: string): Record<string, unknown> | undefined {
  const scope = { type: 'http', method: 'GET', path, root_path: '', headers: [] } as unknown as Scope;
  const [match, child] = route.matches(scope);
  return match === 0 ? undefined : (child.path_params as Record<string, unknown>);
}

test('str-only paths followed by / or the end are scanned; the others keep the regex', () => {
  expect(compilePath('/items/{item_id}').literals).toEqual(['/items/', '']);
  expect(compilePath('/users/{uid}/posts/{pid}').literals).toEqual(['/users/', '/posts/', '']);
  expect(compilePath('/b{x}/c').literals).toEqual(['/b', '/c']);
  for (const template of ['/files/{name}.txt', '/mix/{n:int}/{s}', '/p/{rest:path}', '/{a}{b}', '/static']) {
    expect(compilePath(template).literals).toBeNull();
  }
});

test.each(TEMPLATES)('%s matches exactly the paths (and parameters) Starlette\'s regex matches', (template) => {
  const route = new Route(template, () => new PlainTextResponse(''));
  const paths = candidates();
  let matched = 0;
  for (const path of paths) {
    const expected = reference(template, path);
    if (expected !== undefined) matched++;
    expect([path, routeMatch(route, path)]).toEqual([path, expected]);
  }
  expect(matched).toBeGreaterThan(0); // the candidates reach every template
});

test('a convertor whose regex has groups of its own does not shift the parameters after it', () => {
  const route = new Route('/r/{p:pair}/{s}', () => new PlainTextResponse(''));
  expect(routeMatch(route, '/r/1-2/x')).toEqual({ p: [1, 2], s: 'x' });
  expect(compilePath('/r/{p:pair}/{s}').groups).toEqual([1, 4]);
});
