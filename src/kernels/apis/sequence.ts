/** Kernel implementations of the sequence group (CTC, sequence losses), keyed by catalog id. */
import type { ApiTable } from '../api.js';

export const implementations: ApiTable = {};
