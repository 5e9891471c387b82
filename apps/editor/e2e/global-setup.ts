import type { TestProject } from 'vitest/node';
import { serveBuiltApp } from './serve.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

/** One production build served for every e2e test: what users get, and no dev-server reloads mid-test. */
export default async function setup(project: TestProject) {
  const app = await serveBuiltApp();
  project.provide('baseUrl', app.url);
  return () => app.close();
}
