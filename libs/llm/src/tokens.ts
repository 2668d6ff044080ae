/**
 * Token estimates for budgets and context trimming before a call (the provider's own count, reported
 * with the answer, is what is recorded). About four characters per token for the BPE vocabularies of
 * current models, rounded up and never below one per non-empty text, so estimates err on the high side
 * for short texts.
 */
export function estimateTokens(text: string): number {
  if (!text) return 0;
  return Math.max(1, Math.ceil(text.length / 4));
}

/** A chat message's estimate: its text plus the few tokens each message costs in the chat format. */
export function estimateMessageTokens(messages: readonly { content: string }[]): number {
  return messages.reduce((sum, m) => sum + estimateTokens(m.content) + 4, 0);
}
