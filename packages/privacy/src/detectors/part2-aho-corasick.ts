// An Aho-Corasick automaton over UTF-16 code units: built once in time linear in the total term
// length, it finds every term occurrence in one left-to-right pass over a text.

interface Node {
  readonly next: Map<number, number>;
  fail: number;
  /** Length of the term ending here, or 0. */
  term: number;
  /** Nearest node on the fail chain (excluding this one) where a term ends, or -1. */
  output: number;
}

/** A compiled set of terms. */
export interface TermMatcher {
  /**
   * Every occurrence, passed to `emit` per end position: the longest term ending there for which
   * `accept(start, end)` holds (at most `maxChecks` shorter candidates are tried).
   */
  find(
    text: string,
    fold: (code: number) => number,
    accept: (start: number, end: number) => boolean,
    emit: (start: number, end: number) => void,
  ): void;
}

/** Build the automaton for `terms` (already case-folded by the caller's `fold`). */
export function buildTermMatcher(terms: readonly string[], fold: (code: number) => number): TermMatcher {
  const nodes: Node[] = [{ next: new Map(), fail: 0, term: 0, output: -1 }];
  for (const term of terms) {
    let state = 0;
    for (let i = 0; i < term.length; i++) {
      const code = fold(term.charCodeAt(i));
      const current = nodes[state] as Node;
      let to = current.next.get(code);
      if (to === undefined) {
        to = nodes.length;
        nodes.push({ next: new Map(), fail: 0, term: 0, output: -1 });
        current.next.set(code, to);
      }
      state = to;
    }
    const last = nodes[state] as Node;
    last.term = Math.max(last.term, term.length);
  }
  // Breadth-first: fail links point to the longest proper suffix that is a trie node.
  const queue: number[] = [...(nodes[0] as Node).next.values()];
  for (let head = 0; head < queue.length; head++) {
    const index = queue[head] as number;
    const node = nodes[index] as Node;
    const failNode = nodes[node.fail] as Node;
    node.output = failNode.term > 0 ? node.fail : failNode.output;
    for (const [code, child] of node.next) {
      let fail = node.fail;
      while (fail !== 0 && !(nodes[fail] as Node).next.has(code)) fail = (nodes[fail] as Node).fail;
      const target = (nodes[fail] as Node).next.get(code);
      (nodes[child] as Node).fail = target !== undefined && target !== child ? target : 0;
      queue.push(child);
    }
  }
  return {
    find(text, foldText, accept, emit) {
      let state = 0;
      for (let i = 0; i < text.length; i++) {
        const code = foldText(text.charCodeAt(i));
        let to = (nodes[state] as Node).next.get(code);
        while (to === undefined && state !== 0) {
          state = (nodes[state] as Node).fail;
          to = (nodes[state] as Node).next.get(code);
        }
        state = to ?? 0;
        // The longest acceptable term ending at i.
        let at = (nodes[state] as Node).term > 0 ? state : (nodes[state] as Node).output;
        let checks = 0;
        while (at !== -1 && checks < maxChecks) {
          const length = (nodes[at] as Node).term;
          if (accept(i + 1 - length, i + 1)) {
            emit(i + 1 - length, i + 1);
            break;
          }
          at = (nodes[at] as Node).output;
          checks++;
        }
      }
    },
  };
}

/** Most shorter terms tried at one position when longer ones are not accepted. */
export const maxChecks = 8;
