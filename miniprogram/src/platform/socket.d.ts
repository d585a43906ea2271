/**
 * Platform adapter for the WebSocket (Taro multi-platform files): the build resolves
 * `platform/socket` to `socket.weapp.ts` (`Taro.connectSocket`) or `socket.h5.ts` (the browser's
 * `WebSocket`); this declaration is what TypeScript sees. The protocol on top of it lives in the
 * platform-free services/realtime.ts. Both implementations are checked in test/socket.spec.ts.
 */
import type { OpenSocket } from '../services/realtime'

export declare const openSocket: OpenSocket
