// The interface languages: one table, read by the catalogs, the language
// picker and the negotiation with the phone's languages.
export const kLanguages = [
  { code: 'en', name: 'English' },
  { code: 'vi', name: 'Tiếng Việt' },
  { code: 'ms', name: 'Bahasa Melayu' },
] as const;

export type Language = (typeof kLanguages)[number]['code'];

export function isLanguage(code: string | null | undefined): code is Language {
  return kLanguages.some((l) => l.code === code);
}

// The first of the phone's languages we speak, by primary subtag: vi-VN is vi.
export function negotiate(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLanguage(primary)) return primary;
  }
  return 'en';
}
