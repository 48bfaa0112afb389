import { Body, Controller, Get, Post } from '@nestjs/common';
import { UsersService } from './users.service';

@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('count')
  count(): { count: number } {
    return { count: this.users.count() };
  }

  @Post()
  add(@Body() body: { name?: string }): { count: number } {
    return { count: this.users.add(body?.name ?? 'anonymous') };
  }
}
