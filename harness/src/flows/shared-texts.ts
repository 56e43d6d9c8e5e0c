/**
 * One copy of each text a capture repeats (histories, addresses, DNS names and answers): what is
 * built or decoded anew for every record then costs one string, not one per record. Bounded: the
 * table starts over when full, and texts longer than `longest` are not kept.
 */
export function sharedTexts(max: number, longest = Infinity): (text: string) => string {
  const texts = new Map<string, string>();
  return (text) => {
    if (text.length > longest) return text;
    const v = texts.get(text);
    if (v !== undefined) return v;
    if (texts.size >= max) texts.clear();
    texts.set(text, text);
    return text;
  };
}
