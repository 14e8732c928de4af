import { describeParity, fullClips } from './parity-suite.js';

describeParity('librosa parity: the 47 full clips of audio/full', 47, fullClips);
