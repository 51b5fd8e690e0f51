// Checks that the staff console reads in every language (issue 18): each
// Chinese text in static/staff/ is wrapped in t() (or localProblem(), or
// verbatim() for data such as a column name the server reads), and
// each wrapped text has its Uyghur and English in static/staff/i18n/.
// Run by tests/browser.rs; `node tests/browser/i18n-check.mjs` prints every
// fault with its file and line.

import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'acorn';
import { ancestor } from 'acorn-walk';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../static/staff');
// Han characters and the full-width punctuation written with them (，、：（）).
const HAN = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;
const ARABIC = /\p{Script=Arabic}/u;
// The notice's document number is cited as it is written in every language.
const CITED = /乌人社规〔2022〕3号/g;
const TRANSLATORS = new Set(['t', 'localProblem']);
const WRAPPERS = new Set([...TRANSLATORS, 'verbatim']);

const faults = [];
const used = new Map(); // text → { where: its first use, modules: the modules using it }

function use(text, where) {
  const entry = used.get(text) ?? { where, modules: new Set() };
  entry.modules.add(where.split(':')[0].replace(/\.(js|html)$/, '').replace(/^index$/, 'app'));
  used.set(text, entry);
}

for (const file of readdirSync(root).filter((f) => f.endsWith('.js')).sort()) {
  const source = readFileSync(join(root, file), 'utf8');
  const tree = parse(source, { ecmaVersion: 'latest', sourceType: 'module', locations: true });
  const at = (node) => `${file}:${node.loc.start.line}`;
  ancestor(tree, {
    Literal(node, _state, ancestors) {
      // i18n.js holds each language's punctuation.
      if (file === 'i18n.js' || typeof node.value !== 'string' || !HAN.test(node.value)) return;
      const parent = ancestors[ancestors.length - 2];
      const wrapped = parent?.type === 'CallExpression' && WRAPPERS.has(parent.callee.name) && parent.arguments[0] === node;
      if (wrapped && TRANSLATORS.has(parent.callee.name)) use(node.value, at(node));
      else if (wrapped) return;
      else faults.push(`${at(node)}: Chinese text outside t(): ${JSON.stringify(node.value)}`);
    },
    TemplateLiteral(node) {
      if (node.quasis.some((q) => HAN.test(q.value.cooked))) {
        faults.push(`${at(node)}: Chinese in a template string; write t('…{name}…', { name }) instead`);
      }
    },
    CallExpression(node) {
      // i18n.js itself passes texts through; everywhere else the text must be
      // a literal so that this check can find its translations.
      if (file === 'i18n.js' || !TRANSLATORS.has(node.callee.name)) return;
      const [text] = node.arguments;
      if (!text || text.type !== 'Literal' || typeof text.value !== 'string') faults.push(`${at(node)}: ${node.callee.name}() of something other than a text literal`);
    },
  });
}

// The page's static texts: an element marked data-i18n is translated from its
// Chinese content, data-i18n-label from its aria-label. <title> is set by the
// console, <noscript> carries both Chinese and English for browsers without
// scripts, and the logo's one character is hidden from screen readers.
const page = readFileSync(join(root, 'index.html'), 'utf8').replace(/<noscript>[\s\S]*?<\/noscript>|<title>[\s\S]*?<\/title>|<span[^>]*aria-hidden="true"[^>]*>[^<]*<\/span>/g, '');
let rest = page;
for (const m of page.matchAll(/<\w+[^>]*\sdata-i18n(?:\s[^>]*)?>([^<]*)</g)) {
  use(m[1].trim(), 'index.html');
  rest = rest.replace(m[0], '');
}
for (const m of page.matchAll(/<\w+[^>]*\sdata-i18n-label[^>]*\saria-label="([^"]*)"/g)) {
  use(m[1], 'index.html');
  rest = rest.replace(m[1], '');
}
for (const line of rest.split('\n').filter((l) => HAN.test(l))) faults.push(`index.html: Chinese text without data-i18n: ${line.trim()}`);

// The tables.
const tableFiles = readdirSync(join(root, 'i18n')).filter((f) => f.endsWith('.js') && f !== 'index.js').sort();
const merged = new Map();
for (const file of tableFiles) {
  const table = (await import(pathToFileURL(join(root, 'i18n', file)).href)).default;
  for (const [text, entry] of Object.entries(table)) {
    const where = `i18n/${file}: ${JSON.stringify(text)}`;
    if (merged.has(text)) faults.push(`${where} is also in i18n/${merged.get(text)}; keep one (shared texts go in common.js)`);
    merged.set(text, file);
    const placeholders = (s) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
    for (const language of ['ug', 'en']) {
      const translation = entry?.[language];
      if (typeof translation !== 'string' || !translation.trim()) {
        faults.push(`${where} has no ${language}`);
        continue;
      }
      // Chinese may stay where the translation quotes what the clerk must
      // type as it is (a column name), when the Chinese text quotes it too.
      const unquoted = translation.replace(CITED, '').replace(/[“"«]([^”"»]+)[”"»]/g, (quote, inner) => (text.includes(inner) ? '' : quote));
      if (HAN.test(unquoted)) faults.push(`${where}: its ${language} has Chinese in it`);
      if (placeholders(translation) !== placeholders(text)) faults.push(`${where}: its ${language} has other {placeholders}`);
    }
    // A Uyghur text with letters has Uyghur (Arabic-script) letters; "—" or "{n}" alone is fine.
    const letters = typeof entry?.ug === 'string' && /\p{L}/u.test(entry.ug.replace(/\{\w+\}/g, ''));
    if (letters && !ARABIC.test(entry.ug)) faults.push(`${where}: its ug is not in Uyghur script`);
  }
}
const index = (await import(pathToFileURL(join(root, 'i18n', 'index.js')).href)).default;
if (index.length !== tableFiles.length) faults.push(`i18n/index.js imports ${index.length} tables, i18n/ has ${tableFiles.length}`);
for (const [text, { where, modules }] of used) {
  // A module's texts are in its own table (the page's in app.js's), texts
  // more than one module uses in common.js.
  const home = modules.size > 1 ? 'common.js' : `${[...modules][0]}.js`;
  if (!merged.has(text)) faults.push(`${where}: no translation of ${JSON.stringify(text)}`);
  else if (merged.get(text) !== home) faults.push(`i18n/${merged.get(text)}: ${JSON.stringify(text)} belongs in i18n/${home}`);
}
for (const [text, file] of merged) if (!used.has(text)) faults.push(`i18n/${file}: ${JSON.stringify(text)} is used nowhere`);

if (faults.length) {
  console.error(faults.join('\n'));
  console.error(`${faults.length} faults`);
  process.exit(1);
}
console.log(`i18n: ${used.size} texts, each in Uyghur and English`);
