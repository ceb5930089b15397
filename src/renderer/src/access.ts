/**
 * What this console may do: everything, or read only (opened with the
 * read-only API token, CATENA_API_READ_TOKEN). Asked once at start (the
 * contract's `access`); the write controls (launch, cancel, acknowledge,
 * rules) read it here rather than each asking the server, and the server
 * refuses them anyway (403 READ_ONLY_TOKEN).
 */
import { createContext, useContext } from 'react';

/** true until the server says otherwise: a console that cannot ask (an old host) keeps its controls */
export const CanWriteContext = createContext(true);

/** Whether this console may launch, cancel, acknowledge and change rules. */
export function useCanWrite(): boolean {
  return useContext(CanWriteContext);
}
