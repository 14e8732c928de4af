import { ComponentType, InteractionType, type APIModalSubmissionComponent } from 'discord-api-types/v10';
import type { FakeCore } from './core.js';
import type { FakeInteraction } from './interaction-handle.js';
import { baseInteraction, deliverInteraction } from './member-actions.js';

interface TextInput {
  type: ComponentType.TextInput;
  id?: number;
  custom_id: string;
  required?: boolean;
  min_length?: number;
  max_length?: number;
}

function fill(input: TextInput, values: Readonly<Record<string, string>>): { type: ComponentType.TextInput; id: number; custom_id: string; value: string } {
  const value = values[input.custom_id] ?? '';
  if (input.required !== false && value === '') throw new Error(`fake-discord: modal field ${input.custom_id} is required`);
  if (value !== '' && (value.length < (input.min_length ?? 0) || value.length > (input.max_length ?? 4000))) {
    throw new Error(`fake-discord: modal field ${input.custom_id} must be ${input.min_length ?? 0}..${input.max_length ?? 4000} characters`);
  }
  return { type: ComponentType.TextInput, id: input.id ?? 0, custom_id: input.custom_id, value };
}

/**
 * A member submits the modal the bot opened in answer to `opener`, filling its text inputs
 * from `values` (by custom_id): a MODAL_SUBMIT interaction (type 5), checked against the
 * modal's required fields and lengths. Action rows and label components are both understood.
 */
export function submitModal(core: FakeCore, opener: FakeInteraction, values: Readonly<Record<string, string>>): FakeInteraction {
  const modal = opener.modal();
  if (!modal) throw new Error(`fake-discord: interaction ${opener.id} opened no modal`);
  const unknown = Object.keys(values).filter((key) => !JSON.stringify(modal.components).includes(`"custom_id":"${key}"`));
  if (unknown.length > 0) throw new Error(`fake-discord: the modal has no fields ${unknown.join(', ')}`);
  const components = modal.components.map((raw): APIModalSubmissionComponent => {
    const row = raw as { type: ComponentType; id?: number; components?: TextInput[]; component?: TextInput };
    if (row.type === ComponentType.ActionRow && row.components) return { type: ComponentType.ActionRow, id: row.id ?? 0, components: row.components.map((input) => fill(input, values)) };
    if (row.type === ComponentType.Label && row.component?.type === ComponentType.TextInput) return { type: ComponentType.Label, id: row.id ?? 0, component: fill(row.component, values) };
    if (row.type === ComponentType.TextDisplay) return { type: ComponentType.TextDisplay, id: row.id ?? 0 };
    throw new Error(`fake-discord: modal component type ${row.type} is not implemented`);
  });
  const payload = opener.payload;
  const ctx = { guildId: payload.guild_id!, channelId: payload.channel!.id, userId: payload.member!.user.id };
  const message = payload.type === InteractionType.MessageComponent ? { message: payload.message } : {};
  return deliverInteraction(core, { ...baseInteraction(core, ctx), type: InteractionType.ModalSubmit, data: { custom_id: modal.custom_id, components }, ...message });
}
