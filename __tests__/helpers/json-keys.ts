/**
 * Duplicate keys in a JSON text. JSON.parse keeps the last of two equal keys silently, which is how a
 * pasted `","channel":"C0ATTACKER","x":"` would re-point an alert while the payload still parses; this
 * finds them. The text must be valid JSON (parse it first).
 */
export function duplicateKeys(text: string): string[] {
  let i = 0;
  const dups: string[] = [];
  const space = () => {
    while (/\s/.test(text[i] ?? "")) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const value = (path: string): void => {
    space();
    const c = text[i];
    if (c === "{") {
      i++;
      const seen = new Set<string>();
      space();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        space();
        const key = str();
        if (seen.has(key)) dups.push(`${path}.${key}`);
        seen.add(key);
        space();
        i++; // ':'
        value(`${path}.${key}`);
        space();
        if (text[i++] === "}") return;
      }
    } else if (c === "[") {
      i++;
      space();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        value(`${path}[${n}]`);
        space();
        if (text[i++] === "]") return;
      }
    } else if (c === '"') {
      str();
    } else {
      while (i < text.length && !/[,\]}\s]/.test(text[i])) i++;
    }
  };
  value("$");
  return dups;
}
