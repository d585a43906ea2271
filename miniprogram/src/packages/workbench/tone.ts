/**
 * The new-order chime, generated rather than bundled (no audio asset in any package): two short
 * sine notes with a soft attack and decay. `chimeSamples` is shared by both platforms; weapp
 * plays it as a WAV file written once to the user data folder (`chimeWav`), h5 through Web Audio.
 */
export const CHIME_NOTES: readonly { hz: number; seconds: number }[] = [
  { hz: 880, seconds: 0.12 },
  { hz: 1318.5, seconds: 0.22 },
]

/** Mono samples in [-1, 1] at `sampleRate`. */
export function chimeSamples(sampleRate = 16000): Float32Array {
  const total = CHIME_NOTES.reduce((n, note) => n + Math.round(note.seconds * sampleRate), 0)
  const out = new Float32Array(total)
  let offset = 0
  for (const note of CHIME_NOTES) {
    const n = Math.round(note.seconds * sampleRate)
    for (let i = 0; i < n; i++) {
      const attack = Math.min(1, i / (0.01 * sampleRate))
      const decay = Math.exp((-4 * i) / n)
      out[offset + i] = 0.5 * attack * decay * Math.sin((2 * Math.PI * note.hz * i) / sampleRate)
    }
    offset += n
  }
  return out
}

/** A 16-bit PCM mono WAV file of the chime. */
export function chimeWav(sampleRate = 16000): ArrayBuffer {
  const samples = chimeSamples(sampleRate)
  const buf = new ArrayBuffer(44 + samples.length * 2)
  const v = new DataView(buf)
  const str = (at: number, s: string) => { for (let i = 0; i < s.length; i++) v.setUint8(at + i, s.charCodeAt(i)) }
  str(0, 'RIFF')
  v.setUint32(4, 36 + samples.length * 2, true)
  str(8, 'WAVE')
  str(12, 'fmt ')
  v.setUint32(16, 16, true) // PCM chunk size
  v.setUint16(20, 1, true) // PCM
  v.setUint16(22, 1, true) // mono
  v.setUint32(24, sampleRate, true)
  v.setUint32(28, sampleRate * 2, true) // byte rate
  v.setUint16(32, 2, true) // block align
  v.setUint16(34, 16, true) // bits per sample
  str(36, 'data')
  v.setUint32(40, samples.length * 2, true)
  samples.forEach((s, i) => v.setInt16(44 + i * 2, Math.round(Math.max(-1, Math.min(1, s)) * 0x7fff), true))
  return buf
}
