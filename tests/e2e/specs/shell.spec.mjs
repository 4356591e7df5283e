import { test, expect } from '@playwright/test';

test('the root opens the desk and the top bar navigates to the inspector and back', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));

  await page.goto('/');
  await expect(page).toHaveURL(/\/desk$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Desk');
  await expect(page.locator('.brand')).toHaveText('Switchboard');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inspector' }).click();
  await expect(page).toHaveURL(/\/inspect$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Inspector');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Desk' }).click();
  await expect(page).toHaveURL(/\/desk$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Desk');

  await page.goBack();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Inspector');
  expect(errors).toEqual([]);
});

test('a deep link to /inspect opens the inspector directly', async ({ page }) => {
  const response = await page.goto('/inspect');
  expect(response.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Inspector');
  await expect(page.getByRole('link', { name: 'Inspector' })).toHaveAttribute('aria-current', 'page');
});

test('an unknown path shows the 404 page with a way back', async ({ page }) => {
  await page.goto('/nope');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  await page.locator('.empty-state').getByRole('link', { name: 'Desk' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Desk');
});

test('the wasm module the page loads is served as application/wasm', async ({ request }) => {
  const html = await (await request.get('/')).text();
  const wasmName = html.match(/([\w-]+_bg\.wasm)/)?.[1];
  expect(wasmName, 'index.html references the wasm module').toBeTruthy();
  const wasm = await request.get(`/${wasmName}`);
  expect(wasm.status()).toBe(200);
  expect(wasm.headers()['content-type']).toBe('application/wasm');
});
