// The interface's words. Every visible string comes from one of the three
// catalogs (one key set, checked by tests/web/catalogs.test.mjs). Keys with
// counts pick a plural form by Intl.PluralRules: `key.one`, `key.other`.
import { computed, signal } from '@preact/signals';
import en from '../i18n/en.json';
import vi from '../i18n/vi.json';
import ms from '../i18n/ms.json';
import { isLanguage, negotiate, type Language } from './languages';
import { storage } from './storage';

type Catalog = Record<string, string>;
const kCatalogs: Record<Language, Catalog> = { en, vi, ms };

function initialLanguage(): Language {
  const stored = storage.get('lang');
  if (isLanguage(stored)) return stored;
  return negotiate(navigator.languages?.length ? navigator.languages : [navigator.language]);
}

// The language the interface and the content are in.
export const language = signal<Language>(initialLanguage());

export function chooseLanguage(next: Language) {
  storage.set('lang', next);
  language.value = next;
}

const pluralRules = computed(() => new Intl.PluralRules(language.value));
const ordinalRules = computed(() => new Intl.PluralRules(language.value, { type: 'ordinal' }));

export type Params = Record<string, string | number>;

function fill(text: string, params?: Params) {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

// With a `count`, a key missing as such is read in its plural form, e.g.
// `agenda.count.other` ("12 sessions").
export function t(key: string, params?: Params): string {
  const catalog = kCatalogs[language.value];
  let text = catalog[key];
  if (text === undefined && params && typeof params.count === 'number') {
    text = catalog[`${key}.${pluralRules.value.select(params.count)}`] ?? catalog[`${key}.other`];
  }
  if (text === undefined) text = kCatalogs.en[key] ?? key;
  return fill(text, params);
}

// "4th", "thứ 4", "ke-4".
export function ordinal(n: number): string {
  const catalog = kCatalogs[language.value];
  const text = catalog[`ordinal.${ordinalRules.value.select(n)}`] ?? catalog['ordinal.other'];
  return fill(text, { n });
}
