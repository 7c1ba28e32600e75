/** What the CLI prints goes through `printable` (../printable.ts): text from files and sockets cannot drive the terminal. */
import { printable } from '../printable.ts';

export { printable };

/** console.log and console.error, made printable. */
export const say = (text: string): void => console.log(printable(text));
export const warn = (text: string): void => console.error(printable(text));
