// History routing without a library: the node answers every page path with index.html (SPA
// fallback in src/api/console.ts), and links push the path and tell the app to render it.
import { type MouseEvent, type ReactNode, useEffect, useState } from 'react';

const navigateEvent = 'tally:navigate';

export function navigate(path: string): void {
  if (path === window.location.pathname + window.location.search) return;
  window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(navigateEvent));
  window.scrollTo(0, 0);
}

/** The current path (no query), re-rendering on links and on back/forward. */
export function usePath(): string {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const update = () => setPath(window.location.pathname);
    window.addEventListener('popstate', update);
    window.addEventListener(navigateEvent, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(navigateEvent, update);
    };
  }, []);
  return path;
}

type LinkProps = {
  to: string;
  children: ReactNode;
  className?: string;
  'aria-current'?: 'page' | undefined;
};

/** A real <a href> (open in a new tab works), handled in place on a plain click. */
export function Link({ to, children, className, ...rest }: LinkProps) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
      return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} className={className} {...rest}>
      {children}
    </a>
  );
}
