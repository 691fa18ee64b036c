import { TestClient } from 'starlette-ts';
import { app } from '../examples/path-params/main';

const client = new TestClient(app);

test('an integer path parameter is converted', async () => {
  const response = await client.get('/items/3');
  expect([response.status, response.json()]).toEqual([200, { item_id: 3 }]);
});

test('a value that is not an integer is a 422 in pydantic form', async () => {
  const response = await client.get('/items/foo');
  expect(response.status).toBe(422);
  expect(response.json()).toEqual({
    detail: [{ type: 'int_parsing', loc: ['path', 'item_id'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'foo' }],
  });
  expect((await client.get('/items/4.5')).status).toBe(422);
});

test('fixed paths come first', async () => {
  expect((await client.get('/users/me')).json()).toEqual({ user_id: 'the current user' });
  expect((await client.get('/users/rick')).json()).toEqual({ user_id: 'rick' });
});

test('an enum parameter', async () => {
  expect((await client.get('/models/alexnet')).json()).toEqual({ model_name: 'alexnet', message: 'Deep Learning FTW!' });
  expect((await client.get('/models/lenet')).json()).toEqual({ model_name: 'lenet', message: 'LeCNN all the images' });
  expect((await client.get('/models/resnet')).json()).toEqual({ model_name: 'resnet', message: 'Have some residuals' });
  const bad = await client.get('/models/foo');
  expect(bad.status).toBe(422);
  expect(bad.json<any>().detail[0]).toMatchObject({ type: 'enum', loc: ['path', 'model_name'], input: 'foo' });
});

test('a path parameter that spans slashes', async () => {
  expect((await client.get('/files/home/johndoe/myfile.txt')).json()).toEqual({ file_path: 'home/johndoe/myfile.txt' });
});
