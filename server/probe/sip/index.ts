export {
  createSipEngine,
  jobProblem,
  sipTimeout,
  SipEngine,
  type SipEngineOptions,
  type SipStats,
  type SipTuning,
} from './engine';
export { buildOptions, parseDatagram, parseResponseHead, StreamFramer, type SipResponse } from './message';
