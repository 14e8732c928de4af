import type { Command } from '../src/bot/command.js';
import { classify } from './classify.js';
import { classifyAudio } from './classify-audio.js';
import { forgetMe } from './forget-me.js';
import { library } from './library.js';
import { profile } from './profile.js';
import { recommend } from './recommend.js';
import { settings } from './settings.js';

/** Every command of the bot, registered at start-up (STYLE habit 1: an explicit list). */
export const COMMANDS: readonly Command[] = [classify, classifyAudio, library, recommend, profile, forgetMe, settings];
