import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// undici is only the TestClient's: a production app importing starlette-ts must not load it
// (~150 ms of start-up). Checked on the built package, as an app imports it.
test('importing starlette-ts does not load undici; the TestClient loads it on first use', () => {
  const script = `
    const loaded = () => Object.keys(require.cache).some((file) => file.includes('/node_modules/undici/'));
    const { TestClient, Starlette } = require('starlette-ts');
    const before = loaded();
    new TestClient(new Starlette());
    process.stdout.write(JSON.stringify([before, loaded()]));`;
  const result = spawnSync(process.execPath, ['-e', script], { cwd: join(__dirname, '..'), encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(JSON.parse(result.stdout)).toEqual([false, true]);
});
