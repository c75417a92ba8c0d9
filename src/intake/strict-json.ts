/**
 * JSON.parse keeps the last of two equal keys, so `{"googleDelegation": <bad>, "googleDelegation": <good>}`
 * is read as the good one while a log, a signature check or another parser may have read the bad one: an
 * ambiguous body. RFC 8259 §4 ("names within an object SHOULD be unique") leaves it to the receiver; the
 * intake refuses it. No parser among Onramp's dependencies reports duplicates (secure-json-parse, Fastify's
 * own, only guards __proto__/constructor; json-bigint's `strict` mode is a transitive dependency, unmaintained
 * since 2020, and turns large numbers into BigNumber objects), so this walks the text JSON.parse has already
 * accepted: strings (keys decoded, so "\u0061" and "a" are the same key), objects and arrays, iteratively
 * (a 5,000-deep body must not overflow the stack).
 */

/** The paths (`a.b[0].c`) of every key that occurs more than once in its object, in order; [] when none. */
export function duplicateKeys(text: string): string[] {
  const found: string[] = [];
  // One frame per open object or array: the object's keys so far, or the array's next index.
  const stack: ({ keys: Set<string>; path: string; key?: string } | { index: number; path: string })[] = [];
  const childPath = (): string => {
    const top = stack.at(-1);
    if (!top) return '';
    if ('keys' in top) return top.path ? `${top.path}.${top.key ?? ''}` : (top.key ?? '');
    return `${top.path}[${top.index}]`;
  };
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack.at(-1);
      if (expectKey && top && 'keys' in top) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) found.push(top.path ? `${top.path}.${key}` : key);
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      i = j;
    } else if (c === '{') {
      stack.push({ keys: new Set(), path: childPath() });
      expectKey = true;
    } else if (c === '[') {
      stack.push({ index: 0, path: childPath() });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack.at(-1);
      if (top && 'keys' in top) expectKey = true;
      else if (top) top.index++;
    }
  }
  return found;
}
