/** A local fake Discord voice server (voice gateway v8 over wss, UDP with AES-256-GCM) and helpers to judge what arrived. */
export { FakeVoiceServer, type FakeVoiceServerOptions } from './server.js';
export type { PacketFailure, RtpPacketRecord, VoiceGrant, VoiceSessionRecord } from './records.js';
export { alignWithSource, analyseArrival, audioFrames, compareWithSource, decodeOpusFrames, pcmDurationS, rmsDb, SILENCE_FRAME, TIMESTAMP_STEP, FRAME_MS, GAP_LIMIT_MS, type ArrivalAnalysis, type FrameAlignment, type AudioComparison, type Break } from './analysis.js';
export { decodeWithFfmpeg, makeOggOpus, oggOpusPackets, scratchDir, CHANNELS, SAMPLE_RATE_HZ, type Scratch } from './media.js';
