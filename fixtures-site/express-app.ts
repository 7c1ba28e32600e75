/**
 * The fixture site's content as an ordinary express 5 app, through `@mswjs/http-middleware`: the same msw handlers
 * the profile-faithful server uses, served by Node's own http server. Useful to open the site without any server
 * profile, and the proof that the content is defined once. Connection behaviour here is Node's, not a profile's.
 */
import express, { type Express } from 'express';
import { createMiddleware } from '@mswjs/http-middleware';
import type { RequestHandler } from 'msw';

export function createExpressApp(handlers: readonly RequestHandler[]): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // The middleware's typings are CommonJS and see msw's CJS declaration of RequestHandler; the objects are the same.
  app.use(createMiddleware(...(handlers as unknown as Parameters<typeof createMiddleware>)));
  app.use((req, res) => {
    res.status(404).type('text/plain').send(`404 Not Found: ${req.method} ${req.originalUrl} on ${req.hostname}\n`);
  });
  return app;
}
