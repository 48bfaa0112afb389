import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RECEIVER_OPTIONS } from '../../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../../config/receiver-options.interface';
import { CommonMessages } from '../common.messages';
import { routeMetadata } from '../decorators/route-metadata';
import { AuthenticationError, RefusedError } from '../errors/receiver.errors';
import { phpTrim } from '../input/php-input';
import { header, nodeRequest, receiverState } from '../request/receiver-request';
import {
  PROJECT_KEY_LOOKUP,
  type ProjectKeyLookup,
  RECEIVER_AUTH_METADATA,
  type ReceiverAuthKind,
} from './auth.constants';
import { secretsEqual } from './constant-time';
import { isDomainAllowed } from './domain-lock';
import type { ProjectEntity } from '../../storage/entities/project.entity';

/** Step 4 of the pipeline: checks the key `@ReceiverAuth()` asks for, with the contract's errors. */
@Injectable()
export class ReceiverAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(PROJECT_KEY_LOOKUP) private readonly keys: ProjectKeyLookup,
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
  ) {}

  /**
   * Synchronous when the key lookup answers from its cache (the usual case on tracking routes):
   * Nest then continues without waiting for a promise; a thrown error reaches the exception
   * filter either way.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const kind =
      routeMetadata<ReceiverAuthKind>(this.reflector, RECEIVER_AUTH_METADATA, context) ?? 'none';
    const request = context.switchToHttp().getRequest<unknown>();
    if (kind === 'none') return true;
    if (kind === 'admin') {
      const given = header(request, 'x-admin-key');
      if (!given || !secretsEqual(given, this.options.adminKey)) {
        throw new AuthenticationError(CommonMessages.unauthorized);
      }
      return true;
    }
    const key = phpTrim(header(request, 'x-api-key'));
    if (kind === 'either') return this.eitherKey(request, key);
    if (!key) throw new AuthenticationError(CommonMessages.apiKeyRequired);
    const found =
      kind === 'secret' ? this.keys.findBySecretKey(key) : this.keys.findByPublicKey(key);
    return found instanceof Promise
      ? found.then((project) => this.admit(request, kind, project))
      : this.admit(request, kind, found);
  }

  /** The outcome of a `secret` or `public` key lookup. */
  private admit(request: unknown, kind: 'secret' | 'public', project: ProjectEntity | null): true {
    if (!project) throw new AuthenticationError(CommonMessages.invalidApiKey);
    if (kind === 'public' && !this.domainAllowed(request, project.allowed_domains)) {
      throw new RefusedError(CommonMessages.domainNotAllowed);
    }
    const state = receiverState(request);
    state.project = project;
    state.keyType = kind;
    return true;
  }

  /** `either`: the secret key, else the public key with the domain lock (401 only). */
  private async eitherKey(request: unknown, key: string): Promise<boolean> {
    const state = receiverState(request);
    const secretProject = key ? await this.keys.findBySecretKey(key) : null;
    if (secretProject) {
      state.project = secretProject;
      state.keyType = 'secret';
      return true;
    }
    const publicProject = key ? await this.keys.findByPublicKey(key) : null;
    if (!publicProject || !this.domainAllowed(request, publicProject.allowed_domains)) {
      throw new AuthenticationError(CommonMessages.invalidApiKey);
    }
    state.project = publicProject;
    state.keyType = 'public';
    return true;
  }

  private domainAllowed(request: unknown, allowedDomains: string): boolean {
    const { headers } = nodeRequest(request);
    const origin = typeof headers.origin === 'string' ? headers.origin : undefined;
    const referer = typeof headers.referer === 'string' ? headers.referer : undefined;
    return isDomainAllowed(origin, referer, allowedDomains);
  }
}
