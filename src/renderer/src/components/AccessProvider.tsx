import type { ReactNode } from 'react';
import type { CatenaApi } from '../../../contract/methods.ts';
import { CanWriteContext } from '../access.ts';
import { useLoad } from '../hooks.ts';

/**
 * Asks the host once what this console may do and tells every screen below
 * (useCanWrite). Until the answer comes, and if it fails, the controls stay:
 * the server refuses what the token may not do anyway.
 */
export function AccessProvider(props: { api: CatenaApi; children: ReactNode }) {
  const { api } = props;
  const access = useLoad(() => api.access(), [api]);
  return (
    <CanWriteContext.Provider value={access.data?.access !== 'read'}>
      {props.children}
    </CanWriteContext.Provider>
  );
}
