// Search that forgives case and diacritics: "nguyen" finds "Nguyễn", "hoi
// nghi" finds "Hội nghị". Vietnamese đ is a letter of its own in Unicode
// (no decomposition), so it is folded by hand.
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

// Every word of the query appears somewhere in the haystack.
export function matches(haystack: string, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const folded = fold(haystack);
  return words.every((w) => folded.includes(w));
}
