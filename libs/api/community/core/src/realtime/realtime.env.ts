import { withRealtimeEnv } from '@ppt/realtime';

/** What the PM API's realtime hub reads from the environment (the WS_* limits of libs/realtime). */
export class RealtimeEnv extends withRealtimeEnv(class {}) {}
