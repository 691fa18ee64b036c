// One Jest project per workspace: `npx jest` at the root runs them all;
// `npm test` runs each workspace's own tests through turbo (building first).
import type { Config } from 'jest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const workspaces = ['packages', 'apps'].flatMap((dir) =>
  existsSync(join(__dirname, dir)) ? readdirSync(join(__dirname, dir)).map((name) => join(__dirname, dir, name)) : [],
);

const config: Config = {
  projects: workspaces.filter((dir) => existsSync(join(dir, 'jest.config.js'))),
};

export default config;
