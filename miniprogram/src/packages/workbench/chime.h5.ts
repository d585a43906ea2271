import { chimeSamples } from './tone'

type AudioCtor = new () => AudioContext
let ctx: AudioContext | null = null

/** Browser: the generated samples through Web Audio (skipped until the page has had a user gesture). */
export async function playChime(): Promise<void> {
  try {
    const g = globalThis as { AudioContext?: AudioCtor; webkitAudioContext?: AudioCtor }
    const Ctor = g.AudioContext ?? g.webkitAudioContext
    if (!Ctor) return
    ctx = ctx ?? new Ctor()
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined)
    const samples = chimeSamples(ctx.sampleRate)
    const buffer = ctx.createBuffer(1, samples.length, ctx.sampleRate)
    buffer.getChannelData(0).set(samples)
    const source = ctx.createBufferSource()
    source.buffer = buffer
    source.connect(ctx.destination)
    source.start()
  } catch {
    // autoplay policy or no audio device: skip the sound
  }
}
