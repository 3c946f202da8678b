// sastrawijs ships types, but its package.json "exports" hides them from NodeNext resolution; this is the part we use.
declare module 'sastrawijs' {
  export class Stemmer {
    constructor(dictionary?: string[]);
    /** Is the word a root in Sastrawi's dictionary? */
    find(word: string): boolean;
    stem(word: string): string;
  }
}
