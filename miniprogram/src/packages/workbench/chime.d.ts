/**
 * Platform adapter for the new-order sound (Taro multi-platform files): `chime.weapp.ts` plays a
 * generated WAV through `Taro.createInnerAudioContext`, `chime.h5.ts` uses the Web Audio API.
 * Never throws: a sound that cannot play (muted, no user gesture yet) is simply skipped.
 */
export declare function playChime(): Promise<void>
