import { z } from 'zod';
import { FastAPI, Path, Request } from 'fastapi-ts';

export const events: string[] = [];

// Runs once per server process: code before `yield` at startup, after it at shutdown.
// The yielded object becomes `request.state` in every request.
async function* lifespan() {
  events.push('load the model');
  const prices = new Map([['apple', 1.2], ['pear', 0.8]]);
  yield { prices };
  prices.clear();
  events.push('release the model');
}

export const app = new FastAPI({ lifespan });

app.get('/price/{fruit}', { params: { request: Request, fruit: Path(z.string()) } }, ({ request, fruit }) => {
  const prices: Map<string, number> = request.state.prices;
  return { fruit, price: prices.get(fruit) ?? null };
});
