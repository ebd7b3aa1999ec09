// A path with a malformed percent-escape (`/%E0`, `/api/points/%ZZ`) is the client's mistake, whatever
// route it was meant for. Checked once, before authentication, routing and the static files, each of
// which would otherwise decode it on its own and fail in its own way (Express's router throws a
// URIError from a route parameter, the static handler falls through to the dashboard's catch-all):
// the URIError goes to the error middleware, which answers 400 for every URIError.
import type { RequestHandler } from 'express';

export const rejectMalformedPath: RequestHandler = (req, _res, next) => {
  try {
    decodeURIComponent(req.path);
  } catch (err) {
    next(err);
    return;
  }
  next();
};
