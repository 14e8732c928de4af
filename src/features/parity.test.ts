import { describeParity, parityClips } from './parity-suite.js';

describeParity('librosa parity: the 30 GTZAN parity clips', 30, parityClips);
