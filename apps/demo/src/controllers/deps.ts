/**
 * The seed's dependency examples under `/deps`: a function dependency, a
 * class dependency, a sub-dependency, route-level dependencies, a callable
 * instance, and a dependency with cleanup (`yield`).
 */
import { z } from 'zod';
import { Controller, Cookie, Depends, dependency, Get, Header, HTTPException, Int, Query } from 'fastapi-ts';

const optionalQ = () => Query(z.string().nullable().default(null));

/** `q, skip=0, limit=100` shared by several routes. */
export const commonParameters = dependency(
  { q: optionalQ(), skip: Query(Int.default(0)), limit: Query(Int.default(100)) },
  function commonParameters({ q, skip, limit }) {
    return { q, skip, limit };
  },
);

/** The same parameters as a class: the constructor's parameters are the dependency's. */
export class CommonQueryParams {
  constructor(
    @Query('q', z.string().nullable().default(null)) readonly q: string | null,
    @Query('skip', Int.default(0)) readonly skip: number,
    @Query('limit', Int.default(100)) readonly limit: number,
  ) {}
}

const queryExtractor = dependency({ q: optionalQ() }, function queryExtractor({ q }) {
  return q;
});

/** A sub-dependency: the query's `q`, else the `last_query` cookie. */
export const queryOrCookieExtractor = dependency(
  { q: Depends(queryExtractor), last_query: Cookie(z.string().nullable().default(null)) },
  function queryOrCookieExtractor({ q, last_query }) {
    return q ? q : last_query;
  },
);

const verifyToken = dependency({ x_token: Header(z.string()) }, async function verifyToken({ x_token }) {
  if (x_token !== 'fake-super-secret-token') throw new HTTPException(400, 'X-Token header invalid');
});

const verifyKey = dependency({ x_key: Header(z.string()) }, async function verifyKey({ x_key }) {
  if (x_key !== 'fake-super-secret-key') throw new HTTPException(400, 'X-Key header invalid');
  return x_key;
});

/** A callable instance: its `__call__` is the dependency, its fields configure it. */
export class FixedContentQueryChecker {
  constructor(readonly fixedContent: string) {}

  __call__(@Query('q', z.string().default('')) q: string): boolean {
    return q.includes(this.fixedContent);
  }
}

const checker = new FixedContentQueryChecker('bar');

/** What the yield dependency has done, oldest first ("opened", then "closed" after each response). */
export const cleanupLog: string[] = [];

/** A dependency with cleanup: the code after `yield` runs after the response, also when the handler failed. */
export const loggedResource = dependency({}, function* loggedResource() {
  cleanupLog.push('opened');
  try {
    yield 'resource';
  } finally {
    cleanupLog.push('closed');
  }
});

/** `/deps/...`. */
@Controller('/deps', { tags: ['dependencies'] })
export class DepsController {
  @Get('/items/')
  readItems(@Depends(commonParameters) commons: { q: string | null; skip: number; limit: number }) {
    return commons;
  }

  @Get('/class-items/')
  readClassItems(@Depends() commons: CommonQueryParams) {
    return { q: commons.q, skip: commons.skip, limit: commons.limit };
  }

  @Get('/query-or-cookie/')
  readQuery(@Depends(queryOrCookieExtractor) queryOrDefault: string | null) {
    return { q_or_cookie: queryOrDefault };
  }

  @Get('/verified-items/', { dependencies: [Depends(verifyToken), Depends(verifyKey)] })
  readVerifiedItems() {
    return [{ item: 'Foo' }, { item: 'Bar' }];
  }

  @Get('/query-checker/')
  readQueryCheck(@Depends(checker) fixedContentIncluded: boolean) {
    return { fixed_content_in_query: fixedContentIncluded };
  }

  @Get('/yield/')
  readWithResource(@Depends(loggedResource) resource: string) {
    return { resource, log: [...cleanupLog] };
  }

  @Get('/yield-error/')
  readWithResourceAndFail(@Depends(loggedResource) _resource: string) {
    throw new HTTPException(418, 'handler failed');
  }

  @Get('/cleanup-log/')
  readCleanupLog() {
    return cleanupLog;
  }
}
