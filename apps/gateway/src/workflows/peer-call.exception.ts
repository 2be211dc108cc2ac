import { HttpException, HttpStatus } from '@nestjs/common';

/** A downstream service failed or could not be reached: the gateway answers 502. */
export class PeerCallException extends HttpException {
  constructor(peer: string, reason: string, details?: unknown) {
    super({ statusCode: HttpStatus.BAD_GATEWAY, error: 'Bad Gateway', message: `${peer}: ${reason}`, details }, HttpStatus.BAD_GATEWAY);
  }
}
