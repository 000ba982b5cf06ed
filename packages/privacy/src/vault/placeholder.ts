/** The types a placeholder can name: upper-case snake case, up to 32 characters. */
export const placeholderTypePattern: RegExp = /^[A-Z][A-Z0-9_]{0,31}$/;

/**
 * Every placeholder-shaped substring, `<TYPE_n>` with n from 1 to 9,999,999. Linear-time: each
 * quantifier is bounded and the classes around it cannot overlap the delimiters.
 */
export const placeholderPattern: RegExp = /<([A-Z][A-Z0-9_]{0,31})_([1-9][0-9]{0,6})>/g;

/** Whether `text` is exactly one placeholder. */
export const isPlaceholder = (text: string): boolean => /^<[A-Z][A-Z0-9_]{0,31}_[1-9][0-9]{0,6}>$/.test(text);

/** The placeholder for the `n`th value of `type` in a conversation. */
export const formatPlaceholder = (type: string, n: number): string => `<${type}_${n}>`;
