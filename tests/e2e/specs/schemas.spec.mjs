// Your own .proto files in the inspector: dropped, compiled in the schema worker, used to name
// and recognize a payload, kept across a reload, removed; and a compile error placed.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const protos = resolve(import.meta.dirname, '../../../crates/payload/tests/fixtures/user-proto');
const text = (name) => readFileSync(join(protos, name), 'utf8');

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (error) => {
    throw new Error(`page error: ${error.message}`);
  });
});

/** Drops files on the inspector page as a user would from a file manager. */
async function drop(page, files) {
  const transfer = await page.evaluateHandle((files) => {
    const transfer = new DataTransfer();
    for (const [name, content] of files) transfer.items.add(new File([content], name, { type: 'text/plain' }));
    return transfer;
  }, files);
  await page.locator('.inspector').dispatchEvent('drop', { dataTransfer: transfer });
}

test('.proto files with an import, dropped, name and recognize a payload and are kept until removed', async ({ page }) => {
  await page.goto('/inspect');
  const panel = page.getByTestId('schema-panel');
  await expect(panel.locator('summary')).toHaveText('Your schemas (0)');
  // order.proto imports common.proto and google/protobuf/timestamp.proto (built in).
  await drop(page, [['order.proto', text('order.proto')], ['common.proto', text('common.proto')]]);
  await expect(panel.locator('summary')).toHaveText('Your schemas (2)');

  await page.getByLabel('Payload', { exact: true }).fill(text('order.hex'));
  await expect(page.getByTestId('schema')).toHaveText('acme.Order · confidence 0.92');
  const row = (label) => page.locator('.tree-row', { has: page.locator('.label', { hasText: new RegExp(`^${label}$`) }) }).first();
  await expect(row('id').locator('.value')).toContainText('1234567890123456789');
  await expect(row('total')).toBeVisible();
  await row('total').click();
  await page.keyboard.press('ArrowRight');
  await expect(row('cents').locator('.value')).toContainText('-250');
  // Listed under Schema, the user's first.
  await expect(page.getByLabel('Schema').locator('option').nth(1)).toHaveText('acme.Money');
  await page.getByLabel('Schema').selectOption('acme.Order.Item');
  await expect(page.getByTestId('schema')).toContainText('acme.Order.Item');

  // Kept in this browser: a reload needs no new import.
  await page.reload();
  await expect(panel.locator('summary')).toHaveText('Your schemas (2)');
  await page.getByLabel('Payload', { exact: true }).fill(text('order.hex'));
  await expect(page.getByTestId('schema')).toContainText('acme.Order');

  // Removing the imported file alone would break the other: refused, placed, nothing changed.
  await panel.locator('summary').click();
  await page.getByRole('button', { name: 'Remove common.proto' }).click();
  await expect(page.getByTestId('schema-error')).toContainText('order.proto:4:1:');
  await expect(page.getByTestId('schema-error')).toContainText('common.proto');
  await expect(panel.locator('summary')).toHaveText('Your schemas (2)');
  await page.getByRole('button', { name: 'Remove order.proto' }).click();
  await expect(panel.locator('summary')).toHaveText('Your schemas (1)');
  await expect(page.getByTestId('schema-error')).toHaveCount(0);
  await page.getByRole('button', { name: 'Remove common.proto' }).click();
  await expect(panel.locator('summary')).toHaveText('Your schemas (0)');
  await expect(page.getByTestId('schema')).not.toContainText('acme.');
  await page.reload();
  await expect(panel.locator('summary')).toHaveText('Your schemas (0)');
});

test('a .proto that does not compile names its file, line and column and changes nothing', async ({ page }) => {
  await page.goto('/inspect');
  const panel = page.getByTestId('schema-panel');
  await panel.locator('summary').click();
  await page.getByLabel('Add .proto files').setInputFiles(join(protos, 'broken.proto'));
  await expect(page.getByTestId('schema-error')).toContainText('broken.proto:6:1:');
  await expect(panel.locator('summary')).toHaveText('Your schemas (0)');
  // Pasted, with a name of its own: fixed, it compiles.
  await page.getByLabel('Paste a .proto file').fill(text('broken.proto').replace('string name = 1', 'string name = 1;'));
  await page.getByLabel('Its file name').fill('fixed.proto');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(panel.locator('summary')).toHaveText('Your schemas (1)');
  await expect(page.getByTestId('schema-error')).toHaveCount(0);
  // Schema is offered once there is a payload: `name: "a"` read as the fixed message.
  await page.getByLabel('Payload', { exact: true }).fill('0a0161');
  await page.getByLabel('Schema').selectOption('acme.Broken');
  await expect(page.locator('.tree-row .label', { hasText: /^name$/ })).toBeVisible();
});
