// End-to-end tests: the release build served by the real `switchboard serve`, in Debian's
// headless Chromium. `./x test` builds both first and passes the binary in SWITCHBOARD_BIN.
import { defineConfig } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const port = Number(process.env.E2E_PORT ?? 18080);
const binary = process.env.SWITCHBOARD_BIN ?? join(root, 'target/release/switchboard');
// Specs read the webhook secrets the server writes here. Workers evaluate this file again, with
// the environment they inherit: they reuse the directory (and its agents) instead of making another.
const fresh = !process.env.SWITCHBOARD_E2E_DATA;
const dataDir = process.env.SWITCHBOARD_E2E_DATA ?? mkdtempSync(join(tmpdir(), 'switchboard-e2e-'));
process.env.SWITCHBOARD_E2E_DATA = dataDir;
if (fresh) {
  // The team the specs log in as (support/agents.mjs), added as an admin would: from the terminal.
  const agents = [['王芳', '王芳的密码足够长了', true], ['李娜', '李娜的密码也足够长', false]];
  for (const [name, password, admin] of agents) {
    execFileSync(binary, ['agent', 'add', name, ...(admin ? ['--admin'] : []), '--password-stdin', '--data-dir', dataDir],
      { input: `${password}\n`, stdio: ['pipe', 'ignore', 'inherit'] });
  }
}

export default defineConfig({
  testDir: './specs',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    // The app speaks the browser's language: the specs read English unless they ask for another.
    locale: 'en-US',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `"${binary}" serve --listen 127.0.0.1:${port} --data-dir "${dataDir}" --dist "${join(root, 'dist')}"`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    timeout: 30_000,
  },
});
