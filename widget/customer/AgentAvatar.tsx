// A small circle with the agent's initials: beside their messages and in the status once they have joined.
// Decorative (aria-hidden): the name itself is always written next to it.

/** "Maria López" → "ML", "ana" → "A", "Jean-Luc Picard" → "JP": first letters of the first and last word. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = (word: string | undefined) => (word ? Array.from(word)[0]!.toLocaleUpperCase() : '');
  return words.length > 1 ? first(words[0]) + first(words[words.length - 1]) : first(words[0]);
}

export function AgentAvatar({ name }: { name: string }) {
  return (
    <span class="avatar" aria-hidden="true">
      {initials(name)}
    </span>
  );
}
