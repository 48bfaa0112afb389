import { Injectable } from '@nestjs/common';

/** The sample's domain: an in-memory user list the telemetry counts. */
@Injectable()
export class UsersService {
  private readonly users: string[] = ['ada', 'grace', 'linus'];

  add(name: string): number {
    this.users.push(name);
    return this.users.length;
  }

  count(): number {
    return this.users.length;
  }
}
