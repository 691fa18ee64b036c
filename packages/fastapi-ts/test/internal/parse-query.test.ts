import { parseQuery } from '../../src/internal/solve';

// parseQuery splits plain query strings itself and hands anything to decode to URLSearchParams:
// either way, the values by name must be exactly URLSearchParams' (Starlette's parse_qsl with blanks kept).
function reference(qs: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(qs)) map.set(key, [...(map.get(key) ?? []), value]);
  return map;
}

const CORPUS = [
  '', 'a', 'a=', '=b', '=', '&', '&&', 'a=1&a=2&b=3', '&&a=1&&', 'a=b=c', 'q=abc&skip=5&limit=20',
  'a&b&a', 'a=1&', '&a=1', 'é=ü&ü', 'a=%20b', 'a+b=c+d', 'a=%zz&b=%', 'k=%E2%82%AC', 'x=1;y=2', 'a=?&b=#',
];

describe('parseQuery', () => {
  test.each(CORPUS)('%j gives what URLSearchParams gives', (qs) => {
    expect([...parseQuery(qs)]).toEqual([...reference(qs)]);
  });
});
