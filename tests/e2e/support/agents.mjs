// The two agents every e2e run has (playwright.config.mjs adds them with `switchboard agent add`
// before the server starts), and logging in as one of them.
import { expect } from '@playwright/test';

export const ADMIN = { name: '王芳', password: '王芳的密码足够长了' };
export const AGENT = { name: '李娜', password: '李娜的密码也足够长' };

// Logs `page`'s browser context in through the login form's POST (the cookie lands in the
// context), then opens `path` (the desk by default, waiting until it is live).
export async function logIn(page, agent = ADMIN, path = '/desk') {
  const response = await page.request.post('/login', { form: { name: agent.name, password: agent.password }, maxRedirects: 0 });
  expect(response.status(), await response.text()).toBe(303);
  await page.goto(path);
  if (path === '/desk') {
    // Whatever language the page speaks.
    await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'live');
  }
}
