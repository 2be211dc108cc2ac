import { Body, Controller, Delete, HttpCode, HttpStatus, NotFoundException, Param, Post } from '@nestjs/common';
import { CreateSessionDto } from './create-session.dto';
import { SessionStore, type Session } from './session.store';

/** Opens and closes user sessions: `active_sessions` on /metrics counts the open ones. */
@Controller('api/v1/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionStore) {}

  @Post()
  create(@Body() dto: CreateSessionDto): Session {
    return this.sessions.open(dto.user_id);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  close(@Param('id') id: string): void {
    if (!this.sessions.close(id)) throw new NotFoundException('no open session with this id');
  }
}
