// @fastify/swagger 9.9.3 names types/index.d.ts in its package.json but does not publish it: the part we use.
declare module "@fastify/swagger" {
  import type { FastifyPluginAsync } from "fastify";
  const swagger: FastifyPluginAsync<{
    openapi?: { info: { title: string; version: string; description?: string }; components?: unknown };
  }>;
  export default swagger;
}
