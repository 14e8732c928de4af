import type { Command } from '../src/bot/command.js';
import { classify } from './classify.js';
import { classifyAudio } from './classify-audio.js';
import { forgetMe } from './forget-me.js';
import { library } from './library.js';
import { nowplaying } from './nowplaying.js';
import { pause } from './pause.js';
import { play } from './play.js';
import { profile } from './profile.js';
import { queue } from './queue.js';
import { radio } from './radio.js';
import { recommend } from './recommend.js';
import { resume } from './resume.js';
import { settings } from './settings.js';
import { skip } from './skip.js';
import { stop } from './stop.js';
import { volume } from './volume.js';

/** Every command of the bot, registered at start-up (STYLE habit 1: an explicit list). */
export const COMMANDS: readonly Command[] = [
  classify, classifyAudio, library, recommend, profile, forgetMe, settings,
  play, queue, skip, pause, resume, stop, nowplaying, volume, radio,
];
