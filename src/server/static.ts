import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

// Vite names files under /assets/ by their content hash, so they never change; everything
// else (index.html, sw.js, the manifest) must be revalidated, or a tablet keeps an old app.
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

const isHashedAsset = (path: string): boolean => path.includes(`${sep}assets${sep}`);

/**
 * A source map hands anyone the app's original source, comments and all. The build makes none
 * (vite.config.ts); one copied into the folder by hand is still never served: 404, as for a
 * file that is not there.
 */
export function isSourceMap(urlPath: string): boolean {
  let path = urlPath;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    // Not valid percent-encoding: judged as written, and no file is served for it anyway.
  }
  return /\.map$/i.test(path);
}

/** Serves the built PWA from `root` with the caching each kind of file needs. */
export const staticFiles: FastifyPluginAsync<{ root: string }> = async (app, { root }) => {
  await app.register(fastifyStatic, {
    root: resolve(root), // @fastify/static wants an absolute path
    cacheControl: false,
    // Checked against the path asked for and the file it resolves to; false calls the not-found handler.
    allowedPath: (pathName) => !isSourceMap(pathName),
    setHeaders: (reply, path) => reply.header('cache-control', isHashedAsset(path) ? IMMUTABLE : REVALIDATE),
  });
};

type NotFoundHandler = (request: FastifyRequest, reply: FastifyReply) => unknown;

/**
 * The app routes in the browser, so a reload on /setup must get index.html. API paths and
 * missing hashed assets still get a 404: HTML served as a script only hides the problem.
 */
export function spaFallback(root: string, notFound: NotFoundHandler): NotFoundHandler {
  const index = join(resolve(root), 'index.html');
  return async function serveIndexHtml(request, reply) {
    const path = request.url.split('?')[0] ?? '';
    const isPage = (request.method === 'GET' || request.method === 'HEAD') && !/^\/(api|assets)(\/|$)/.test(path) && !isSourceMap(path);
    if (!isPage || !(await exists(index))) return notFound(request, reply);
    return reply.code(200).type('text/html; charset=utf-8').header('cache-control', REVALIDATE).send(createReadStream(index));
  };
}

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );
