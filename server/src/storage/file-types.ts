/** Upload purposes and what each accepts. */
export const UPLOAD_PURPOSES = ['CERTIFICATE', 'VOICE_INTRO', 'IMAGE'] as const;
export type UploadPurpose = (typeof UPLOAD_PURPOSES)[number];

const MB = 1024 * 1024;

export const UPLOAD_RULES: Record<UploadPurpose, { kind: 'image' | 'audio'; maxBytes: number; sensitive: boolean }> = {
  CERTIFICATE: { kind: 'image', maxBytes: 5 * MB, sensitive: true },
  IMAGE: { kind: 'image', maxBytes: 5 * MB, sensitive: false },
  VOICE_INTRO: { kind: 'audio', maxBytes: 10 * MB, sensitive: false },
};

/** The largest decoded upload of any purpose; the route's body limit is derived from it (base64 + JSON). */
export const MAX_UPLOAD_BYTES = Math.max(...Object.values(UPLOAD_RULES).map((r) => r.maxBytes));

const startsWith = (b: Buffer, sig: number[], at = 0) => b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
const ascii = (b: Buffer, at: number, text: string) => b.length >= at + text.length && b.toString('latin1', at, at + text.length) === text;

/** The type of the bytes by their magic numbers (never by file name or declared type), or null. */
export function sniffMimeType(b: Buffer): { mime: string; kind: 'image' | 'audio' } | null {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return { mime: 'image/jpeg', kind: 'image' };
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { mime: 'image/png', kind: 'image' };
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return { mime: 'image/webp', kind: 'image' };
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WAVE')) return { mime: 'audio/wav', kind: 'audio' };
  // MP3: an ID3v2 tag, or an MPEG audio frame sync (11 set bits, layer III).
  if (ascii(b, 0, 'ID3')) return { mime: 'audio/mpeg', kind: 'audio' };
  if (b.length >= 2 && b[0] === 0xff && (b[1] & 0xe6) === 0xe2) return { mime: 'audio/mpeg', kind: 'audio' };
  // AAC in ADTS: sync 0xFFF, layer 00.
  if (b.length >= 2 && b[0] === 0xff && (b[1] & 0xf6) === 0xf0) return { mime: 'audio/aac', kind: 'audio' };
  // M4A: an ISO-BMFF `ftyp` box with an audio brand.
  if (ascii(b, 4, 'ftyp')) {
    const brand = b.toString('latin1', 8, 12);
    if (['M4A ', 'M4B ', 'mp42', 'isom', 'mp41', 'iso2', 'dash'].includes(brand)) return { mime: 'audio/mp4', kind: 'audio' };
  }
  return null;
}
