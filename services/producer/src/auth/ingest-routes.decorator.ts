import { applyDecorators, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ReadsOwnBody } from '@hookline/observability';
import { BearerTokenGuard } from './bearer-token.guard.js';

/** A controller of ingest-token routes: the token is checked before a route reads its own body. */
export const IngestRoutes = (path: string): ClassDecorator => applyDecorators(Controller(path), UseGuards(BearerTokenGuard), ReadsOwnBody());

/** POST answered 202: the events are accepted once Kafka has them. */
export const PostAccepted = (): MethodDecorator => applyDecorators(Post(), HttpCode(HttpStatus.ACCEPTED));
