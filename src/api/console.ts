// The web console (issue #8) served by every node: the built single-page app from console/dist with
// SPA fallback, the genesis it reads the network from, CORS for the other members' consoles, and,
// only on the loopback demo network, the demo API keys (docs in README "Console").
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, sendApiError } from './errors.ts';

/** Where `npm run build:console` writes the app (console/vite.config.ts). */
export const consoleDistDirDefault = resolve(import.meta.dirname, '../../console/dist');
/** Vite puts content-hashed files here: they never change, so browsers may keep them a year. */
const hashedAssetsPrefix = '/assets/';
const immutableCache = 'public, max-age=31536000, immutable';
/** index.html names the current hashed files: browsers must ask again every time. */
const revalidateCache = 'no-cache';
/** How long a browser may reuse a CORS preflight answer. */
const preflightMaxAgeSec = 600;
/** A built file larger than this is not served (the whole app is well under 1 MiB). */
const fileBytesMax = 8 * 1024 * 1024;
/** Paths the API owns: never answered with the app. */
const apiPathPattern = /^\/(v1|docs|health|ready|metrics)(\/|$)/;

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export type ConsoleOptions = {
  /** The built app; default console/dist of this checkout. */
  readonly distDir?: string | undefined;
  /** The genesis as JSON (genesisToJson): the nodes, organisations and keys the console shows. */
  readonly genesis?: unknown;
  /**
   * The demo key bundle `tally start` writes for its loopback network (config `console.demoKeysFile`);
   * served only to loopback callers that name a loopback host. Never set by `network init`.
   */
  readonly demoKeysFile?: string | undefined;
};

type BuiltFile = { readonly path: string; readonly type: string };

/** Every file of the build, by URL path; nothing outside `dir` can ever be in this map. */
function listBuild(dir: string): Map<string, BuiltFile> {
  const files = new Map<string, BuiltFile>();
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile() && stat.size <= fileBytesMax) {
        const type = contentTypes[extname(name).toLowerCase()];
        if (type !== undefined)
          files.set(`/${relative(dir, path).split(sep).join('/')}`, { path, type });
      }
    }
  };
  if (existsSync(join(dir, 'index.html'))) walk(dir);
  return files;
}

/** The build, read again while it is missing (a node started before `npm run build:console`). */
function createBuildIndex(dir: string): () => Map<string, BuiltFile> {
  let files = listBuild(dir);
  return () => {
    if (!files.has('/index.html')) files = listBuild(dir);
    return files;
  };
}

const notBuiltPage = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Tally console</title>
<body style="font-family:sans-serif;max-width:40rem;margin:3rem auto">
<h1>Tally console: not built</h1><p>Run <code>npm run build:console</code> (npm start does it for you),
then reload this page. The API is at <a href="/docs">/docs</a>.</p></body></html>`;

function sendFile(reply: FastifyReply, file: BuiltFile, urlPath: string): FastifyReply {
  const body = readFileSync(file.path);
  return reply
    .header('content-type', file.type)
    .header(
      'cache-control',
      urlPath.startsWith(hashedAssetsPrefix) ? immutableCache : revalidateCache,
    )
    .header('x-content-type-options', 'nosniff')
    .send(body);
}

function serveApp(build: () => Map<string, BuiltFile>) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const urlPath = request.url.split('?')[0] ?? '/';
    if (apiPathPattern.test(urlPath))
      return sendApiError(reply, new ApiError(404, 'not_found', `no route GET ${urlPath}`));
    const files = build();
    const index = files.get('/index.html');
    if (index === undefined)
      return reply.code(503).header('content-type', 'text/html; charset=utf-8').send(notBuiltPage);
    const file = files.get(urlPath);
    if (file !== undefined) return sendFile(reply, file, urlPath);
    // A missing asset is a 404; any other path is one of the app's own pages (history routing).
    if (urlPath.startsWith(hashedAssetsPrefix) || extname(urlPath) !== '')
      return sendApiError(reply, new ApiError(404, 'not_found', `no file ${urlPath}`));
    return sendFile(reply, index, '/index.html');
  };
}

function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address);
}

/** A loopback host name: refuses DNS-rebinding pages whose Host is some other name. */
function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = host.replace(/:\d+$/, '').toLowerCase();
  return name === 'localhost' || name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

function serveDemoKeys(file: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (file === undefined)
      throw new ApiError(
        404,
        'not_found',
        'this node serves no demo keys (config console.demoKeysFile)',
      );
    if (!isLoopbackAddress(request.socket.remoteAddress) || !isLoopbackHost(request.headers.host))
      throw new ApiError(403, 'forbidden', 'demo keys are served to loopback callers only');
    const fetchSite = request.headers['sec-fetch-site'];
    if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none')
      throw new ApiError(403, 'forbidden', 'demo keys are served to this node’s own pages only');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new ApiError(404, 'not_found', 'the demo key bundle is missing: run npm start again');
    }
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(text);
  };
}

/** `http://host:port` of each genesis node's API: the consoles allowed to call this node. */
function memberOrigins(genesis: unknown): Set<string> {
  const origins = new Set<string>();
  const nodes = (genesis as { nodes?: unknown } | undefined)?.nodes;
  if (!Array.isArray(nodes)) return origins;
  for (const node of nodes) {
    const api = (node as { api?: { host?: unknown; port?: unknown } }).api;
    if (typeof api?.host !== 'string' || typeof api.port !== 'number') continue;
    const hosts =
      api.host === '0.0.0.0' || api.host === '127.0.0.1'
        ? ['127.0.0.1', 'localhost']
        : [api.host.includes(':') ? `[${api.host}]` : api.host];
    for (const host of hosts) origins.add(`http://${host}:${api.port}`);
  }
  return origins;
}

/**
 * CORS for the network's own consoles: the console on one member's node calls the others (the
 * FX provider's quotes, the receiving wallet's gateway). Requests are signed, never cookie-based,
 * so allowing these origins lends them no credentials; the demo keys route stays same-origin.
 */
function installCors(app: FastifyInstance, origins: ReadonlySet<string>): void {
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined || !origins.has(origin)) return;
    if (request.url.startsWith('/console/demo-keys')) return;
    reply.header('access-control-allow-origin', origin);
    reply.header('vary', 'origin');
    reply.header('access-control-expose-headers', 'retry-after');
  });
  app.options('/*', { schema: { hide: true } }, async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined || !origins.has(origin)) return reply.code(204).send();
    return reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST')
      .header('access-control-allow-headers', 'authorization, content-type, accept')
      .header('access-control-max-age', String(preflightMaxAgeSec))
      .send();
  });
}

/** Registers the console's routes; call after the API's own routes (its catch-all comes last). */
export function registerConsole(app: FastifyInstance, options: ConsoleOptions = {}): void {
  const build = createBuildIndex(options.distDir ?? consoleDistDirDefault);
  installCors(app, memberOrigins(options.genesis));
  app.get(
    '/console/genesis.json',
    { config: { role: 'read' }, schema: { hide: true } },
    async (_request, reply) => {
      if (options.genesis === undefined) throw new ApiError(404, 'not_found', 'no genesis here');
      return reply.header('cache-control', 'no-cache').send(options.genesis);
    },
  );
  app.get(
    '/console/demo-keys.json',
    { schema: { hide: true } },
    serveDemoKeys(options.demoKeysFile),
  );
  app.get('/*', { schema: { hide: true } }, serveApp(build));
}
