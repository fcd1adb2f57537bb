// Loads something once per key and keeps its result or error for the page; a newer key wins.
import { useEffect, useState } from 'react';
import { errorText } from './format.ts';

export type AsyncState<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'done'; readonly value: T }
  | { readonly state: 'failed'; readonly error: string };

export function useAsync<T>(load: () => Promise<T>, key: string): AsyncState<T> {
  const [result, setResult] = useState<AsyncState<T>>({ state: 'loading' });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names everything `load` reads
  useEffect(() => {
    let current = true;
    setResult({ state: 'loading' });
    load().then(
      (value) => current && setResult({ state: 'done', value }),
      (error: unknown) => current && setResult({ state: 'failed', error: errorText(error) }),
    );
    return () => {
      current = false;
    };
  }, [key]);
  return result;
}
