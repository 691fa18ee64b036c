import { TestClient } from 'starlette-ts';
import { app } from '../examples/cpu-work/main';
import { countPrimes } from '../examples/cpu-work/primes';

test('the count runs on a worker thread; the lifespan closes the pool', async () => {
  const client = new TestClient(app);
  await client.start();
  try {
    expect((await client.get('/primes/100')).json()).toEqual({ limit: 100, primes: 25 });
    expect((await client.get('/primes/100000')).json()).toEqual({ limit: 100000, primes: countPrimes(100000) });
    expect((await client.get('/primes/-1')).status).toBe(422);
  } finally {
    await client.close();
  }
});
