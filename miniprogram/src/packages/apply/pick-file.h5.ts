import Taro from '@tarojs/taro'
import type { PickedFile } from './pick-file'

function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

export async function pickImageBase64(): Promise<PickedFile | null> {
  let res: Taro.chooseImage.SuccessCallbackResult
  try {
    res = await Taro.chooseImage({ count: 1, sizeType: ['original'], sourceType: ['album'] })
  } catch {
    return null
  }
  const file = res.tempFiles[0] as Taro.chooseImage.ImageFile & { originalFileObj?: Blob }
  if (!file) return null
  const blob = file.originalFileObj ?? (await (await fetch(file.path)).blob())
  const bytes = new Uint8Array(await blob.arrayBuffer())
  return { base64: toBase64(bytes), sizeBytes: bytes.length, previewPath: file.path }
}
