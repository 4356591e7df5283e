// The app's catalogs as the e2e specs read them: each message id and its text, for messages
// without variables (a page shows the others filled in).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function catalog(file) {
  const messages = new Map();
  for (const line of readFileSync(join(root, 'src', 'i18n', file), 'utf8').split('\n')) {
    const match = line.match(/^([a-z0-9-]+) = (.*)$/);
    if (match && !match[2].includes('{')) messages.set(match[1], match[2].trim());
  }
  return messages;
}

export const ENGLISH = catalog('en.ftl');
export const CHINESE = catalog('zh-CN.ftl');

// English texts a Chinese page must not show: those the Chinese catalog says otherwise.
export const ENGLISH_ONLY = new Set(
  [...ENGLISH].filter(([id, text]) => CHINESE.get(id) !== text && /[A-Za-z]{2}/.test(text)).map(([, text]) => text),
);

// Chinese texts an English page must not show.
export const CHINESE_ONLY = new Set(
  [...CHINESE].filter(([id, text]) => ENGLISH.get(id) !== text && /[\u4e00-\u9fff]/.test(text)).map(([, text]) => text),
);

// Where the page shows the payload's own words (a field named "text", a customer's message),
// which are neither catalog's.
const THEIRS = '.tree-row .label, .tree-row .value, .interpretations, .bytes, .bubble-text, .bubble-ids, .conversation-preview, .paste-area';

// Every text the page shows or says to a screen reader: text nodes, and the labels, titles,
// placeholders and alt texts of elements.
export async function shownTexts(page) {
  return page.evaluate((theirs) => {
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const tag = node.parentElement?.tagName;
      if (tag === 'SCRIPT' || tag === 'STYLE' || node.parentElement?.closest(theirs)) continue;
      const text = node.textContent.trim();
      if (text) texts.push(text);
    }
    for (const element of document.body.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
      for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
        const value = element.getAttribute(name)?.trim();
        if (value) texts.push(value);
      }
    }
    texts.push(document.title);
    return texts;
  }, THEIRS);
}
