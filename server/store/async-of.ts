/** `T` with every method's result a promise, nested objects' methods included (server/store/async.ts). */
export type AsyncOf<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : T[K] extends object
      ? AsyncOf<T[K]>
      : T[K];
};
