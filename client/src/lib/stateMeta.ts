// How each state shows besides its colour (colour must never be the only cue).
import type { PointState } from '../../../shared/schemas';

export const DISPLAY_STATES: readonly PointState[] = ['up', 'degraded', 'severe', 'down', 'unknown'];

export const STATE_ICON: Record<PointState, string> = {
  up: '✓',
  degraded: '!',
  severe: '‼',
  down: '✕',
  unknown: '?',
};

/** The states a group header summarises (the ones a technician must act on). */
export const PROBLEM_STATES: readonly PointState[] = ['down', 'severe', 'degraded'];
