// Types of cli-bundle.mjs, for the tests that import it.
export type CliBundleOptions = { root?: string; entry?: string; outFile?: string };
export declare const cliBundleDefaults: Required<CliBundleOptions>;
export declare function cliBundle(
  options?: CliBundleOptions,
): Promise<{ url: URL; built: boolean } | undefined>;
export declare function buildCliBundle(options?: CliBundleOptions): Promise<void>;
export declare function isFresh(root: string, outFile: string): boolean;
