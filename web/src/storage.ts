// What the app remembers on the phone (localStorage, namespaced). A browser
// that refuses storage (private mode, full disk) still runs, forgetting.
const kPrefix = 'plenary.';

export const storage = {
  get(key: string): string | null {
    try {
      return localStorage.getItem(kPrefix + key);
    } catch {
      return null;
    }
  },
  set(key: string, value: string | null) {
    try {
      if (value === null) localStorage.removeItem(kPrefix + key);
      else localStorage.setItem(kPrefix + key, value);
    } catch {
      /* storage refused: the choice lasts this visit */
    }
  },
  getJson<T>(key: string, fallback: T): T {
    const text = storage.get(key);
    if (text === null) return fallback;
    try {
      return JSON.parse(text) as T;
    } catch {
      return fallback;
    }
  },
  setJson(key: string, value: unknown) {
    storage.set(key, JSON.stringify(value));
  },
};

// An Idempotency-Key: a v4 UUID, also where crypto.randomUUID is missing
// (it needs a secure context; a venue may serve plain http on its LAN).
export function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
