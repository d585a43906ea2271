/**
 * Platform adapter (Taro multi-platform files): `pick-file.weapp.ts` reads the chosen image with
 * the mini-program file system, `pick-file.h5.ts` with the browser's File API. Both return base64.
 */
export interface PickedFile {
  base64: string
  sizeBytes: number
  /** A path the page can show as a preview. */
  previewPath: string
}

/** Lets the person choose one image (camera or album); null when they cancel. */
export declare function pickImageBase64(): Promise<PickedFile | null>
