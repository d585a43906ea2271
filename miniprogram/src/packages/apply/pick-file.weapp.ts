import Taro from '@tarojs/taro'
import type { PickedFile } from './pick-file'

export async function pickImageBase64(): Promise<PickedFile | null> {
  let res: Taro.chooseImage.SuccessCallbackResult
  try {
    res = await Taro.chooseImage({ count: 1, sizeType: ['compressed'], sourceType: ['album', 'camera'] })
  } catch {
    return null
  }
  const file = res.tempFiles[0]
  if (!file) return null
  const base64 = Taro.getFileSystemManager().readFileSync(file.path, 'base64') as string
  return { base64, sizeBytes: file.size, previewPath: file.path }
}
