import Taro from '@tarojs/taro'
import { chimeWav } from './tone'

let audio: Taro.InnerAudioContext | null = null

async function chimeFile(): Promise<string> {
  const path = `${Taro.env.USER_DATA_PATH}/qingting-chime.wav`
  const fs = Taro.getFileSystemManager()
  try {
    fs.accessSync(path)
  } catch {
    fs.writeFileSync(path, chimeWav(), 'binary')
  }
  return path
}

/** WeChat: an InnerAudioContext on a WAV file generated once into the user data folder. */
export async function playChime(): Promise<void> {
  try {
    if (!audio) {
      audio = Taro.createInnerAudioContext()
      audio.obeyMuteSwitch = false
      audio.src = await chimeFile()
    }
    audio.stop()
    audio.play()
  } catch {
    // no sound is better than a broken workbench
  }
}
