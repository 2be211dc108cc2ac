import { IsBoundedName } from '@samples/kit';

export class CreateSessionDto {
  /** The user the session is for: a bounded name, as workflow ids are. */
  @IsBoundedName(100)
  user_id!: string;
}
