import { z } from 'zod';
import { Depends, dependency, FastAPI, HTTPException, Path } from 'fastapi-ts';

export const log: string[] = [];

class OwnerError extends Error {}

// A generator dependency: the code after `yield` runs after the response was sent,
// also when the handler failed (the error is thrown into the generator at `yield`).
export const getSession = dependency({}, function* () {
  log.push('open');
  try {
    yield { user: 'Rick' };
  } catch (error) {
    log.push(`rollback: ${(error as Error).message}`);
    // Turn a domain error into an HTTP answer, or rethrow: never swallow it silently.
    if (error instanceof OwnerError) throw new HTTPException(403, 'Not the owner');
    throw error;
  } finally {
    log.push('close');
  }
});

const owners: Record<string, string> = { plumbus: 'Morty', 'portal-gun': 'Rick' };

export const app = new FastAPI();

app.get('/items/{item_id}', { params: { item_id: Path(z.string()), session: Depends(getSession) } }, ({ item_id, session }) => {
  const owner = owners[item_id];
  if (owner === undefined) throw new HTTPException(404, 'Item not found');
  if (owner !== session.user) throw new OwnerError(`${item_id} belongs to ${owner}`);
  return { item_id, owner };
});
